"""The ``docker`` backend: build an environment's image and run jobs in containers.

Images are tagged ``arh/<env>:<variant>-<key>`` where ``key`` hashes the
manifest, the variant's lock file and its Dockerfile; labels record those
hashes, the harness git revision, the base image and the upstream commit.

Builds use BuildKit when a client offers it (``docker buildx build``, or
``DOCKER_BUILDKIT=1 docker build`` with a pre-23 client such as Debian's
``docker.io``), else the Python SDK's classic builder. Every build context is
assembled in a temporary folder: the environment folder plus ``arh-ca/`` holding
extra CA certificates (``--ca-cert`` or ``ARH_CA_CERTS``) so pip and apt work
behind TLS-inspecting proxies; certificates never enter the repository.

Containers run as the invoking uid:gid, never privileged, with all capabilities
dropped and ``network_mode="none"`` unless the request asks for network. Every
host path of the request is bind-mounted at the same path inside (read-only or
read-write), so job files need no rewriting; the harness checkout is mounted
read-only at ``/opt/arh`` with ``PYTHONPATH`` set. Legacy upstream sources
(e.g. SEGAN from ``ARH_SEGAN_SRC`` or the ``$ARH_HOME`` clone) are not baked
into images: the adapter lists them in ``ExecRequest.read_only`` and they are
mounted read-only like any other input. GPUs are passed through device
requests when the variant has CUDA and the request wants a GPU. CPU and memory
limits come from ``ARH_DOCKER_CPUS`` / ``ARH_DOCKER_MEMORY`` (or constructor
options).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.envs.backend import Backend, ExecRequest, run_logged
from core.envs.manifest import Environment, Variant
from core.errors import ArhError
from core.hashing import file_digest, stable_hash
from core.paths import arh_home, repo_root

CONTAINER_SRC = "/opt/arh"  # harness checkout inside containers (read-only)
LABEL = "org.arh."
DEFAULT_PIP_INDEX = "https://pypi.org/simple"
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")


# -- engine ----------------------------------------------------------------------------
def docker_sdk():
    """The ``docker`` Python SDK module, or an ArhError saying how to install it."""
    try:
        import docker
    except ImportError as e:
        raise ArhError("the docker backend needs the Docker SDK for Python: "
                       "`pip install 'arh[docker]'` (docker>=7)") from e
    return docker


def explain_engine_error(error: Exception) -> str:
    """A sentence for a failed connection to the engine, with the command that fixes it."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    text = f"{type(error).__name__}: {error}"
    if "Permission denied" in text or "PermissionError" in text:
        return (f"permission denied on the Docker socket {host}; add your user to the docker group "
                f"(`sudo usermod -aG docker $USER`, then log in again) or use rootless Docker and set DOCKER_HOST")
    if any(s in text for s in ("No such file", "FileNotFoundError", "Connection refused", "ConnectionRefused")):
        return (f"no Docker engine answers at {host}; start it (`sudo systemctl start docker`, or "
                f"`sudo nohup dockerd > /tmp/dockerd.log 2>&1 &`); install it with "
                f"`sudo apt-get install -y docker.io`; `arh env doctor` checks the setup")
    return f"cannot talk to the Docker engine at {host} ({text}); `arh env doctor` checks the setup"


def docker_client(timeout: int = 300):
    """A connected SDK client (pinged), or an ArhError naming the fix."""
    docker = docker_sdk()
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
    except docker.errors.DockerException as e:
        raise ArhError(explain_engine_error(e)) from e
    except OSError as e:
        raise ArhError(explain_engine_error(e)) from e
    return client


def engine_answers() -> bool:
    """True when a Docker engine answers (used by tests and ``resolve``)."""
    try:
        docker_client(timeout=10)
        return True
    except ArhError:
        return False


# -- build tool --------------------------------------------------------------------------
@dataclass
class BuildTool:
    """How images are built: ``buildx``/``buildkit`` (a CLI) or ``sdk`` (classic builder)."""

    kind: str
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


def docker_clis() -> list[str]:
    """Docker CLI binaries on this host, PATH first, then the distribution's ``/usr/bin/docker``."""
    seen: list[str] = []
    for c in (shutil.which("docker"), "/usr/bin/docker", "/usr/local/bin/docker"):
        if c and os.access(c, os.X_OK) and os.path.realpath(c) not in map(os.path.realpath, seen):
            seen.append(c)
    return seen


