"""segan-pt: SEGAN speech enhancement (Pascual, Bonafonte, Serrà, Interspeech 2017) in PyTorch.

No torch import at module level: the model modules are imported inside
``train``/``restore``.
"""

from __future__ import annotations

import time

from adapters.torch_common.config import check_config
from core.adapter import Adapter
from core.errors import ArhError
from core.hashing import rng_for
from core.progress import Progress

NAME = "segan-pt"

# Keys that fix the network and its signal conditioning: taken from the checkpoint at restore time.
MODEL_KEYS = ("canvas", "g_enc_depths", "d_fmaps", "kwidth", "g_nl", "bias_downconv", "bias_deconv",
              "bias_d_conv", "preemph", "input_scale")

# oneDNN gave wrong, run-to-run different results for SEGAN's widest layers (see torch_common.device).
ONEDNN = False

SEGAN_DEPTHS = [16, 32, 32, 64, 64, 128, 128, 256, 256, 512, 1024]

DEFAULT = {
    # signal and architecture (upstream train_segan.sh / clean_wav.sh, the released SEGAN)
    "canvas": 16384, "hop": 8192, "g_enc_depths": SEGAN_DEPTHS, "d_fmaps": SEGAN_DEPTHS, "kwidth": 31,
    "g_nl": "prelu", "bias_downconv": True, "bias_deconv": True, "bias_d_conv": True,
    "preemph": 0.95, "input_scale": "float",
    # training
    "batch_size": 100, "epochs": 86, "steps": None, "g_lr": 0.0002, "d_lr": 0.0002,
    "rmsprop_decay": 0.9, "rmsprop_epsilon": 1e-10, "l1_weight": 100.0, "l1_remove_epoch": 150,
    "init_noise_std": 0.0, "denoise_epoch": 5, "noise_decay": 0.7, "denoise_lbound": 0.01,
    "d_label_smooth": 0.0, "separate_g_batch": True,
    "valid_every": 500, "save_every": 500, "log_every": 50, "valid_max_windows": 200,
    # inference
    "z_mode": "seeded", "infer_batch": 8, "checkpoint": "best",
}


