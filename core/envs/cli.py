"""``arh env``: list, build, check and choose environments; build offline base images.

    arh env list
    arh env build NAME [--variant V] [--offline-base] [--ca-cert FILE]...
    arh env doctor
    arh env resolve NAME [--driver VERSION] [--compute-cap X.Y] [--no-gpu]
    arh env base build SUITE [--mirror URL] [--keyring FILE]
    arh env base keyring ubuntu [--suite ubuntu:18.04] [--mirror URL]
    arh env base list
"""

from __future__ import annotations

import json
import sys

from core.errors import ArhError


def add_parser(sub) -> None:
    p = sub.add_parser("env", help="environments: list, build images, doctor, resolve a variant, offline bases")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])
    envs = p.add_subparsers(dest="env_command", metavar="ENV_COMMAND")

    ls = envs.add_parser("list", help="environments and variants (python, framework, CUDA, Docker)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    b = envs.add_parser("build", help="build an environment's Docker image")
    b.add_argument("name")
    b.add_argument("--variant", help="variant to build (default: the environment's default_variant)")
    b.add_argument("--offline-base", action="store_true",
                   help="start FROM arh-base/<distro> (built by `arh env base build`) instead of a registry image")
    b.add_argument("--ca-cert", action="append", default=[], metavar="FILE",
                   help="extra CA certificate (file or folder of .crt) for pip/apt behind a TLS-inspecting proxy; "
                        "repeatable; also ARH_CA_CERTS (colon-separated)")
    b.add_argument("--no-cache", action="store_true", help="rebuild every layer")
    b.set_defaults(func=cmd_build)

    d = envs.add_parser("doctor", help="check Docker, BuildKit, NVIDIA runtime, GPUs, disk; say how to fix")
    d.add_argument("--json", action="store_true")
    d.add_argument("--no-registry", action="store_true", help="skip the registry reachability probe")
    d.set_defaults(func=cmd_doctor)

    r = envs.add_parser("resolve", help="pick the variant for this host (or for the given facts) and explain why")
    r.add_argument("name")
    r.add_argument("--driver", help="NVIDIA driver version to assume (e.g. 535.183.01)")
    r.add_argument("--compute-cap", help="GPU compute capability to assume (e.g. 9.0)")
    r.add_argument("--gpu-name", help="GPU name to assume (compute capability looked up in compat.toml)")
    r.add_argument("--no-gpu", action="store_true", help="assume no GPU")
    r.add_argument("--gpu", action="store_true", help="only accept variants that use the GPU")
    dk = r.add_mutually_exclusive_group()
    dk.add_argument("--docker", dest="docker", action="store_true", default=None, help="assume a Docker engine")
    dk.add_argument("--no-docker", dest="docker", action="store_false", help="assume no Docker engine")
    r.add_argument("--variant", help="check this variant instead of choosing one")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_resolve)

    base = envs.add_parser("base", help="base images built without a registry (debootstrap + docker import)")
    base.set_defaults(func=lambda a: (base.print_help(), 2)[1])
    bs = base.add_subparsers(dest="base_command", metavar="BASE_COMMAND")
    bb = bs.add_parser("build", help="debootstrap SUITE (ubuntu:18.04, ubuntu:20.04, debian:bookworm) and import it")
    bb.add_argument("suite")
    bb.add_argument("--mirror", help="distribution mirror URL (default: this host's apt mirror, else the official one)")
    bb.add_argument("--keyring", help="archive keyring to verify the mirror with (default: the host's keyring package)")
    bb.set_defaults(func=cmd_base_build)
    bk = bs.add_parser("keyring", help="download the Ubuntu archive keyring and check its pinned fingerprints")
    bk.add_argument("distro", choices=["ubuntu"])
    bk.add_argument("--suite", default="ubuntu:18.04", help="release whose ubuntu-keyring package to use")
    bk.add_argument("--mirror")
    bk.set_defaults(func=cmd_base_keyring)
    bl = bs.add_parser("list", help="offline base images present in the engine")
    bl.set_defaults(func=cmd_base_list)


def _quiet(args) -> bool:
    import os

    return bool(getattr(args, "quiet", False)) or os.environ.get("ARH_QUIET", "") not in ("", "0")