def cli_version(cli: str) -> tuple[int, ...] | None:
    """Client version of a docker CLI (``docker --version`` needs no engine)."""
    try:
        out = subprocess.run([cli, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"version (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def find_build_tool() -> BuildTool:
    """BuildKit through ``buildx`` when present, else a pre-23 CLI with DOCKER_BUILDKIT=1, else the SDK.

    CLIs from 23.0 on need the buildx plugin for BuildKit; older ones (Debian's
    ``docker.io`` 20.10) have it built in.
    """
    if os.environ.get("ARH_DOCKER_BUILDER") == "sdk":
        return BuildTool("sdk")
    clis = docker_clis()
    for cli in clis:
        try:
            ok = subprocess.run([cli, "buildx", "version"], capture_output=True, timeout=20).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return BuildTool("buildx", [cli, "buildx", "build", "--load"])
    for cli in clis:
        v = cli_version(cli)
        if v and v < (23, 0):
            return BuildTool("buildkit", [cli, "build"], {"DOCKER_BUILDKIT": "1"})
    return BuildTool("sdk")


# -- image identity ----------------------------------------------------------------------
def select_dockerfile(env: Environment, variant: Variant) -> Path:
    """``Dockerfile.<variant>`` if present, else ``Dockerfile`` (parameterised by build args)."""
    for name in (str(variant.extra.get("dockerfile", "")), f"Dockerfile.{variant.name}", "Dockerfile"):
        if name and (env.path / name).is_file():
            return env.path / name
    raise ArhError(f"{env.path}: no Dockerfile.{variant.name} or Dockerfile for variant {variant.name!r}")


def image_key(env: Environment, variant: Variant) -> str:
    """Hash of what an image is built from: manifest, the variant's lock and its Dockerfile."""
    return stable_hash(env.manifest_hash(), env.lock_hash(variant.name),
                       file_digest(select_dockerfile(env, variant)), variant.name)[:12]


def image_tag(env: Environment, variant: Variant) -> str:
    """``arh/<env>:<variant>-<key>`` (changes whenever an input changes)."""
    return f"arh/{env.name.lower()}:{variant.name.lower()}-{image_key(env, variant)}"


def git_revision(root: Path | None = None) -> tuple[str, bool]:
    """(commit, dirty) of the harness checkout; ("unknown", False) outside git."""
    root = root or repo_root()
    try:
        rev = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=20)
        if rev.returncode != 0:
            return "unknown", False
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=60).stdout.strip() != ""
        return rev.stdout.strip(), dirty
    except (OSError, subprocess.TimeoutExpired):
        return "unknown", False


def image_labels(env: Environment, variant: Variant, base: str) -> dict[str, str]:
    """Provenance labels: manifest and lock hashes, harness revision, base, upstream commit."""
    rev, dirty = git_revision()
    labels = {
        f"{LABEL}env": env.name, f"{LABEL}variant": variant.name, f"{LABEL}key": image_key(env, variant),
        f"{LABEL}manifest-hash": env.manifest_hash(), f"{LABEL}lock-hash": env.lock_hash(variant.name) or "",
        f"{LABEL}dockerfile": select_dockerfile(env, variant).name,
        f"{LABEL}git-revision": rev, f"{LABEL}git-dirty": str(dirty).lower(),
        f"{LABEL}base-image": base, f"{LABEL}python": variant.python, f"{LABEL}cuda": variant.cuda,
        "org.opencontainers.image.revision": rev,
    }
    upstream = env.raw.get("upstream") or {}
    if isinstance(upstream, dict):
        for k in ("repo", "commit", "branch"):
            if upstream.get(k):
                labels[f"{LABEL}upstream.{k}"] = str(upstream[k])
    return labels


# -- build --------------------------------------------------------------------------------
def collect_ca_certs(paths: list[str] | None = None) -> list[Path]:
    """Extra CA certificates: ``paths`` plus ``ARH_CA_CERTS`` (colon-separated files or folders)."""
    items = list(paths or [])
    items += [p for p in os.environ.get("ARH_CA_CERTS", "").split(":") if p]
    out: list[Path] = []
    for item in items:
        p = Path(item).expanduser()
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.suffix in (".crt", ".pem") and q.is_file())
        elif p.is_file():
            out.append(p)
        else:
            raise ArhError(f"CA certificate {item!r} (from --ca-cert or ARH_CA_CERTS) does not exist")
    return out


