"""Base images without a registry: ``debootstrap`` from a distribution mirror, then ``docker import``.

``arh env base build ubuntu:18.04`` makes ``arh-base/ubuntu:18.04``; builds with
``--offline-base`` start ``FROM`` these instead of registry images, so they work
on air-gapped clusters and behind proxies that block registries.

Signature checking is never switched off (no ``--no-check-gpg``): debootstrap
verifies the suite's ``Release`` file with ``gpgv`` against an archive keyring
and every package against the hashes it lists. The keyring comes from, in order:

1. ``--keyring FILE``;
2. the host's keyring package: ``/usr/share/keyrings/debian-archive-keyring.gpg``
   (package ``debian-archive-keyring``) or ``/usr/share/keyrings/ubuntu-archive-keyring.gpg``
   (package ``ubuntu-keyring`` on Ubuntu hosts; Debian 12 has no such package);
3. ``$ARH_HOME/keyrings/ubuntu-archive-keyring.gpg`` written by
   ``arh env base keyring ubuntu``, which downloads the ``ubuntu-keyring`` package
   from the mirror and accepts it only if every key in it has one of the
   fingerprints pinned below (the Ubuntu archive signing keys of 2012 and 2018 and
   the 2012 CD image key). A fingerprint is a hash of the key itself, so a
   tampered download cannot pass.

With none of these the build fails and says which command installs one.
The mirror defaults to the host's own apt mirror for that distribution (read
from ``/etc/apt/sources.list*``), else the official one; ``--mirror`` overrides.
Mirror, suite, keyring digest and debootstrap version are stored as image labels.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from core.errors import ArhError
from core.paths import arh_home

# version -> codename; the canonical tag uses the version for Ubuntu, the codename for Debian.
UBUNTU = {"16.04": "xenial", "18.04": "bionic", "20.04": "focal", "22.04": "jammy", "24.04": "noble"}
DEBIAN = {"10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie"}
DEFAULT_MIRRORS = {"ubuntu": "http://archive.ubuntu.com/ubuntu", "debian": "http://deb.debian.org/debian"}
HOST_KEYRINGS = {"ubuntu": "/usr/share/keyrings/ubuntu-archive-keyring.gpg",
                 "debian": "/usr/share/keyrings/debian-archive-keyring.gpg"}
COMPONENTS = {"ubuntu": ["main", "universe"], "debian": ["main"]}
# Keys allowed in a downloaded ubuntu-keyring (fingerprints as printed by gpg).
UBUNTU_PINNED_FINGERPRINTS = {
    "790BC7277767219C42C86F933B4FE6ACC0B21F32": "Ubuntu Archive Automatic Signing Key (2012)",
    "F6ECB3762474EDA9D21B7022871920D1991BC93C": "Ubuntu Archive Automatic Signing Key (2018)",
    "843938DF228D22F7B3742BC0D94AA3F0EFE21092": "Ubuntu CD Image Automatic Signing Key (2012)",
}
UBUNTU_ARCHIVE_KEYS = {"790BC7277767219C42C86F933B4FE6ACC0B21F32", "F6ECB3762474EDA9D21B7022871920D1991BC93C"}


@dataclass(frozen=True)
class Suite:
    """A distribution release: ``distro`` ("ubuntu"/"debian"), ``version`` and ``codename``."""

    distro: str
    version: str
    codename: str

    @property
    def name(self) -> str:
        """Canonical spelling: ``ubuntu:18.04``, ``debian:bookworm``."""
        return f"{self.distro}:{self.version if self.distro == 'ubuntu' else self.codename}"

    @property
    def tag(self) -> str:
        return base_tag(self.name)


def base_tag(suite_name: str) -> str:
    """Image tag of an offline base: ``ubuntu:18.04`` -> ``arh-base/ubuntu:18.04``."""
    return f"arh-base/{parse_suite(suite_name).name}"


def parse_suite(spec: str) -> Suite:
    """``ubuntu:18.04`` / ``ubuntu:bionic`` / ``debian:12`` / ``debian:bookworm`` -> Suite."""
    distro, _, rel = spec.strip().lower().partition(":")
    table = {"ubuntu": UBUNTU, "debian": DEBIAN}.get(distro)
    if table is None or not rel:
        raise ArhError(f"suite {spec!r} is not DISTRO:RELEASE with DISTRO ubuntu or debian "
                       f"(e.g. ubuntu:18.04, ubuntu:20.04, debian:bookworm)")
    if rel in table:
        return Suite(distro, rel, table[rel])
    for version, codename in table.items():
        if rel == codename:
            return Suite(distro, version, codename)
    known = ", ".join(f"{distro}:{v} ({c})" for v, c in table.items())
    raise ArhError(f"unknown {distro} release {rel!r}; known: {known}")


def apt_source_uris(root: Path = Path("/etc/apt")) -> list[str]:
    """Mirror URIs configured on this host (one-line ``.list`` and deb822 ``.sources`` files)."""
    uris: list[str] = []
    files = [root / "sources.list", *sorted((root / "sources.list.d").glob("*.list")),
             *sorted((root / "sources.list.d").glob("*.sources"))]
    for f in files:
        try:
            text = f.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if f.suffix == ".sources":
                if line.lower().startswith("uris:"):
                    uris += line.split(":", 1)[1].split()
            elif line.startswith("deb "):
                words = [w for w in re.sub(r"\[[^\]]*\]", " ", line).split()[1:]]
                if words:
                    uris.append(words[0])
    return uris


def default_mirror(distro: str, uris: list[str] | None = None) -> str:
    """The host's apt mirror for ``distro`` (not its security archive), else the official one."""
    uris = apt_source_uris() if uris is None else uris
    for uri in uris:
        path = uri.rstrip("/")
        if path.endswith("/" + distro) and "security" not in path:
            return path
    return DEFAULT_MIRRORS[distro]