def cmd_list(args) -> int:
    from core.envs.manifest import list_environments, load_environment

    rows = []
    for name in list_environments():
        env = load_environment(name)
        for v in env.variants.values():
            fw = ", ".join(f"{k} {val}" for k, val in v.framework.items())
            rows.append({"environment": name, "variant": v.name, "default": v.name == env.default_variant,
                         "python": v.python, "framework": fw, "cuda": v.cuda, "docker_only": v.docker,
                         "base_image": v.base_image, "distro": v.distro})
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("no environments (environments/<name>/environment.toml)")
        return 0
    header = f"{'ENVIRONMENT':<12} {'VARIANT':<16} {'PYTHON':<7} {'CUDA':<6} {'BACKENDS':<20} FRAMEWORK"
    print(header)
    for r in rows:
        runs = "docker" if r["docker_only"] else "local, venv, docker"
        star = "*" if r["default"] else ""
        print(f"{r['environment']:<12} {r['variant'] + star:<16} {r['python']:<7} {r['cuda']:<6} {runs:<20} "
              f"{r['framework']}")
    print("(* default variant)")
    return 0


def cmd_build(args) -> int:
    from core.envs.docker_backend import build_image
    from core.envs.manifest import load_environment

    env = load_environment(args.name)
    variant = env.variant(args.variant)
    prov = build_image(env, variant, offline_base=args.offline_base, ca_certs=args.ca_cert, quiet=_quiet(args),
                       no_cache=args.no_cache)
    print(f"built {prov['image']} ({prov['image_id'][:19]}, {prov['size_mb']} MB) in {prov['build_seconds']} s "
          f"with {prov['builder']}")
    return 0


def cmd_doctor(args) -> int:
    from core.envs.doctor import as_dicts, report, run_checks

    checks = run_checks(registry=not args.no_registry)
    if args.json:
        print(json.dumps(as_dicts(checks), indent=2))
    else:
        print(report(checks))
    return 1 if any(c.status == "fail" for c in checks) else 0


def resolve_facts(args):
    """HostFacts from the flags, filling gaps from this host."""
    from core.envs.compat_table import load_compat
    from core.envs.resolve import Gpu, HostFacts, host_facts

    facts = host_facts(docker=args.docker)
    if args.no_gpu:
        return HostFacts([], facts.docker, "--no-gpu")
    if args.driver or args.compute_cap or args.gpu_name:
        host = facts.gpus[0] if facts.gpus else None
        driver = args.driver or (host.driver if host else None)
        if not driver:
            raise ArhError("no GPU on this host to take the driver version from: pass --driver VERSION too")
        cc, source = args.compute_cap, "given"
        if not cc and args.gpu_name:
            cc, source = load_compat().gpu_compute_capability(args.gpu_name), "name table"
        if not cc and host:
            cc, source = host.compute_cap, host.cc_source
        name = args.gpu_name or (host.name if host else "GPU (given)")
        return HostFacts([Gpu(name, driver, cc, source if cc else "unknown")], facts.docker)
    return facts


def cmd_resolve(args) -> int:
    from core.envs.manifest import load_environment
    from core.envs.resolve import resolve

    env = load_environment(args.name)
    res = resolve(env, resolve_facts(args), variant=args.variant, require_gpu=args.gpu)
    print(json.dumps(res.to_dict(), indent=2) if args.json else res.explain())
    return 0


def cmd_base_build(args) -> int:
    from core.envs.base_image import build_base

    prov = build_base(args.suite, mirror=args.mirror, keyring=args.keyring, quiet=_quiet(args))
    print(f"built {prov['tag']} ({prov['image_id'][:19]}, {prov['size_mb']} MB) from {prov['mirror']} "
          f"in {prov['seconds']} s (debootstrap {prov['debootstrap_seconds']} s)")
    return 0


def cmd_base_keyring(args) -> int:
    from core.envs.base_image import fetch_ubuntu_keyring, key_fingerprints, parse_suite

    path = fetch_ubuntu_keyring(parse_suite(args.suite), mirror=args.mirror)
    print(f"wrote {path}; keys: {', '.join(key_fingerprints(path))}", file=sys.stdout)
    return 0


def cmd_base_list(args) -> int:
    from core.envs.base_image import list_bases

    bases = list_bases()
    for b in bases:
        print(f"{', '.join(b['tags'])}  {b['id'][:19]}  {b['size_mb']} MB  {b['suite']} from {b['mirror']}")
    if not bases:
        print("no offline base images; build one with `arh env base build ubuntu:18.04`")
    return 0