def assemble_context(env: Environment, variant: Variant, certs: list[Path], dest: Path) -> str:
    """Copy the environment folder and ``arh-ca/<certs>`` into ``dest``; returns the Dockerfile name."""
    dockerfile = select_dockerfile(env, variant)
    shutil.copytree(env.path, dest, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "arh-ca"))
    ca = dest / "arh-ca"
    ca.mkdir(exist_ok=True)
    for i, cert in enumerate(certs):
        shutil.copyfile(cert, ca / f"{i:02d}-{cert.stem}.crt")  # update-ca-certificates wants .crt
    return dockerfile.name


def resolve_base(client, variant: Variant, offline: bool) -> str:
    """The ``BASE_IMAGE`` build argument: the registry base, or ``arh-base/...`` with ``offline``."""
    docker = docker_sdk()
    if offline:
        from core.envs.base_image import base_tag

        if not variant.distro:
            raise ArhError(f"variant {variant.name!r} has no 'distro' to build an offline base from; it needs "
                           f"its registry base {variant.base_image!r} (on air-gapped hosts: `docker save` it "
                           f"elsewhere and `docker load -i FILE` here)")
        tag = base_tag(variant.distro)
        try:
            client.images.get(tag)
        except docker.errors.ImageNotFound as e:
            raise ArhError(f"offline base image {tag} is missing; build it: `arh env base build {variant.distro}`") from e
        return tag
    if not variant.base_image:
        raise ArhError(f"variant {variant.name!r} has no 'base_image'; set it in environment.toml or use --offline-base")
    return variant.base_image


def build_args(variant: Variant, base: str) -> dict[str, str]:
    args = {"BASE_IMAGE": base, "PYTHON_VERSION": variant.python, "LOCK_FILE": variant.lock or "",
            "VARIANT": variant.name, "PIP_INDEX_URL": os.environ.get("PIP_INDEX_URL") or DEFAULT_PIP_INDEX}
    args.update({k: os.environ[k] for k in PROXY_VARS if os.environ.get(k)})
    return args


def explain_build_failure(log_text: str, base: str) -> str:
    """A hint from a failed build's log (TLS interception, unreachable registry, missing wheels)."""
    t = log_text[-20000:]
    if re.search(r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|SSLError|SSL: ", t):
        return (" TLS verification failed inside the build: pass the proxy's CA certificate with "
                "--ca-cert FILE or ARH_CA_CERTS (often /usr/local/share/ca-certificates/*.crt).")
    unreachable = re.search(r"pull access denied|failed to resolve source metadata|manifest unknown|"
                            r"failed to do request|dial tcp|no such host|i/o timeout", t)
    if unreachable or ("not found" in t and base in t):
        return (f" The base image {base} could not be fetched (no registry reachable?): `docker save` it where a "
                f"registry answers and `docker load -i FILE` here, or, if this variant's Dockerfile starts from a "
                f"plain distribution, build an offline base (`arh env base build SUITE`) and add --offline-base.")
    missing = re.findall(r"(\S+ \S+) requires ([^,\s]+), which is not installed", t)
    if missing:
        need = sorted({m[1] for m in missing})
        return (f" `pip check` found the lock incomplete: {', '.join(f'{a} requires {b}' for a, b in missing)}; "
                f"pin {', '.join(need)} in the variant's lock file.")
    if "No matching distribution" in t or "Could not find a version" in t:
        return " pip found no wheel for a pinned version: check the lock against the image's Python version."
    return ""


def build_image(env: Environment, variant: Variant, offline_base: bool = False,
                ca_certs: list[str] | None = None, quiet: bool = False, no_cache: bool = False) -> dict:
    """Build the variant's image; returns its provenance plus build seconds, builder and log path."""
    client = docker_client()
    base = resolve_base(client, variant, offline_base)
    tag = image_tag(env, variant)
    labels = image_labels(env, variant, base)
    certs = collect_ca_certs(ca_certs)
    labels[f"{LABEL}extra-ca-certs"] = str(len(certs))
    args = build_args(variant, base)
    logs = arh_home() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"build-{env.name}-{variant.name}.log"
    log_path.unlink(missing_ok=True)
    tool = find_build_tool()
    work = arh_home() / "build"
    work.mkdir(parents=True, exist_ok=True)
    if not quiet:
        print(f"arh: building {tag} from {base} with {tool.kind}; log: {log_path}", file=sys.stderr)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"{env.name}-{variant.name}-", dir=work) as ctx:
        dockerfile = assemble_context(env, variant, certs, Path(ctx))
        if tool.kind == "sdk":
            ok = _sdk_build(client, ctx, dockerfile, tag, args, labels, str(log_path), quiet, no_cache)
        else:
            cmd = list(tool.argv) + ["--progress=plain", "-f", str(Path(ctx) / dockerfile), "-t", tag]
            cmd += [a for k, v in args.items() for a in ("--build-arg", f"{k}={v}")]
            cmd += [a for k, v in labels.items() for a in ("--label", f"{k}={v}")]
            cmd += ["--no-cache"] if no_cache else []
            ok = run_logged(cmd + [ctx], {**os.environ, **tool.env}, None, str(log_path), quiet) == 0
    seconds = time.monotonic() - t0
    if not ok:
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        raise ArhError(f"building {env.name}/{variant.name} failed; see {log_path}.{explain_build_failure(text, base)}")
    prov = image_provenance(client.images.get(tag))
    prov.update(build_seconds=round(seconds, 1), builder=tool.kind, build_log=str(log_path))
    return prov