def find_keyring(distro: str, explicit: str | None = None) -> Path:
    """The archive keyring debootstrap verifies with; ArhError (with the fix) when there is none."""
    if explicit:
        p = Path(explicit)
        if not p.is_file():
            raise ArhError(f"--keyring {explicit}: no such file")
        return p
    for p in (Path(HOST_KEYRINGS[distro]), arh_home() / "keyrings" / f"{distro}-archive-keyring.gpg"):
        if p.is_file():
            return p
    fix = {"debian": "`sudo apt-get install debian-archive-keyring`",
           "ubuntu": "`sudo apt-get install ubuntu-keyring` (Ubuntu, Debian >= 13) or "
                     "`arh env base keyring ubuntu` (downloads it and checks the pinned fingerprints)"}[distro]
    raise ArhError(f"no {distro} archive keyring found ({HOST_KEYRINGS[distro]} missing); debootstrap "
                   f"needs one to verify the mirror. Install it: {fix}, or pass --keyring FILE")


def key_fingerprints(keyring: Path) -> list[str]:
    """Fingerprints of the primary keys in a keyring file (needs ``gpg``)."""
    gpg = shutil.which("gpg")
    if not gpg:
        raise ArhError("gpg is needed to read keyring fingerprints: `sudo apt-get install gnupg`")
    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run([gpg, "--homedir", home, "--batch", "--show-keys", "--with-colons", str(keyring)],
                             capture_output=True, text=True)
    if out.returncode != 0:
        raise ArhError(f"gpg cannot read {keyring}: {out.stderr.strip()[-300:]}")
    fprs, expect = [], False
    for line in out.stdout.splitlines():
        fields = line.split(":")
        if fields[0] == "pub":
            expect = True
        elif fields[0] == "fpr" and expect:
            fprs.append(fields[9])
            expect = False
    return fprs


def check_pinned(fingerprints: list[str], source: str) -> None:
    """Accept a downloaded Ubuntu keyring only if all its keys are pinned and an archive key is present."""
    unknown = [f for f in fingerprints if f not in UBUNTU_PINNED_FINGERPRINTS]
    if unknown:
        raise ArhError(f"{source} holds key(s) {unknown} that are not among the pinned Ubuntu keys; "
                       f"refusing it. Install ubuntu-keyring from a trusted source and pass --keyring")
    if not set(fingerprints) & UBUNTU_ARCHIVE_KEYS:
        raise ArhError(f"{source} holds no Ubuntu archive signing key; refusing it")


def _fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.read()
    except OSError as e:
        raise ArhError(f"cannot download {url}: {e} (check the mirror with --mirror, or the proxy settings)") from e


