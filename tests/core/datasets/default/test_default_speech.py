import subprocess
import sys

import numpy as np
import pytest

from core.datasets.default.speech import (
    SPEECH_RATE,
    VOICES,
    babble_material,
    synthesize,
    utterances,
)
from core.errors import ArhError
from core.hashing import array_digest

TEXT = "A short test sentence."


def test_espeak_speaks_and_is_reproducible():
    a = synthesize(TEXT, "en-us", 170, 50)
    b = synthesize(TEXT, "en-us", 170, 50)
    assert a.dtype == np.float32 and a.ndim == 1
    assert 0.5 < len(a) / SPEECH_RATE < 4.0
    assert 0.05 < np.abs(a).max() <= 1.0
    assert np.array_equal(a, b)
    assert not np.array_equal(a, synthesize(TEXT, "en-us+f3", 170, 50))


@pytest.mark.parametrize("voice", ["en-us", "en-us+f3"])  # +f3 adds breath noise from rand()
def test_espeak_same_bytes_in_another_process_after_other_work(voice):
    code = ("from core.datasets.default.speech import synthesize; from core.hashing import array_digest; "
            "synthesize('Something else first.', 'en-gb-x-rp+f2'); "
            f"print(array_digest(synthesize({TEXT!r}, {voice!r}, 170, 50)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == array_digest(synthesize(TEXT, voice, 170, 50))


def test_unknown_voice_is_a_clear_error():
    with pytest.raises(ArhError, match="no voice"):
        synthesize(TEXT, "xx-nope")


def test_plan_covers_every_sentence_with_every_voice():
    us = utterances()
    from core.datasets.default.sentences import SENTENCES

    assert len(SENTENCES) >= 40 and {u.sentence for u in us} == set(range(len(SENTENCES)))
    assert {u.voice.name for u in us} == {v.name for v in VOICES}
    assert len({u.id for u in us}) == len(us)
    assert all(u.id.startswith(f"speech/{u.voice.name}/") for u in us)


def test_babble_material_is_resampled_speech():
    m = babble_material(16000)
    assert len(m) >= 4 and all(x.dtype == np.float32 and np.abs(x).max() > 0.05 for x in m)
    m[0][:] = 0  # callers get copies
    assert np.abs(babble_material(16000)[0]).max() > 0


def test_the_planned_speech_lasts_over_two_minutes():
    from core.datasets.default.speech import speak

    total = sum(len(speak(u)) for u in utterances()) / SPEECH_RATE
    assert total >= 120