def _sdk_build(client, ctx: str, dockerfile: str, tag: str, args: dict, labels: dict, log_path: str,
               quiet: bool, no_cache: bool) -> bool:
    """Classic builder through the SDK, streaming its output; True on success."""
    docker = docker_sdk()
    ok = True
    with open(log_path, "a", encoding="utf-8") as log:
        try:
            for chunk in client.api.build(path=ctx, dockerfile=dockerfile, tag=tag, buildargs=args, labels=labels,
                                          rm=True, forcerm=True, decode=True, nocache=no_cache):
                text = chunk.get("stream") or chunk.get("status") or ""
                if "error" in chunk:
                    ok = False
                    text = f"ERROR: {chunk['error']}\n"
                if text:
                    log.write(text)
                    if not quiet:
                        sys.stderr.write(text)
        except docker.errors.APIError as e:
            log.write(f"ERROR: {e}\n")
            ok = False
    return ok


def image_provenance(image) -> dict:
    """Image id, digests, tags, size and arh labels of a built image."""
    labels = image.labels or {}
    return {"image": (image.tags or [""])[0], "image_id": image.id, "repo_digests": image.attrs.get("RepoDigests", []),
            "size_mb": round(image.attrs.get("Size", 0) / 2**20, 1), "created": image.attrs.get("Created"),
            "labels": {k: v for k, v in labels.items() if k.startswith(LABEL) or k.startswith("org.opencontainers")}}


def find_image(client, env: Environment, variant: Variant):
    """The built image for the variant's current inputs, or None."""
    docker = docker_sdk()
    try:
        return client.images.get(image_tag(env, variant))
    except docker.errors.ImageNotFound:
        return None


# -- run ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MountPlan:
    source: str  # host path (symlinks resolved)
    target: str  # path inside the container (the host path as given)
    read_only: bool


def plan_mounts(read_only: list[str], read_write: list[str], src_root: str | None = None) -> list[MountPlan]:
    """Bind mounts at the same paths: read-write wins over read-only for one path; a path under
    another mounted with the same mode is left out; parents come before children."""
    modes: dict[str, bool] = {}
    for p in read_only:
        modes.setdefault(os.path.abspath(p), True)
    for p in read_write:
        modes[os.path.abspath(p)] = False
    keep = []
    for target, ro in sorted(modes.items(), key=lambda kv: (kv[0].count(os.sep), kv[0])):
        ancestors = [o for o in modes if o != target and target.startswith(o.rstrip(os.sep) + os.sep)]
        if ancestors and modes[max(ancestors, key=len)] == ro:
            continue  # the innermost mounted ancestor already shows this path with this mode
        keep.append(MountPlan(os.path.realpath(target), target, ro))
    if src_root:
        keep.insert(0, MountPlan(os.path.realpath(src_root), CONTAINER_SRC, True))
    return keep


def job_paths(job_path: Path) -> tuple[list[str], list[str]]:
    """(read-only, read-write) host paths a job file names: dataset in, run/output dirs out."""
    try:
        job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ArhError(f"cannot read job file {job_path}: {e}") from e
    ro = [str(Path(job_path).resolve().parent)]
    rw = []
    if job.get("dataset"):
        ro.append(job["dataset"])
    for k in ("run_dir", "output_dir"):
        if job.get(k):
            rw.append(job[k])
    if job.get("checkpoint"):
        (rw if job.get("action") == "train" else ro).append(job["checkpoint"])
    return ro, rw