def fetch_ubuntu_keyring(suite: Suite, mirror: str | None = None, dest: Path | None = None) -> Path:
    """Download ``ubuntu-keyring`` for ``suite`` from the mirror, check pinned fingerprints, install it.

    Writes ``$ARH_HOME/keyrings/ubuntu-archive-keyring.gpg`` (atomically) and returns its path.
    """
    mirror = (mirror or default_mirror("ubuntu")).rstrip("/")
    stanza = None
    for pocket in (f"{suite.codename}-updates", suite.codename):
        index = gzip.decompress(_fetch(f"{mirror}/dists/{pocket}/main/binary-amd64/Packages.gz")).decode()
        for block in index.split("\n\n"):
            if block.startswith("Package: ubuntu-keyring\n"):
                stanza = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
                break
        if stanza:
            break
    if not stanza:
        raise ArhError(f"package ubuntu-keyring not found in {mirror} for {suite.codename}")
    data = _fetch(f"{mirror}/{stanza['Filename']}")
    if hashlib.sha256(data).hexdigest() != stanza.get("SHA256"):
        raise ArhError(f"{stanza['Filename']}: SHA256 does not match the Packages index; refusing it")
    if not shutil.which("dpkg-deb"):
        raise ArhError("dpkg-deb is needed to unpack ubuntu-keyring: `sudo apt-get install dpkg`")
    dest = dest or arh_home() / "keyrings" / "ubuntu-archive-keyring.gpg"
    with tempfile.TemporaryDirectory() as tmp:
        deb = Path(tmp) / "ubuntu-keyring.deb"
        deb.write_bytes(data)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(Path(tmp) / "x")], check=True, capture_output=True)
        keyring = Path(tmp) / "x" / "usr" / "share" / "keyrings" / "ubuntu-archive-keyring.gpg"
        if not keyring.is_file():
            raise ArhError(f"{stanza['Filename']} has no usr/share/keyrings/ubuntu-archive-keyring.gpg")
        check_pinned(key_fingerprints(keyring), stanza["Filename"])
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp_dest = dest.with_name(dest.name + ".tmp")
        shutil.copyfile(keyring, tmp_dest)
        os.replace(tmp_dest, dest)
    return dest


def debootstrap_command(suite: Suite, rootfs: Path, mirror: str, keyring: Path) -> list[str]:
    """The debootstrap call: minimal variant, signature checks on, CA certificates included."""
    return ["debootstrap", "--variant=minbase", "--arch=amd64", f"--keyring={keyring}",
            f"--components={','.join(COMPONENTS[suite.distro])}", "--include=ca-certificates",
            suite.codename, str(rootfs), mirror]


def sources_list(suite: Suite, mirror: str) -> str:
    """``/etc/apt/sources.list`` for the image: release, updates and security from the same mirror."""
    comps = " ".join(COMPONENTS[suite.distro])
    if suite.distro == "ubuntu":
        pockets = [suite.codename, f"{suite.codename}-updates", f"{suite.codename}-security"]
        return "".join(f"deb {mirror} {p} {comps}\n" for p in pockets)
    lines = [f"deb {mirror} {suite.codename} {comps}\n", f"deb {mirror} {suite.codename}-updates {comps}\n"]
    security = mirror.rsplit("/", 1)[0] + "/debian-security"
    lines.append(f"deb {security} {suite.codename}-security {comps}\n")
    return "".join(lines)


