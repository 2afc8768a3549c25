"""Offline base images: suites, mirrors, keyrings (never --no-check-gpg), pinned Ubuntu keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.envs import base_image as bi
from core.errors import ArhError


def test_suite_names_are_canonical():
    assert bi.parse_suite("ubuntu:18.04") == bi.Suite("ubuntu", "18.04", "bionic")
    assert bi.parse_suite("ubuntu:focal").name == "ubuntu:20.04"
    assert bi.parse_suite("debian:12").name == "debian:bookworm"
    assert bi.base_tag("debian:bookworm") == "arh-base/debian:bookworm"
    assert bi.base_tag("ubuntu:bionic") == "arh-base/ubuntu:18.04"
    with pytest.raises(ArhError, match="known: ubuntu:16.04"):
        bi.parse_suite("ubuntu:17.10")
    with pytest.raises(ArhError, match="DISTRO:RELEASE"):
        bi.parse_suite("fedora:39")


def test_mirror_comes_from_the_hosts_apt_sources(tmp_path):
    apt = tmp_path / "apt"
    (apt / "sources.list.d").mkdir(parents=True)
    (apt / "sources.list").write_text("# comment\ndeb [arch=amd64] http://mirror.example/ubuntu jammy main\n")
    (apt / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://deb.example/debian-security\nSuites: bookworm-security\n\n"
        "Types: deb\nURIs: http://deb.example/debian\nSuites: bookworm\n")
    uris = bi.apt_source_uris(apt)
    assert "http://mirror.example/ubuntu" in uris and "http://deb.example/debian" in uris
    assert bi.default_mirror("ubuntu", uris) == "http://mirror.example/ubuntu"
    assert bi.default_mirror("debian", uris) == "http://deb.example/debian"  # not the security archive
    assert bi.default_mirror("ubuntu", []) == "http://archive.ubuntu.com/ubuntu"


def test_debootstrap_always_checks_signatures(tmp_path):
    cmd = bi.debootstrap_command(bi.parse_suite("ubuntu:18.04"), tmp_path / "root",
                                 "http://archive.ubuntu.com/ubuntu", Path("/k.gpg"))
    assert "--keyring=/k.gpg" in cmd and not any("no-check-gpg" in c for c in cmd)
    assert "--components=main,universe" in cmd  # python-pip lives in universe on bionic
    assert cmd[-3:] == ["bionic", str(tmp_path / "root"), "http://archive.ubuntu.com/ubuntu"]


def test_missing_keyring_fails_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setitem(bi.HOST_KEYRINGS, "ubuntu", str(tmp_path / "absent.gpg"))
    monkeypatch.setenv("ARH_HOME", str(tmp_path / "home"))
    with pytest.raises(ArhError) as e:
        bi.find_keyring("ubuntu")
    assert "apt-get install ubuntu-keyring" in str(e.value) and "arh env base keyring ubuntu" in str(e.value)
    with pytest.raises(ArhError, match="no such file"):
        bi.find_keyring("ubuntu", str(tmp_path / "nope.gpg"))
    fetched = tmp_path / "home" / "keyrings" / "ubuntu-archive-keyring.gpg"
    fetched.parent.mkdir(parents=True)
    fetched.write_bytes(b"x")
    assert bi.find_keyring("ubuntu") == fetched


def test_pinned_fingerprints_accept_ubuntu_and_refuse_strangers():
    bi.check_pinned(["790BC7277767219C42C86F933B4FE6ACC0B21F32", "F6ECB3762474EDA9D21B7022871920D1991BC93C"], "k")
    with pytest.raises(ArhError, match="not among the pinned"):
        bi.check_pinned(["790BC7277767219C42C86F933B4FE6ACC0B21F32", "0" * 40], "k")
    with pytest.raises(ArhError, match="no Ubuntu archive signing key"):
        bi.check_pinned(["843938DF228D22F7B3742BC0D94AA3F0EFE21092"], "k")


def test_image_sources_list():
    text = bi.sources_list(bi.parse_suite("ubuntu:18.04"), "http://m/ubuntu")
    assert text.splitlines() == ["deb http://m/ubuntu bionic main universe",
                                 "deb http://m/ubuntu bionic-updates main universe",
                                 "deb http://m/ubuntu bionic-security main universe"]
    text = bi.sources_list(bi.parse_suite("debian:bookworm"), "http://deb.debian.org/debian")
    assert "deb http://deb.debian.org/debian-security bookworm-security main" in text


def test_labels_record_mirror_and_suite(tmp_path):
    ring = tmp_path / "k.gpg"
    ring.write_bytes(b"key")
    changes = bi.import_changes(bi.parse_suite("debian:bookworm"), "http://deb.debian.org/debian", ring)
    label = changes[0]
    assert label.startswith("LABEL ") and 'org.arh.base.mirror="http://deb.debian.org/debian"' in label
    assert 'org.arh.base.suite="bookworm"' in label


def test_base_build_refuses_without_root(monkeypatch):
    monkeypatch.setattr(bi.shutil, "which", lambda name: "/usr/sbin/debootstrap")
    monkeypatch.setattr(bi.os, "geteuid", lambda: 1000)
    with pytest.raises(ArhError, match="needs root"):
        bi.build_base("ubuntu:18.04")