def parse_memory(value: str | None) -> int | None:
    """``"8g"``/``"512m"``/bytes -> bytes (None when unset)."""
    if not value:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", str(value).lower())
    if not m:
        raise ArhError(f"memory limit {value!r} is not a size like 8g, 512m or a number of bytes "
                       f"(ARH_DOCKER_MEMORY)")
    return int(float(m.group(1)) * 1024 ** " kmgt".index(m.group(2) or " "))


class DockerBackend(Backend):
    """Runs jobs in the variant's image (see the module docstring for the isolation rules)."""

    name = "docker"

    def harness_root(self) -> str:
        return CONTAINER_SRC

    def __init__(self, cpus: float | str | None = None, memory: str | None = None, auto_build: bool | None = None,
                 offline_base: bool | None = None):
        self.cpus = float(cpus or os.environ.get("ARH_DOCKER_CPUS") or 0) or None
        self.memory = memory or os.environ.get("ARH_DOCKER_MEMORY") or None
        parse_memory(self.memory)
        self.auto_build = auto_build if auto_build is not None else os.environ.get("ARH_DOCKER_BUILD") == "1"
        self.offline_base = offline_base if offline_base is not None else os.environ.get("ARH_OFFLINE_BASE") == "1"

    def build_command(self, env: Environment, variant: Variant) -> str:
        cmd = f"arh env build {env.name} --variant {variant.name}"
        return cmd + " --offline-base" if self.offline_base else cmd

    def prepare(self, env: Environment, variant: Variant, quiet: bool = False) -> dict:
        client = docker_client()
        image = find_image(client, env, variant)
        built = None
        if image is None:
            if not self.auto_build:
                raise ArhError(f"no image {image_tag(env, variant)} for {env.name}/{variant.name}; build it with "
                               f"`{self.build_command(env, variant)}` (add --offline-base when no registry is reachable; "
                               f"ARH_DOCKER_BUILD=1 builds on demand)")
            built = build_image(env, variant, offline_base=self.offline_base, quiet=quiet)
            image = client.images.get(built["image_id"])
        prov = {"backend": self.name, "python_version": variant.python, "lock_hash": env.lock_hash(variant.name),
                "engine_version": client.version().get("Version"), **image_provenance(image)}
        if built:
            prov["build_seconds"] = built["build_seconds"]
        return prov

    def python(self, env: Environment, variant: Variant) -> list[str]:
        return [f"python{variant.python}"]

    def _gpu_requests(self, client, variant: Variant, req: ExecRequest, quiet: bool) -> list:
        if not (variant.has_cuda and req.gpu):
            return []
        runtimes = (client.info().get("Runtimes") or {})
        if not (shutil.which("nvidia-smi") or "nvidia" in runtimes):
            if not quiet:
                print(f"arh: variant {variant.name!r} has CUDA but no NVIDIA GPU is visible; running on CPU",
                      file=sys.stderr)
            return []
        docker = docker_sdk()
        visible = os.environ.get("CUDA_VISIBLE_DEVICES")
        if visible:
            return [docker.types.DeviceRequest(device_ids=visible.split(","), capabilities=[["gpu"]])]
        return [docker.types.DeviceRequest(count=-1, capabilities=[["gpu"]])]

    def container_env(self, req: ExecRequest) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k.startswith("ARH_") and k != "ARH_HOME"}
        env.update(req.env)
        env.update(PYTHONPATH=CONTAINER_SRC, HOME="/tmp", PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1",
                   ARH_IN_CONTAINER="1")
        return env

    def exec(self, argv: list[str], env: Environment, variant: Variant, req: ExecRequest) -> int:
        docker = docker_sdk()
        client = docker_client()
        image = find_image(client, env, variant)
        if image is None:
            raise ArhError(f"no image {image_tag(env, variant)}; build it with `{self.build_command(env, variant)}`")
        cmd = list(argv)
        if cmd and cmd[0] == "python":
            cmd = self.python(env, variant) + cmd[1:]
        rw = list(req.read_write)
        for p in rw:
            Path(p).mkdir(parents=True, exist_ok=True)
        ro = list(req.read_only)
        if req.workdir and not any(_inside(req.workdir, p) for p in ro + rw):
            ro.append(req.workdir)  # only to make it exist inside; never narrows a writable mount
        missing = [p for p in ro if not os.path.exists(p)]
        if missing:
            raise ArhError(f"docker backend: read-only input(s) {missing} do not exist on the host")
        plan = plan_mounts(ro, rw, str(repo_root()))
        mounts = [docker.types.Mount(m.target, m.source, type="bind", read_only=m.read_only) for m in plan]
        kwargs = dict(
            command=cmd, detach=True, user=f"{os.getuid()}:{os.getgid()}", environment=self.container_env(req),
            working_dir=req.workdir or "/tmp", mounts=mounts, network_mode="bridge" if req.network else "none",
            privileged=False, cap_drop=["ALL"], security_opt=["no-new-privileges"],
            device_requests=self._gpu_requests(client, variant, req, req.quiet),
            labels={f"{LABEL}env": env.name, f"{LABEL}variant": variant.name},
        )
        if self.cpus:
            kwargs["nano_cpus"] = int(self.cpus * 1e9)
        if self.memory:
            kwargs["mem_limit"] = kwargs["memswap_limit"] = parse_memory(self.memory)
        try:
            container = client.containers.run(image.id, **kwargs)
        except docker.errors.APIError as e:
            raise ArhError(self._explain_start_error(e, env, variant)) from e
        try:
            self._stream(container, req)
            code = int(container.wait().get("StatusCode", 1))
            container.reload()
            state = container.attrs.get("State", {})
        except KeyboardInterrupt:
            container.stop(timeout=10)
            raise
        finally:
            try:
                container.remove(force=True)
            except docker.errors.APIError:
                pass
        return self._check_exit(code, state, cmd, env, variant)

    def run_job(self, job_path: Path, env: Environment, variant: Variant, req: ExecRequest) -> int:
        """``python -m adapters JOB`` in a container; the job's own paths are mounted too."""
        ro, rw = job_paths(job_path)
        req = replace(req, read_only=list(req.read_only) + ro, read_write=list(req.read_write) + rw)
        return self.exec(["python", "-m", "adapters", str(job_path)], env, variant, req)

    @staticmethod
    def _stream(container, req: ExecRequest) -> None:
        """Copy the container's output live to stderr (unless quiet) and to ``req.log_path``."""
        log = open(req.log_path, "ab") if req.log_path else None
        try:
            for chunk in container.logs(stream=True, follow=True):
                if log:
                    log.write(chunk)
                    log.flush()
                if not req.quiet:
                    sys.stderr.buffer.write(chunk)
                    sys.stderr.flush()
        finally:
            if log:
                log.close()

    def _explain_start_error(self, e: Exception, env: Environment, variant: Variant) -> str:
        text = str(e)
        if "could not select device driver" in text or "nvidia-container-cli" in text:
            return ("the container could not get a GPU: install the NVIDIA Container Toolkit and restart the engine "
                    "(`sudo apt-get install -y nvidia-container-toolkit && sudo nvidia-ctk runtime configure "
                    "--runtime=docker && sudo systemctl restart docker`), or run with --device cpu")
        if "No such image" in text:
            return f"image missing; build it with `{self.build_command(env, variant)}`"
        return f"cannot start a container for {env.name}/{variant.name}: {text}"

    def _check_exit(self, code: int, state: dict, cmd: list[str], env: Environment, variant: Variant) -> int:
        """Exit code of the container; OOM kills and broken images become ArhErrors that say the fix."""
        if state.get("OOMKilled"):  # exit 137 (SIGKILL) from the kernel's OOM killer
            if self.memory:
                raise ArhError(f"the container was killed for memory (limit {self.memory}); raise it, e.g. "
                               f"ARH_DOCKER_MEMORY={_double(self.memory)}, or unset ARH_DOCKER_MEMORY")
            raise ArhError("the container was killed for memory with no limit set: the host ran out of memory; "
                           "use a smaller config or batch size, or a machine with more memory")
        if code == 127:
            raise ArhError(f"{cmd[0]!r} was not found in image {image_tag(env, variant)}; the image is incomplete: "
                           f"rebuild it with `{self.build_command(env, variant)}`")
        if code == 126:
            raise ArhError(f"{cmd[0]!r} cannot be executed in image {image_tag(env, variant)} (permissions?)")
        return code


def _inside(path: str, folder: str) -> bool:
    path, folder = os.path.abspath(path), os.path.abspath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _double(memory: str) -> str:
    n = parse_memory(memory) or 0
    return f"{max(1, round(2 * n / 2**30))}g"