class SeganPT(Adapter):
    """SEGAN (Interspeech 2017) in PyTorch, matching upstream santi-pdp/segan@c88a08d computation.

    What is reproduced from the paper and upstream code (``model.py``,
    ``generator.py`` ``AEGenerator``, ``discriminator.py``, ``ops.py``,
    ``bnorm.py``, ``data_loader.py``, ``main.py``):

    - 16 kHz mono; training windows of ``canvas`` = 16384 samples every 8192
      (complete windows only, as ``make_tfrecords.slice_signal``);
      pre-emphasis 0.95 on input and target windows; de-emphasis of the output.
    - G: 11 strided convolutions (k = 31, stride 2, TF 'SAME' padding) with
      16 ... 1024 channels, PReLU (one alpha per channel, initialised to 0),
      z ~ N(0, I) of shape 1024 x 8 concatenated *before* the code, 11
      transposed convolutions (TF 'SAME', output twice the input), PReLU,
      encoder skips taken *before* the encoder activation and concatenated
      *after* the decoder output; tanh output. Weights ~ truncated N(0, 0.02).
    - D: the same encoder on ``[clean or enhanced, noisy]`` (that channel
      order), virtual batch norm (reference = the real pair of the same
      iteration, mixing 1/(B+1)), LeakyReLU 0.3, a 1x1 convolution without
      bias, a fully connected layer (8 -> 1, Glorot-uniform).
    - LSGAN losses, G adds 100 x L1; TF-0.12-style RMSProp (mean square
      initialised to ones, epsilon 1e-10 inside the root, decay 0.9), lr 2e-4
      for both; one D update then one G update per iteration, each on its
      own batch (``separate_g_batch``); Gaussian noise on D inputs with upstream's
      per-epoch decay schedule (``init_noise_std``, ``denoise_epoch``,
      ``noise_decay``, ``denoise_lbound``); L1 switched off at ``l1_remove_epoch``.
    - Inference as upstream ``main.py --test_wav``: the whole file is
      conditioned, cut into consecutive canvases (last one zero-padded), each
      canvas enhanced with its own z, outputs concatenated, cut to the input
      length and de-emphasised; here batched over canvases.

    Configurations: ``default`` is the published recipe (``train_segan.sh``:
    PReLU, biases on every convolution, pre-emphasis 0.95, no D input noise,
    batch 100, 86 epochs; the released SEGAN checkpoint was run with these flags
    by ``clean_wav.sh``); ``upstream-flags`` is ``main.py``'s flag defaults
    (leaky ReLU, no biases, D input noise 0.5, batch 150, 150 epochs); ``tiny``
    trains in minutes on a CPU.

    Deviations from upstream (on purpose, each switchable where it matters):

    - Input scaling: the harness reads audio as ``v / 32768``; upstream maps 16-bit
      ``v`` to ``(2 v + 1) / 65535`` (a 1.5e-5 offset). ``input_scale =
      "upstream_int16"`` reproduces upstream's mapping exactly.
    - z at inference: upstream draws a fresh, unseeded z per canvas. Here
      ``z_mode = "seeded"`` draws it from ``core.hashing.rng_for(seed, item id,
      "segan-z")`` (reproducible per item, independent of batching), or
      ``"zeros"`` (no noise, for parity checks).
    - Batches: upstream's shuffling queue (min_after_dequeue 1000) is replaced by
      a seeded permutation per pass; multi-GPU tower averaging is not reproduced
      (one device).
    - Label smoothing: upstream defines ``--d_label_smooth 0.25`` but never uses
      it in a loss, so the effective value, and the default here, is 0
      (``d_label_smooth`` > 0 sets the real target to ``1 - value``).
    - Validation and ``best``: upstream has no validation; here the L1 between
      G(noisy) and clean on ``valid`` windows (pre-emphasised, fixed z) picks the
      ``best`` checkpoint, and ``latest`` holds the last weights.
    - De-emphasis runs in float64 (scipy ``lfilter``) instead of upstream's
      float32/float64 Python loop (differences around 1e-8).
    - Upstream's ``is_ref`` z variable (``g_ae/z/z``), summaries and dropout
      variables of the other generator type are not reproduced.

    Checked against upstream's own code (generator.py/discriminator.py run
    through ``adapters.tfcompat`` on TF 2.21, same variables via ``port``, same z):
    G output within 5e-8, D logits within 1e-5, at the default size.
    On the CPU, torch's oneDNN kernels are off for this adapter (they gave
    wrong, run-to-run different results for the widest layers; see
    ``adapters.torch_common.device``); ``ARH_TORCH_THREADS`` sets the thread count.
    """

    name = NAME
    environment = "torch"
    sample_rate = 16000
    tasks = ("denoise",)
    trainable = True
    configs = {
        "default": DEFAULT,
        "tiny": {"canvas": 2048, "hop": 1024, "g_enc_depths": [8, 16, 16, 32, 32], "d_fmaps": [8, 16, 16, 32, 32],
                 "batch_size": 8, "steps": 40, "valid_every": 20, "save_every": 20, "log_every": 10,
                 "valid_max_windows": 16, "infer_batch": 16},
        "upstream-flags": {"g_nl": "leaky", "bias_downconv": False, "bias_deconv": False, "bias_d_conv": False,
                           "init_noise_std": 0.5, "batch_size": 150, "epochs": 150},
    }

    # -- configuration ---------------------------------------------------------
    def resolve_config(self, job) -> dict:
        cfg = check_config(self.name, self.config(job.config), DEFAULT)
        if cfg["z_mode"] not in ("seeded", "zeros"):
            raise ArhError(f"segan-pt config: z_mode {cfg['z_mode']!r} must be 'seeded' or 'zeros'")
        if cfg["input_scale"] not in ("float", "upstream_int16"):
            raise ArhError(f"segan-pt config: input_scale {cfg['input_scale']!r} must be 'float' or 'upstream_int16'")
        if cfg["checkpoint"] not in ("best", "latest"):
            raise ArhError(f"segan-pt config: checkpoint {cfg['checkpoint']!r} must be 'best' or 'latest'")
        from adapters.segan_pt.model import check_canvas

        check_canvas(cfg)
        return cfg

    @classmethod
    def param_counts(cls, config: str | dict = "default") -> dict[str, int]:
        """Trainable parameters of G and D for a named configuration (or a dict of overrides)."""
        from adapters.segan_pt.model import param_counts

        return param_counts(cls.config(config))

    # -- train -----------------------------------------------------------------
    def train(self, job, ctx) -> None:
        from adapters.segan_pt.model import count_params
        from adapters.segan_pt.train import SeganTraining
        from adapters.torch_common.device import record_device, setup_torch
        from adapters.torch_common.loop import LoopSettings, run_training

        cfg = self.resolve_config(job)
        device = setup_torch(job.device, onednn=ONEDNN)
        training = SeganTraining(ctx, job, cfg, device, self.name)
        counts = {"generator": count_params(training.G), "discriminator": count_params(training.D)}
        record_device(ctx, device, "train", {"params": counts})
        ctx.log(f"{self.name}: G {counts['generator']:,} parameters, D {counts['discriminator']:,}")
        summary = run_training(
            ctx, self.name, cfg, training.parts(),
            LoopSettings(total_steps=training.total_steps, valid_every=cfg["valid_every"],
                         save_every=cfg["save_every"], log_every=cfg["log_every"], model_keys=MODEL_KEYS),
            extra_record={"params": counts, "sample_rate": self.sample_rate},
        )
        ctx.log(f"{self.name}: training finished: {summary}")

    # -- restore ---------------------------------------------------------------
    def load_generator(self, ctx, cfg: dict, device):
        """G from the job's checkpoint folder (``best``, else ``latest``) and the effective config."""
        from adapters.segan_pt.model import build_generator
        from adapters.torch_common.checkpoint import load_job_checkpoint

        ck, eff = load_job_checkpoint(ctx, self.name, cfg, MODEL_KEYS)
        G = build_generator(eff)
        G.load_state_dict(ck.module_state("G"), strict=True)
        ctx.log(f"{self.name}: loaded {ck.path.name} (step {ck.step})")
        return G.to(device).eval(), eff, ck

    def restore(self, job, ctx) -> None:
        from adapters.segan_pt.infer import restore_signal
        from adapters.segan_pt.model import count_params
        from adapters.torch_common.device import record_device, setup_torch

        cfg = self.resolve_config(job)
        device = setup_torch(job.device, onednn=ONEDNN)
        G, eff, ck = self.load_generator(ctx, cfg, device)
        record_device(ctx, device, "restore", {"checkpoint": ck.path.name, "checkpoint_step": ck.step,
                                               "generator_params": count_params(G), "z_mode": eff["z_mode"]})
        items = ctx.pending()
        done_before = len(ctx.items()) - len(items)
        if done_before:
            ctx.log(f"{self.name}: {done_before} outputs already exist; restoring the other {len(items)}")
        audio_s, t0 = 0.0, time.monotonic()
        with Progress(len(items), f"restore {self.name}") as progress:
            for item in items:
                x = ctx.load_degraded(item)
                rng = rng_for(job.seed, item.id, "segan-z") if eff["z_mode"] == "seeded" else None
                ctx.write_output(item, restore_signal(G, x, eff, rng, device))
                audio_s += len(x) / self.sample_rate
                progress.advance()
        wall = time.monotonic() - t0
        if items:
            ctx.log(f"{self.name}: restored {len(items)} items, {audio_s:.1f} s of audio in {wall:.1f} s "
                    f"(real-time factor {audio_s / max(wall, 1e-9):.2f}) on {device}")
