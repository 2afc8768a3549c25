"""Spec parsing: syntax, defaults, canonical form, data form, and errors that help."""

from __future__ import annotations

import json

import pytest

from core.degrade import TRANSFORMS, Chain, parse_spec
from core.errors import ArhError, UnknownNameError

SPEC = "mp3:bitrate=32k | lowpass:cutoff=4000,order=8 | noise:kind=white,snr=10"


def test_parse_fills_defaults_and_converts_values():
    chain = parse_spec(SPEC)
    names = [n for n, _ in chain.steps]
    assert names == ["mp3", "lowpass", "noise"]
    mp3, low, noise = (kw for _, kw in chain.steps)
    assert mp3["bitrate"] == 32000 and isinstance(mp3["bitrate"], int)
    assert mp3["quality"] == 5  # default filled in
    assert low == {"cutoff": 4000.0, "order": 8, "filter": "butter", "ripple": 1.0, "zero_phase": True}
    assert noise["kind"] == "white" and noise["snr"] == 10.0 and noise["level"] is None


def test_canonical_is_stable_and_round_trips():
    a = parse_spec(SPEC)
    b = parse_spec("mp3:bitrate=32000,quality=5 |lowpass:order=8,cutoff=4k| noise:snr=10.0,kind=white")
    assert a == b
    assert a.canonical() == b.canonical()
    assert parse_spec(a.canonical()) == a
    assert parse_spec(a.canonical()).canonical() == a.canonical()


def test_data_form_is_json_and_round_trips():
    chain = parse_spec(SPEC + " | bandcut:cutoff=150/250/500")
    data = chain.to_data()
    assert json.loads(json.dumps(data)) == data
    assert data[3] == {"name": "bandcut", "kwargs": {"cutoff": [150.0, 250.0, 500.0]}}
    assert Chain.from_data(data) == chain
    assert chain.digest() == Chain.from_data(json.loads(json.dumps(data))).digest()


def test_steps_are_copies():
    chain = parse_spec("bandcut:cutoff=150/250")
    chain.steps[0][1]["cutoff"].append(999.0)
    assert chain.steps[0][1]["cutoff"] == [150.0, 250.0]


def test_per_item_choice_is_drawn_per_item():
    chain = parse_spec("bandcut:cutoff=150/250/500/1000/1500/2000/3000")
    picks = {chain.item_steps(0, f"item{i}")[0][1]["cutoff"] for i in range(60)}
    assert len(picks) >= 5  # all seven are equally likely; 60 draws hit at least five
    assert chain.item_steps(0, "a") == chain.item_steps(0, "a")


def test_preset_name_and_preset_inside_a_chain():
    assert parse_spec("casey-mp3") == parse_spec("mp3:bitrate=32k")
    assert [n for n, _ in parse_spec("casey-mp3 | gain:db=-6").steps] == ["mp3", "gain"]


def test_unknown_transform_suggests_close_names():
    with pytest.raises(UnknownNameError) as e:
        parse_spec("mp3:bitrate=32k | lowpas:cutoff=4000")
    msg = str(e.value)
    assert "step 2" in msg and "'lowpas'" in msg and "Did you mean 'lowpass'" in msg
    assert "highpass" in msg  # lists what exists


def test_unknown_preset_like_name_suggests_presets():
    with pytest.raises(UnknownNameError, match="Did you mean 'casey-mp3'"):
        parse_spec("casey-mp4")


@pytest.mark.parametrize("spec, fragments", [
    ("lowpass:cutof=4000", ["lowpass", "'cutof'", "Did you mean 'cutoff'", "zero_phase"]),
    ("lowpass:cutoff=abc", ["lowpass", "cutoff=abc", "not a number"]),
    ("lowpass", ["lowpass needs cutoff="]),
    ("mp3:bitrate=33k", ["bitrate=33000", "32k"]),
    ("noise:kind=whte,snr=3", ["Did you mean 'white'"]),
    ("noise:kind=white", ["exactly one of snr="]),
    ("noise:kind=white,snr=1,level=-20", ["exactly one of snr="]),
    ("quantize:bits=1", ["bits=1", "minimum 2"]),
    ("lowpass:cutoff=4000,zero_phase=maybe", ["zero_phase", "true or false"]),
    ("lowpass:cutoff=4000,cutoff=3000", ["given twice"]),
    ("mp3:bitrate", ["not key=value"]),
    ("mp3 | | gain:db=1", ["step 2", "empty"]),
    ("", ["empty degradation spec"]),
    ("noise:kind=file,snr=3", ["kind=file needs file="]),
    ("lowpass:zero_phase=true/false,cutoff=10", ["takes one value"]),
])
def test_bad_specs_raise_helpful_errors(spec, fragments):
    with pytest.raises(ArhError) as e:
        parse_spec(spec)
    for f in fragments:
        assert f in str(e.value), (f, str(e.value))


def test_every_transform_is_documented_with_declared_params():
    for name in TRANSFORMS.names():
        t = TRANSFORMS.get(name)
        assert len(t.doc) > 60, name
        assert t.summary, name
        for p in t.params:
            assert p.doc, (name, p.name)
