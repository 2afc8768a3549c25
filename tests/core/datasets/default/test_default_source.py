import os
import re

import pytest

from core.datasets.default.source import DefaultSource, cache_dir
from core.datasets.sources import open_source
from core.errors import ArhError


def test_default_speech_subset_is_generated_once_and_cached():
    src = DefaultSource("speech", workers=1)
    scan = src.scan(limit=2)
    assert len(scan.items) == 2 and not scan.skipped
    for it in scan.items:
        assert re.fullmatch(r"speech/[a-z0-9-]+/\d\d", it.id)
        assert it.meta["kind"] == "speech" and it.meta["text"] and it.source == "default:speech"
        assert it.path.startswith(str(cache_dir("speech")))
    stamps = {it.id: os.stat(it.path).st_mtime_ns for it in scan.items}
    again = DefaultSource("speech", workers=1).scan(limit=2)
    assert [i.id for i in again.items] == [i.id for i in scan.items]
    assert {it.id: os.stat(it.path).st_mtime_ns for it in again.items} == stamps


def test_default_spec_forms():
    assert open_source("default").kinds == ("speech", "music")
    assert open_source("default:noise").kinds == ("noise",)
    assert open_source("default:speech+noise").name == "default:speech+noise"
    with pytest.raises(ArhError, match="Did you mean 'music'"):
        open_source("default:musik")


def test_music_item_ids_and_metadata():
    scan = DefaultSource("music", workers=1).scan(limit=1)
    (it,) = scan.items
    assert it.id.startswith("music/") and it.meta["kind"] == "music" and it.meta["style"]
    assert it.path.endswith(".wav") and os.path.exists(it.path[:-4] + ".mid")
