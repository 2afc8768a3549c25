"""The ``default`` source: the built-in corpus, generated on first use and cached.

Spec strings: ``default`` (speech and music), ``default:speech``, ``default:music``,
``default:noise``, or ``+`` combinations (``default:speech+noise``). Files are
cached under ``arh_home()/corpus/<hash>/`` (one folder per kind; the hash covers
the generator code and library versions), each written atomically, so an
interrupted generation resumes. ``limit`` generates only the items it keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.atomic import write_json
from core.datasets.sources.base import RawItem, Scan, Source, pick
from core.errors import ArhError
from core.hashing import stable_hash
from core.paths import arh_home
from core.registry import did_you_mean

KINDS = ("speech", "music", "noise")
DEFAULT_KINDS = ("speech", "music")
CORPUS_VERSION = 1
CORPUS_SEED = 0  # the corpus is fixed; the build's seed only drives degradations


@dataclass
class Entry:
    """One planned corpus file: ``<id>.wav`` inside its kind's cache folder."""

    id: str
    kind: str
    meta: dict = field(default_factory=dict)


def plan(kind: str) -> list[Entry]:
    """Every item of ``kind``, sorted by id."""
    if kind == "speech":
        from core.datasets.default.speech import utterances

        return [Entry(u.id, kind, u.meta()) for u in utterances()]
    if kind == "music":
        from core.datasets.default.music import piece_meta, piece_names

        return [Entry(f"music/{n}", kind, piece_meta(n)) for n in piece_names()]
    if kind == "noise":
        from core.datasets.default.noises import NOISE_KINDS

        return [Entry(f"noise/{k}", kind, {"kind": "noise", "noise": k}) for k in NOISE_KINDS]
    raise ArhError(f"Unknown default corpus part {kind!r}. {did_you_mean(kind, list(KINDS))}")


def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    files = sorted(here.glob("*.py")) + [here.parent.parent / "degrade" / "noise_gen.py"]
    return stable_hash([(p.name, p.read_bytes().hex()) for p in files if p.exists()])


def cache_dir(kind: str) -> Path:
    """Where ``kind``'s files live: ``arh_home()/corpus/<hash>/``."""
    import numpy
    import scipy

    parts = ["arh-default-corpus", CORPUS_VERSION, kind, CORPUS_SEED, _code_digest(),
             numpy.__version__, scipy.__version__]
    if kind in ("speech", "noise"):
        from core.datasets.default.speech import espeak_version

        parts.append(espeak_version())
    if kind == "music":
        import pretty_midi

        parts.append(pretty_midi.__version__)
    return arh_home() / "corpus" / stable_hash(*parts)


def generate_entry(task: tuple[str, str, str]) -> str:
    """Write one corpus file; ``task`` = (kind, id, wav path). Module level so pools can pickle it."""
    kind, item_id, path = task
    name = item_id.split("/", 1)[1]
    if kind == "speech":
        from core.datasets.default.speech import SPEECH_RATE, speak, utterances
        from core.datasets.wavfile import write_float_wav

        u = next(u for u in utterances() if u.id == item_id)
        write_float_wav(path, speak(u), SPEECH_RATE)
    elif kind == "music":
        from core.datasets.default.music import write_piece

        write_piece(name, path, CORPUS_SEED)
    else:
        from core.datasets.default.noises import write_noise

        write_noise(name, path, CORPUS_SEED)
    return path


class DefaultSource(Source):
    """Synthetic speech, music and noise for smoke runs (not for judging model quality)."""

    def __init__(self, kinds: str | tuple[str, ...] | None = None, workers: int | None = None,
                 quiet: bool | None = None):
        if kinds is None or kinds == "":
            kinds = DEFAULT_KINDS
        if isinstance(kinds, str):
            kinds = tuple(k.strip() for k in kinds.split("+") if k.strip())
        for k in kinds:
            if k not in KINDS:
                raise ArhError(f"Unknown default corpus part {k!r} in `default:{'+'.join(kinds)}`. "
                               f"{did_you_mean(k, list(KINDS))}")
        self.kinds = tuple(dict.fromkeys(kinds))
        self.workers = workers
        self.quiet = quiet
        self.name = "default" if self.kinds == DEFAULT_KINDS else "default:" + "+".join(self.kinds)

    def scan(self, limit: int | None = None) -> Scan:
        from core.parallel import pmap_unordered

        entries = [e for k in self.kinds for e in plan(k)]
        keep = pick([e.id for e in entries], limit)
        entries = [e for e in entries if e.id in keep]
        dirs = {k: cache_dir(k) for k in self.kinds}
        path = {e.id: dirs[e.kind] / f"{e.id}.wav" for e in entries}
        missing = [(e.kind, e.id, str(path[e.id])) for e in entries if not path[e.id].exists()]
        if missing:
            for _ in pmap_unordered(generate_entry, missing, self.workers,
                                    "generating default corpus", quiet=self.quiet):
                pass
            for k, d in dirs.items():
                write_json(d / "corpus.json", {
                    "corpus_version": CORPUS_VERSION, "kind": k, "note": SMOKE_NOTE,
                    "items": {e.id: e.meta for e in plan(k)}})
        items = [RawItem(e.id, str(path[e.id]), f"default:{e.kind}", f"{e.id}.wav", dict(e.meta))
                 for e in entries]
        return Scan(sorted(items, key=lambda it: it.id))

    def describe(self) -> dict:
        return {"spec": self.name, "kind": "default", "parts": list(self.kinds),
                "corpus_version": CORPUS_VERSION, "note": SMOKE_NOTE,
                "cache": {k: str(cache_dir(k)) for k in self.kinds}}


SMOKE_NOTE = ("synthetic corpus (espeak-ng speech, numpy-rendered MIDI music, generated noise) "
              "for smoke runs; not for judging model quality")
