import numpy as np
import soundfile as sf

from core.datasets.default import instruments as ins
from core.datasets.default.compose import PIECES, compose
from core.datasets.default.music import MUSIC_RATE, piece_meta, render, write_piece
from core.hashing import rng_for


def test_render_is_deterministic_and_peak_normalised():
    a = render(compose("groove-minor", bars=1), MUSIC_RATE, 0, "groove-minor")
    b = render(compose("groove-minor", bars=1), MUSIC_RATE, 0, "groove-minor")
    assert a.dtype == np.float32 and a.shape[1] == 2
    assert np.array_equal(a, b)
    assert np.abs(a).max() <= 1.0
    assert abs(np.abs(a).max() - 10 ** (-1 / 20)) < 1e-3  # -1 dBFS
    c = render(compose("groove-minor", seed=1, bars=1), MUSIC_RATE, 1, "groove-minor")
    assert not np.array_equal(a[: len(c)], c[: len(a)])


def test_pieces_have_instruments_and_reasonable_length():
    for name, style in PIECES.items():
        pm = compose(name)
        seconds = style.bars * style.beats * 60 / style.tempo
        assert 10 <= seconds <= 20, name
        assert abs(pm.get_end_time() - seconds) < 0.5
        roles = {i.name for i in pm.instruments}
        assert {"melody", "chords", "bass"} <= roles
    assert len(PIECES) >= 4 and sum(s.bars * s.beats * 60 / s.tempo for s in PIECES.values()) >= 60


def test_write_piece_saves_midi_next_to_audio(tmp_path):
    import pretty_midi

    audio = write_piece("folk-pluck", tmp_path / "folk.wav", bars=1)
    x, sr = sf.read(tmp_path / "folk.wav", dtype="float32")
    assert sr == MUSIC_RATE and np.array_equal(x, audio)
    midi = pretty_midi.PrettyMIDI(str(tmp_path / "folk.mid"))
    assert sum(len(i.notes) for i in midi.instruments) > 5
    assert piece_meta("folk-pluck")["kind"] == "music"


def test_pluck_has_the_right_pitch():
    sr = 44100
    y = ins.pluck(220.0, 1.0, sr, rng_for(0, "t", "pluck"), brightness=0.3).astype(np.float64)
    seg = y[2000:2000 + 4096]
    ac = np.correlate(seg, seg, "full")[len(seg) - 1:]
    lag = 100 + int(np.argmax(ac[100:400]))  # search 110-441 Hz
    assert abs(sr / lag - 220.0) < 2.5
    power = np.abs(np.fft.rfft(seg * np.hanning(len(seg)))) ** 2
    freqs = np.fft.rfftfreq(len(seg), 1 / sr)
    assert power[freqs < 4000].sum() > 0.95 * power.sum()  # low harmonics, not a hiss
    assert np.isfinite(y).all() and abs(y[-50:]).max() < 0.05  # faded out