def debootstrap_version() -> str:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "debootstrap"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def import_changes(suite: Suite, mirror: str, keyring: Path) -> list[str]:
    """``docker import --change`` instructions: labels recording the provenance of the base."""
    labels = {
        "org.arh.base.distro": suite.distro, "org.arh.base.suite": suite.codename,
        "org.arh.base.version": suite.version, "org.arh.base.mirror": mirror,
        "org.arh.base.keyring-sha256": hashlib.sha256(keyring.read_bytes()).hexdigest(),
        "org.arh.base.debootstrap": debootstrap_version(),
        "org.arh.base.created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    label = " ".join(f'{k}="{v}"' for k, v in labels.items())
    return [f"LABEL {label}", "ENV LANG=C.UTF-8", 'CMD ["/bin/bash"]']


def build_base(spec: str, mirror: str | None = None, keyring: str | None = None,
               quiet: bool = False) -> dict:
    """Create ``arh-base/<distro>:<release>`` with debootstrap + docker import; returns its provenance.

    Needs root (debootstrap creates device nodes and chroots), ``debootstrap`` and a
    Docker engine. Takes a few minutes (downloads ~40-60 MB of packages).
    """
    from core.envs.docker_backend import docker_client

    suite = parse_suite(spec)
    if not shutil.which("debootstrap"):
        raise ArhError("debootstrap is not installed: `sudo apt-get install -y debootstrap`")
    if os.geteuid() != 0:
        raise ArhError("debootstrap needs root (it creates device nodes and chroots): rerun with sudo")
    mirror = (mirror or default_mirror(suite.distro)).rstrip("/")
    ring = find_keyring(suite.distro, keyring)
    client = docker_client()
    work = arh_home() / "base"
    work.mkdir(parents=True, exist_ok=True)
    rootfs = Path(tempfile.mkdtemp(prefix=f"{suite.codename}-", dir=work))
    log_path = work / f"{suite.codename}.debootstrap.log"
    t0 = time.monotonic()
    try:
        if not quiet:
            print(f"arh: debootstrap {suite.name} from {mirror} (keyring {ring}); log: {log_path}",
                  file=sys.stderr)
        from core.envs.backend import run_logged

        log_path.unlink(missing_ok=True)
        rc = run_logged(debootstrap_command(suite, rootfs, mirror, ring), dict(os.environ), None,
                        str(log_path), quiet)
        if rc != 0:
            tail = log_path.read_text(errors="replace")[-1500:] if log_path.exists() else ""
            hint = ""
            if "Release signed by unknown key" in tail or "Invalid Release signature" in tail:
                hint = f" The Release signature did not verify with {ring}: use the right keyring (--keyring)."
            raise ArhError(f"debootstrap {suite.codename} from {mirror} failed (exit {rc}); see {log_path}.{hint}")
        t_boot = time.monotonic() - t0
        (rootfs / "etc" / "apt" / "sources.list").write_text(sources_list(suite, mirror))
        subprocess.run(["chroot", str(rootfs), "apt-get", "clean"], capture_output=True)
        for sub in ("var/lib/apt/lists", "var/cache/apt/archives", "tmp"):
            d = rootfs / sub
            for child in d.glob("*"):
                if child.is_file() or child.is_symlink():
                    child.unlink()
        tar = work / f"{rootfs.name}.tar"
        subprocess.run(["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(tar), "."], check=True)
        try:
            image_id = _import(client, tar, suite, mirror, ring)
        finally:
            tar.unlink(missing_ok=True)
        image = client.images.get(image_id)
        return {"tag": suite.tag, "image_id": image.id, "size_mb": round(image.attrs.get("Size", 0) / 2**20, 1),
                "mirror": mirror, "suite": suite.codename, "keyring": str(ring),
                "debootstrap_seconds": round(t_boot, 1), "seconds": round(time.monotonic() - t0, 1)}
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)


def _import(client, tar: Path, suite: Suite, mirror: str, ring: Path) -> str:
    """``docker import`` the root filesystem tarball; returns the image id."""
    repo, tag = suite.tag.rsplit(":", 1)
    out = client.api.import_image_from_file(str(tar), repository=repo, tag=tag,
                                            changes=import_changes(suite, mirror, ring))
    match = re.search(r"sha256:[0-9a-f]{64}", str(out))
    if not match:
        raise ArhError(f"docker import of {tar} gave no image id: {str(out)[-300:]}")
    return match.group(0)


def list_bases(client=None) -> list[dict]:
    """Offline base images present in the engine (tag, id, size, mirror, suite)."""
    from core.envs.docker_backend import docker_client

    out = []
    for image in (client or docker_client()).images.list(filters={"label": "org.arh.base.suite"}):
        labels = image.labels or {}
        if not any(t.startswith("arh-base/") for t in image.tags):
            continue  # environment images inherit their base's labels
        out.append({"tags": image.tags, "id": image.id, "size_mb": round(image.attrs.get("Size", 0) / 2**20, 1),
                    "mirror": labels.get("org.arh.base.mirror"), "suite": labels.get("org.arh.base.suite")})
    return out
