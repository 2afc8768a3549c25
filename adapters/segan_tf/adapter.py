"""The ``segan-tf`` adapter: the original SEGAN code, unmodified, in the ``segan-tf`` environment.

Host side (it runs in the harness's interpreter, ``host_side = True``): it
prepares files and starts upstream's own programs inside the environment
variant chosen for the run:

- ``exact``: Python 2.7 + TensorFlow 0.12.1 (Docker), upstream runs as is;
- ``tf1-nv`` / ``tf2-compat``: through ``python -m adapters.tfcompat``.

Train: writes the train split as 16 kHz 16-bit PCM WAVs, an
``e2e_maker.cfg``-style TOML pointing at them, runs upstream
``make_tfrecords.py`` then ``main.py`` with flags mapped from the harness
config. ``make_tfrecords.py`` always cuts 16384-sample windows, so the canvas
size cannot be changed. Checkpoints are large (about 1.2 GB per save at the
default size: weights plus RMSProp slots).

Restore: ``driver.py`` loads the checkpoint once and cleans every test file in
one session, reproducing ``main.py --test_wav`` (input scaling, pre-emphasis,
``model.clean``, de-emphasis, ``wavfile.write``). z is fed explicitly
(``z = "seeded"`` per item, or ``"zeros"``) unless ``z = "upstream"``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from core.adapter import Adapter, JobContext
from core.atomic import write_json, write_text
from core.audio_io import read_audio, write_wav
from core.errors import ArhError
from core.job import Job

STEP_LINE = re.compile(r"^(\d+)/(\d+) \(epoch (\d+)\), d_rl_loss = ([-\d.e+naninf]+), d_fk_loss = ([-\d.e+naninf]+), "
                       r"g_adv_loss = ([-\d.e+naninf]+), g_l1_loss = ([-\d.e+naninf]+), time/batch = ([\d.e+-]+)")
META_FILE = "arh_segan.json"
DRIVER = Path(__file__).with_name("driver.py")


def flat_name(item_id: str) -> str:
    """Upstream pairs clean and noisy files by base name: ids become flat file names."""
    return item_id.replace("/", "__") + ".wav"


class SeganTF(Adapter):
    """Original SEGAN (TF 0.12 code, unmodified) via the exact stack or the compat layer."""

    name = "segan-tf"
    environment = "segan-tf"
    sample_rate = 16000
    tasks = ("denoise", "codec")
    trainable = True
    host_side = True
    # "default" follows upstream's train_segan.sh (best set-up: pre-emphasis and all biases).
    configs = {
        "default": {"epochs": 86, "batch_size": 100, "canvas_size": 16384, "save_freq": 50, "l1_weight": 100.0,
                    "preemph": 0.95, "init_noise_std": 0.0, "g_nl": "prelu", "bias_deconv": True,
                    "bias_downconv": True, "bias_D_conv": True, "g_learning_rate": 0.0002,
                    "d_learning_rate": 0.0002, "max_train_items": None, "z": "seeded", "segan_src": None},
        "tiny": {"epochs": 1, "batch_size": 2, "save_freq": 1000, "max_train_items": 2},
    }

    # -- helpers ------------------------------------------------------------
    def _prefix(self, ctx: JobContext, src: Path, script: Path) -> list[str]:
        variant = ctx.variant
        if variant is None:
            raise ArhError("segan-tf must be started by the runner (`arh run --adapter segan-tf ...`)")
        # the driver is a harness file, and a container sees the harness at another path
        driver = Path(ctx.harness_path("adapters/segan_tf/driver.py"))
        if script == DRIVER:
            script = driver
        if variant.compat_layer:
            return ["python", "-m", "adapters.tfcompat", "--legacy-root", str(src),
                    "--legacy-root", str(driver.parent), str(script)]
        return ["python", str(script)]

    def _exec(self, ctx: JobContext, argv: list[str], src: Path, work: Path, what: str, extra_rw=()) -> None:
        audit = Path(ctx.run_dir) / f"tfcompat_audit_{ctx.job.action}_{what}.json"
        env = {"PYTHONDONTWRITEBYTECODE": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "ARH_TFCOMPAT_AUDIT": str(audit),
               "PYTHONUNBUFFERED": "1",
               # graph-level seed (compat variants): makes upstream's own unseeded z repeatable per run seed
               "ARH_TFCOMPAT_GRAPH_SEED": str(ctx.job.seed)}
        ctx.log(f"segan-tf: running {what} in {ctx.variant.name}: {' '.join(argv[:8])} ...")
        code = ctx.env_exec(argv, read_only=[str(src)], read_write=[str(work), *extra_rw], workdir=str(work),
                            env=env)
        if audit.exists():
            ctx.provenance.setdefault("tfcompat_audit", {})[what] = json.loads(audit.read_text())
        if code != 0:
            raise ArhError(f"upstream {what} exited with code {code}; see {ctx.run_dir}/logs/{ctx.job.action}.out")

    def _source(self, ctx: JobContext, cfg: dict) -> Path:
        from adapters.segan_tf.upstream import locate, verify

        src = locate(cfg.get("segan_src"))
        ctx.provenance["upstream"] = verify(src)
        ctx.provenance["variant"] = ctx.variant.name if ctx.variant else None
        return src

    # -- train ----------------------------------------------------------------
    def train(self, job: Job, ctx: JobContext) -> None:
        from adapters.segan_tf.flags import flag_values, to_argv

        cfg = self.config(job.config)
        if int(cfg["canvas_size"]) != 16384:
            raise ArhError("segan-tf: canvas_size must be 16384 (upstream make_tfrecords.py cuts 2**14 windows)")
        src = self._source(ctx, cfg)
        work = Path(job.run_dir) / "work" / "segan_train"
        data = work / "data"
        items = ctx.items("train")
        if cfg.get("max_train_items"):
            items = items[: int(cfg["max_train_items"])]
        if not items:
            raise ArhError(f"dataset {job.dataset} has no train items")
        for it in items:  # 16 kHz 16-bit PCM, as upstream's data preparation expects
            for which, folder in (("clean", "clean"), ("degraded", "noisy")):
                x = ctx.load_clean(it, 16000) if which == "clean" else ctx.load_degraded(it, 16000)
                write_wav(data / folder / flat_name(it.id), x.clip(-1, 1), 16000, subtype="PCM_16")
        cfg_file = data / "e2e_maker.cfg"
        write_text(cfg_file, f'[segan]\nnoisy="{data / "noisy"}/"\nclean="{data / "clean"}/"\n')
        self._exec(ctx, self._prefix(ctx, src, src / "make_tfrecords.py")
                   + ["--cfg", str(cfg_file), "--save_path", str(data), "--out_file", "segan.tfrecords",
                      "--force-gen"], src, work, "make_tfrecords")
        ckpt = ctx.checkpoint_dir()
        values = flag_values(cfg, job.seed, save_path=str(ckpt), e2e_dataset=str(data / "segan.tfrecords"),
                             synthesis_path=str(work / "synthesis"), save_clean_path=str(work / "clean"))
        log = Path(job.run_dir) / "logs" / "train.out"
        offset = log.stat().st_size if log.exists() else 0
        t0 = time.monotonic()
        self._exec(ctx, self._prefix(ctx, src, src / "main.py") + to_argv(values), src, work, "main",
                   extra_rw=[str(ckpt)])
        steps = self._log_steps(ctx, log, offset)
        weights = latest_checkpoint(ckpt)
        write_json(ckpt / META_FILE, {"weights": weights, "flags": values, "upstream": ctx.provenance["upstream"],
                                      "variant": ctx.provenance["variant"], "train_items": [i.id for i in items],
                                      "steps": steps, "seconds": time.monotonic() - t0})
        ctx.log(f"segan-tf: trained {steps} steps, checkpoint {weights}")

    def _log_steps(self, ctx: JobContext, log: Path, offset: int) -> int:
        """Turn upstream's per-step lines into train_log.jsonl records; returns the step count."""
        if not log.exists():
            return 0
        with open(log, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", errors="replace")
        steps = 0
        for line in text.splitlines():
            m = STEP_LINE.match(line.strip())
            if m:
                steps += 1
                ctx.log_step({"step": int(m.group(1)), "epoch": int(m.group(3)), "d_rl_loss": float(m.group(4)),
                              "d_fk_loss": float(m.group(5)), "g_adv_loss": float(m.group(6)),
                              "g_l1_loss": float(m.group(7)), "seconds": float(m.group(8))})
        return steps

    # -- restore ----------------------------------------------------------------
    def restore(self, job: Job, ctx: JobContext) -> None:
        cfg = self.config(job.config)
        ckpt = Path(job.checkpoint or "")
        meta_path = ckpt / META_FILE
        if not meta_path.exists():
            raise ArhError(f"{ckpt} is not a segan-tf checkpoint folder (no {META_FILE}); train with "
                           "`arh run --adapter segan-tf` or convert an upstream checkpoint folder")
        meta = json.loads(meta_path.read_text())
        src = self._source(ctx, cfg)
        work = Path(job.run_dir) / "work" / "segan_restore"
        pending = ctx.pending()
        jobs = []
        for it in pending:
            out = work / "out" / flat_name(it.id)
            if not out.exists():
                inp = work / "in" / flat_name(it.id)
                write_wav(inp, ctx.load_degraded(it, 16000).clip(-1, 1), 16000, subtype="PCM_16")
                jobs.append([str(inp), str(out), it.id])
        if jobs:
            flags = dict(meta["flags"], save_path=str(ckpt))
            write_json(work / "flags.json", flags)
            write_json(work / "jobs.json", jobs)
            self._exec(ctx, self._prefix(ctx, src, DRIVER)
                       + ["--src", str(src), "--save_path", str(ckpt), "--weights", meta["weights"],
                          "--jobs", str(work / "jobs.json"), "--flags", str(work / "flags.json"),
                          "--z", cfg["z"], "--seed", str(job.seed)], src, work, "driver", extra_rw=[])
        for it in pending:
            y, sr = read_audio(work / "out" / flat_name(it.id))
            ctx.write_output(it, y, rate=sr)
        ctx.provenance["z"] = cfg["z"]
        ctx.provenance["weights"] = meta["weights"]


def latest_checkpoint(ckpt: Path) -> str:
    """Name of the newest checkpoint in upstream's ``checkpoint`` index file."""
    index = ckpt / "checkpoint"
    if not index.exists():
        raise ArhError(f"upstream training wrote no checkpoint into {ckpt} (no 'checkpoint' file); see the train log")
    m = re.search(r'^model_checkpoint_path:\s*"([^"]+)"', index.read_text(), re.M)
    if not m:
        raise ArhError(f"cannot read the checkpoint name from {index}")
    return Path(m.group(1)).name
