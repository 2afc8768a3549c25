"""The in-environment side of a job: ``python -m adapters JOB.json``.

Writes ``RUN_DIR/status/<action>.json`` (state, error and traceback, timings,
peak memory, resampling notes) and maps outcomes to exit codes:
0 done, 1 adapter error, 2 bad job, 130 interrupted.
"""

from __future__ import annotations

import os
import platform
import resource
import signal
import sys
import time
import traceback
from pathlib import Path

from core.atomic import write_json
from core.errors import ArhError
from core.job import EXIT_ADAPTER_ERROR, EXIT_BAD_JOB, EXIT_INTERRUPTED, EXIT_OK, Job


def status_path(job: Job) -> Path:
    return Path(job.run_dir) / "status" / f"{job.action}.json"


def peak_memory_mb() -> float:
    """Peak resident memory of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _raise_interrupt(signum, frame):  # SIGTERM -> KeyboardInterrupt, so cleanup runs
    raise KeyboardInterrupt


def execute(job: Job, quiet: bool = False, backend=None, env=None, variant=None, request=None) -> int:
    """Run one job in this interpreter and write its status file; returns the exit code.

    ``backend``/``env``/``variant``/``request`` are given for host-side adapters
    (``Adapter.host_side``), which run here and start commands in their
    environment through ``ctx.env_exec``.
    """
    from core.adapter import JobContext, load_adapter

    status = {"job": job.to_dict(), "state": "running", "started": time.time(), "pid": os.getpid(),
              "python": platform.python_version(), "executable": sys.executable, "host": platform.node()}
    spath = status_path(job)
    write_json(spath, status)
    t0 = time.monotonic()
    code = EXIT_OK
    try:
        job.validate()
        adapter_cls = load_adapter(job.adapter)
        adapter = adapter_cls()
        ctx = JobContext(job, adapter, quiet=quiet)
        if backend is not None:
            ctx.attach_environment(backend, env, variant, request)
    except ArhError as e:
        status.update(state="failed", error=f"bad job: {e}", ended=time.time(), exit_code=EXIT_BAD_JOB)
        write_json(spath, status)
        if not quiet:
            print(f"arh job {job.adapter}/{job.action}: bad job: {e}", file=sys.stderr)
        return EXIT_BAD_JOB
    try:
        if job.action == "train":
            if not adapter_cls.trainable:
                raise ArhError(f"adapter {job.adapter!r} is not trainable; run it with --no-train")
            adapter.train(job, ctx)
        else:
            Path(job.output_dir).mkdir(parents=True, exist_ok=True)
            adapter.restore(job, ctx)
        status.update(state="done")
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
        status.update(state="interrupted", error="interrupted (rerun the same command to resume)")
    except Exception as e:  # the adapter's own failure: keep the traceback for the user
        code = EXIT_ADAPTER_ERROR
        status.update(state="failed", error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
    status.update(resampling=ctx.resampled, provenance=ctx.provenance)
    status.update(ended=time.time(), seconds=time.monotonic() - t0, peak_memory_mb=peak_memory_mb(),
                  exit_code=code)
    write_json(spath, status)
    if code and not quiet:
        print(f"arh job {job.adapter}/{job.action}: {status['state']}: {status.get('error')}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _raise_interrupt)
    if len(argv) != 1:
        print("usage: python -m adapters JOB.json", file=sys.stderr)
        return EXIT_BAD_JOB
    try:
        job = Job.load(argv[0])
    except ArhError as e:
        print(f"arh: bad job: {e}", file=sys.stderr)
        return EXIT_BAD_JOB
    return execute(job, quiet=os.environ.get("ARH_QUIET", "") not in ("", "0"))
