"""Speech of the default corpus: espeak-ng (from the ``espeakng-loader`` wheel) through ctypes.

Sentences from :mod:`sentences` are spoken by several voices and variants with
pitch and rate varied per utterance from a stable hash, giving float32 mono at
22050 Hz (espeak-ng's native rate).

Reproducibility: espeak-ng keeps synthesis state in static variables that
survive ``espeak_Terminate`` (the same text spoken twice in one process gives
slightly different samples), and voices with breath noise (``+f2``, ``+f3``,
...) draw it from the C library's process-wide ``rand()``. Every utterance
therefore loads the library, seeds ``srand`` (and espeak-ng's own seed) from a
hash of the utterance, synthesises and unloads the library again (``dlclose``),
which makes the output byte-identical across calls, processes and orders. A
lock makes this safe from threads; each worker process of a pool does the same
on its own.
"""

from __future__ import annotations

import ctypes
import functools
import threading
from dataclasses import dataclass

import numpy as np

from core.errors import ArhError
from core.hashing import seed_for

SPEECH_RATE = 22050  # espeak-ng's output rate
AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_INITIALIZE_DONT_EXIT = 0x8000
ESPEAK_CHARS_UTF8 = 1
POS_CHARACTER = 1
ESPEAK_RATE, ESPEAK_PITCH = 1, 3
SENTENCES_PER_VOICE = 8

_LOCK = threading.Lock()
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


@dataclass(frozen=True)
class Voice:
    """``name`` goes into item ids; ``espeak`` is the espeak-ng voice (+variant) name."""

    name: str
    espeak: str
    rate: int  # words per minute
    pitch: int  # 0-100, 50 = the voice's normal pitch


VOICES: tuple[Voice, ...] = (
    Voice("us-m", "en-us", 165, 45),
    Voice("gb-m", "en", 170, 50),
    Voice("us-f3", "en-us+f3", 160, 55),
    Voice("us-m3", "en-us+m3", 175, 40),
    Voice("rp-f2", "en-gb-x-rp+f2", 155, 60),
    Voice("scot-m1", "en-gb-scotland+m1", 170, 45),
    Voice("nyc-f4", "en-us-nyc+f4", 180, 55),
    Voice("carib-m7", "en-029+m7", 160, 50),
)


@dataclass(frozen=True)
class Utterance:
    id: str  # speech/<voice>/<nn>, nn = sentence number
    voice: Voice
    sentence: int
    text: str
    rate: int
    pitch: int

    def meta(self) -> dict:
        return {"kind": "speech", "voice": self.voice.name, "espeak_voice": self.voice.espeak,
                "text": self.text, "sentence": self.sentence, "rate_wpm": self.rate, "pitch": self.pitch,
                "speaker": self.voice.name}


def utterances() -> list[Utterance]:
    """The planned utterances: each voice speaks 8 sentences, every sentence is used."""
    from core.datasets.default.sentences import SENTENCES

    out = []
    for v, voice in enumerate(VOICES):
        for k in range(SENTENCES_PER_VOICE):
            s = (v * 5 + k) % len(SENTENCES)
            uid = f"speech/{voice.name}/{s:02d}"
            h = seed_for(0, uid, "prosody")
            out.append(Utterance(uid, voice, s, SENTENCES[s], voice.rate + int(h % 31) - 15,
                                 voice.pitch + int((h >> 8) % 17) - 8))
    return sorted(out, key=lambda u: u.id)


def _library_path() -> tuple[str, str]:
    try:
        import espeakng_loader
    except ImportError as e:  # pragma: no cover - it is a core dependency
        raise ArhError("espeak-ng is needed for the default speech corpus: pip install espeakng-loader") from e
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()


@functools.lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    """The C library whose ``rand()`` espeak-ng uses for breath noise."""
    import ctypes.util

    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def _still_mapped(lib_path: str) -> bool:
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            return lib_path in f.read()
    except OSError:  # not Linux: cannot check
        return False


def synthesize(text: str, voice: str = "en-us", rate: int = 170, pitch: int = 50) -> np.ndarray:
    """Speak ``text`` with espeak-ng ``voice``; float32 mono at :data:`SPEECH_RATE` Hz.

    ``rate`` is in words per minute (80-450), ``pitch`` 0-100. Same arguments,
    same samples (see the module docstring for how).
    """
    import _ctypes

    lib_path, data_path = _library_path()
    chunks: list[np.ndarray] = []

    def collect(wav, n, _events):
        if wav and n > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    callback = _SYNTH_CALLBACK(collect)
    rand_seed = seed_for(0, f"{voice}|{rate}|{pitch}|{text}", "espeak") & 0x7FFFFFFF
    with _LOCK:
        lib = ctypes.CDLL(lib_path)
        try:
            lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
            lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
            lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                         ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
            sr = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(),
                                       ESPEAK_INITIALIZE_DONT_EXIT)
            if sr != SPEECH_RATE:
                raise ArhError(f"espeak-ng failed to start (returned {sr}) with data at {data_path}; "
                               "reinstall espeakng-loader")
            lib.espeak_SetSynthCallback(callback)
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ArhError(f"espeak-ng has no voice {voice!r} (try en-us, en, en-us+f3, en-gb-x-rp)")
            lib.espeak_SetParameter(ESPEAK_RATE, int(rate), 0)
            lib.espeak_SetParameter(ESPEAK_PITCH, int(pitch), 0)
            data = text.encode("utf-8") + b"\0"
            # espeak_Initialize seeds rand() from the clock; reseed just before speaking
            _libc().srand(ctypes.c_uint(rand_seed))
            if hasattr(lib, "espeak_ng_SetRandSeed"):
                lib.espeak_ng_SetRandSeed(ctypes.c_long(rand_seed))
            err = lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
            lib.espeak_Terminate()
        finally:
            _ctypes.dlclose(lib._handle)
        if _still_mapped(lib_path):
            raise ArhError("libespeak-ng stayed loaded in this process (another module holds it), so its "
                           "output would not be reproducible; build the default corpus in a fresh process")
    if err != 0 or not chunks:
        raise ArhError(f"espeak-ng could not speak {text!r} with voice {voice!r} (error {err})")
    return (np.concatenate(chunks).astype(np.float32) / 32768.0).astype(np.float32)


def speak(u: Utterance) -> np.ndarray:
    return synthesize(u.text, u.voice.espeak, u.rate, u.pitch)


def espeak_version() -> str:
    """espeak-ng's version string (e.g. ``1.52.0``)."""
    lib_path, data_path = _library_path()
    import _ctypes

    with _LOCK:
        lib = ctypes.CDLL(lib_path)
        try:
            lib.espeak_Info.restype = ctypes.c_char_p
            return lib.espeak_Info(None).decode()
        finally:
            _ctypes.dlclose(lib._handle)


@functools.lru_cache(maxsize=4)
def _babble_cached(sr: int) -> tuple[np.ndarray, ...]:
    from core.datasets.convert import resample

    picks = [u for u in utterances() if u.sentence % 5 == 0][:8]
    return tuple(resample(speak(u), SPEECH_RATE, sr) for u in picks)


def babble_material(sr: int) -> list[np.ndarray]:
    """A handful of utterances (different voices) resampled to ``sr``, for babble noise."""
    return [x.copy() for x in _babble_cached(int(sr))]
