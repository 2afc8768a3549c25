"""MP3 round trip (LAME via ``lameenc``, decoded by libsndfile/mpg123), delay-compensated."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import numpy as np
import soundfile as sf

from core.degrade.params import Param, ParamError
from core.degrade.resampling import fit_length, resample
from core.degrade.transform import transform
from core.errors import ArhError

MPEG_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
MPEG1_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # 32, 44.1, 48 kHz
MPEG2_KBPS = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)  # 8 ... 24 kHz
ALL_KBPS = tuple(sorted(set(MPEG1_KBPS) | set(MPEG2_KBPS)))
MAX_DELAY = 8192  # samples searched for the codec delay (LAME + mpg123 is 1105)

_CAL: dict[tuple, Calibration] = {}
_CAL_LOCK = threading.Lock()


def encode_rate(sr: int) -> int:
    """The MPEG rate the encoder is fed for input at ``sr`` Hz (nearest supported rate)."""
    return min(MPEG_RATES, key=lambda r: (abs(r - sr), -r))


def _kbps_for(rate: int) -> tuple[int, ...]:
    return MPEG1_KBPS if rate >= 32000 else MPEG2_KBPS


def _validate(kw: dict) -> None:
    if kw["bitrate"] % 1000 or kw["bitrate"] // 1000 not in ALL_KBPS:
        raise ParamError(f"bitrate={kw['bitrate']} is not an MP3 bitrate; use one of "
                         + ", ".join(f"{k}k" for k in ALL_KBPS))
    mr = kw["mp3_rate"]
    if mr not in ("auto", "input") and not (mr.isdigit() and int(mr) in MPEG_RATES):
        raise ParamError(f"mp3_rate={mr!r}: use auto, input or one of {', '.join(map(str, MPEG_RATES))}")


def _check_rate(sr: int, kw: dict) -> None:
    mr = kw["mp3_rate"]
    if mr == "auto":
        return
    rate = encode_rate(sr) if mr == "input" else int(mr)
    kbps = kw["bitrate"] // 1000
    if kbps not in _kbps_for(rate):
        raise ArhError(f"an MP3 at {rate} Hz cannot have bitrate {kbps}k; allowed: "
                       + ", ".join(f"{k}k" for k in _kbps_for(rate)) + " (or use mp3_rate=auto)")


def _encode(x: np.ndarray, rate: int, kbps: int, quality: int, mp3_rate: str) -> bytes:
    import lameenc

    enc = lameenc.Encoder()
    enc.set_bit_rate(kbps)
    enc.set_in_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(quality)
    if mp3_rate != "auto":
        enc.set_out_sample_rate(rate if mp3_rate == "input" else int(mp3_rate))
    pcm = np.clip(np.round(np.clip(x, -1.0, 1.0) * 32768.0), -32768, 32767).astype("<i2")
    return bytes(enc.encode(pcm.tobytes())) + bytes(enc.flush())


def _decode(data: bytes) -> tuple[np.ndarray, int]:
    try:
        y, osr = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except Exception as e:  # libsndfile raises several types
        raise ArhError(f"decoding the MP3 failed ({e}); MP3 decoding needs libsndfile >= 1.1 "
                       f"(found {sf.__libsndfile_version__}): pip install -U soundfile") from e
    return y[:, 0], int(osr)


@dataclass(frozen=True)
class Calibration:
    """What the codec does to timing and level for one encoder setting."""

    delay: int  # samples at ``stream_rate`` between input and decoded output
    stream_rate: int  # rate of the MP3 stream (LAME may resample)
    gain: float  # decoded / input amplitude on a tonal probe (LAME's CBR presets scale by 0.95)


def calibrate(rate: int, kbps: int, quality: int, mp3_rate: str) -> Calibration:
    """Measure the codec delay and gain for this encoder setting (cached per process).

    Delay: 2 s of fixed white noise is encoded and decoded; the delay is the
    lag of the cross-correlation peak with the input (resampled to the
    stream's rate if LAME chose another). Gain: least-squares gain of the
    decoded 250 Hz + 700 Hz two-tone probe against the input, over the
    middle half (tones are coded almost losslessly at every bitrate).
    """
    key = (rate, kbps, quality, mp3_rate)
    with _CAL_LOCK:
        if key in _CAL:
            return _CAL[key]
    noise = (0.25 * np.random.default_rng(20240611).standard_normal(2 * rate)).astype(np.float32)
    y, osr = _decode(_encode(noise, rate, kbps, quality, mp3_rate))
    ref = resample(noise, rate, osr)
    size = 1 << int(np.ceil(np.log2(y.size + ref.size)))
    cc = np.fft.irfft(np.fft.rfft(y, size) * np.conj(np.fft.rfft(ref, size)), size)
    window = np.abs(cc[: min(MAX_DELAY, y.size)])
    lag = int(np.argmax(window))
    others = np.concatenate([window[: max(0, lag - 8)], window[lag + 9:]])
    if cc[lag] <= 0 or (others.size and others.max() > 0.5 * window[lag]):
        raise ArhError(f"could not measure the MP3 codec delay for {rate} Hz, {kbps} kbps "
                       f"(ambiguous cross-correlation peak at lag {lag}); try another bitrate")
    t = np.arange(2 * rate) / rate
    tones = (0.2 * np.sin(2 * np.pi * 250 * t) + 0.2 * np.sin(2 * np.pi * 700 * t + 1.0)).astype(np.float32)
    yt, _ = _decode(_encode(tones, rate, kbps, quality, mp3_rate))
    ref_t = resample(tones, rate, osr)
    mid = slice(ref_t.size // 4, 3 * ref_t.size // 4)
    seg = yt[lag: lag + ref_t.size][mid].astype(np.float64)
    r = ref_t[mid].astype(np.float64)
    gain = float(np.dot(seg, r) / np.dot(r, r)) if seg.size == r.size else 0.0
    if not 0.5 < gain < 1.5:
        raise ArhError(f"MP3 codec gain for {rate} Hz, {kbps} kbps measured as {gain:.3f}, "
                       "outside 0.5 ... 1.5; the encoder or decoder misbehaves")
    cal = Calibration(lag, osr, gain)
    with _CAL_LOCK:
        _CAL[key] = cal
    return cal


@transform(
    "mp3",
    Param("bitrate", "int", 32000, "constant bitrate in bit/s (32k = 32 kbps)"),
    Param("quality", "int", 5, "LAME algorithm quality, 0 (best, slowest) ... 9 (fastest)", low=0, high=9),
    Param("mp3_rate", "str", "auto", "rate of the MP3 stream: auto (LAME chooses, as the lame CLI), "
          "input (keep the input rate), or a rate in Hz", per_item=False),
    Param("keep_level", "bool", True, "undo LAME's input scaling (0.95 at most CBR bitrates) so "
          "only the coding changes the signal", per_item=False),
    validate=_validate,
    check_rate=_check_rate,
)
def mp3(x, sr, rng, *, bitrate, quality, mp3_rate, keep_level):
    """MP3 round trip: clip to [-1, 1], 16-bit PCM, LAME CBR mono at `bitrate`, decode, align.

    Encoder: LAME 3.100 (lameenc), mono, constant bitrate, algorithm `quality`
    (LAME's own default is 3; 5 is used here, about 1.5x faster at the same
    bitrate). mp3_rate=auto lets LAME pick the stream rate as the lame CLI
    does (it resamples: 44.1 kHz at 32 kbps becomes a 22.05 kHz MP3); input
    keeps the input rate. Input rates MPEG does not support (all but 8,
    11.025, 12, 16, 22.05, 24, 32, 44.1, 48 kHz) are resampled with soxr (HQ)
    to the nearest supported rate and back. Decoder: libsndfile (mpg123).
    Alignment: the codec delay (encoder + decoder delay; 1105 samples at the
    stream rate with LAME 3.100 and mpg123) is measured once per setting by
    cross-correlating a noise probe and removed, and the tail padding is cut:
    same length as the input, cross-correlation lag 0. A stream at another
    rate is resampled back with soxr (HQ, linear phase). Level: LAME's CBR
    presets scale the input (by 0.95 below 320 kbps); with keep_level the
    output is divided by the gain measured once per setting on a two-tone
    probe, so the level is kept to within about 0.01 dB.
    """
    n = x.size
    rate = encode_rate(sr)
    xin = resample(x, sr, rate)
    kbps = bitrate // 1000
    cal = calibrate(rate, kbps, quality, mp3_rate)
    y, got_sr = _decode(_encode(xin, rate, kbps, quality, mp3_rate))
    if got_sr != cal.stream_rate:
        raise ArhError(f"MP3 stream rate changed between calibration ({cal.stream_rate} Hz) and use ({got_sr} Hz)")
    m = int(round(xin.size * cal.stream_rate / rate))
    y = y[cal.delay: cal.delay + m]
    if y.size < m:
        y = np.pad(y, (0, m - y.size))
    if keep_level:
        y = y * np.float32(1.0 / cal.gain)
    y = resample(resample(y, cal.stream_rate, rate), rate, sr)
    return fit_length(y, n)
