"""Presets: each parses, runs at its rate, and says in one line what it is."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.degrade import parse_spec
from core.degrade.presets import FILM_CUTS, PRESETS, resolve

from .conftest import harmonic_tone


def test_expected_presets_exist():
    expected = {"casey-mp3", "kim-sr", "degner-sr", "kuhne-noise", "aksoy-film"}
    expected |= {f"aksoy-film-{c}" for c in (150, 250, 500, 1000, 1500, 2000, 3000)}
    assert expected <= set(PRESETS)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_parses_and_runs_at_its_rate(name):
    p = PRESETS[name]
    assert p.name == name and p.description and "\n" not in p.description and p.source_hint
    chain = parse_spec(name)
    assert chain == parse_spec(p.spec)
    chain.check_rate(p.rate)
    x = harmonic_tone(p.rate, 0.3)
    y = chain.apply(x, p.rate, 0, "item")
    assert y.shape == x.shape and np.isfinite(y).all()


def test_resolve():
    assert resolve("casey-mp3") == ("mp3:bitrate=32k", 16000)
    assert resolve("gain:db=3") == ("gain:db=3", None)


def test_film_preset_mixes_every_cut_and_uses_30_rms_noise():
    chain = parse_spec("aksoy-film")
    cut, noise = (kw for _, kw in chain.steps)
    assert cut["cutoff"] == [float(c) for c in FILM_CUTS]
    assert noise["level"] == pytest.approx(20 * math.log10(30 / 32768), abs=1e-3)
    picks = {chain.item_steps(0, f"film{i}")[0][1]["cutoff"] for i in range(80)}
    assert picks == {float(c) for c in FILM_CUTS}
