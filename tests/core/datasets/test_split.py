import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.datasets.split import assign_splits, parse_fractions, split_counts
from core.errors import ArhError

ids = st.lists(st.text(alphabet="abcdefghij/_0123456789", min_size=1, max_size=12), unique=True, max_size=60)
fracs = st.tuples(*[st.floats(0.05, 1.0)] * 3)


@settings(max_examples=60, deadline=None)
@given(ids, fracs)
def test_every_split_nonempty_deterministic_and_roughly_proportional(keys, fractions):
    out = assign_splits(keys, fractions)
    assert set(out) == set(keys)
    assert out == assign_splits(list(reversed(keys)), fractions)  # order of input never matters
    n = len(keys)
    counts = {s: sum(1 for v in out.values() if v == s) for s in ("train", "valid", "test")}
    if n >= 3:
        assert all(c >= 1 for c in counts.values())
    total = sum(fractions)
    for s, f in zip(("train", "valid", "test"), fractions, strict=True):
        assert abs(counts[s] - n * f / total) <= 2  # largest remainder (< 1) plus the minimum-1 rule


def test_a_dozen_items_still_get_a_test_split():
    out = assign_splits([f"f{i}" for i in range(12)])
    assert sorted(out.values()).count("test") == 1 and list(out.values()).count("valid") == 1


def test_counts_small_and_zero_fractions():
    assert split_counts(0, (0.8, 0.1, 0.1)) == {"train": 0, "valid": 0, "test": 0}
    assert split_counts(2, (0.8, 0.1, 0.1)) == {"train": 1, "valid": 0, "test": 1}
    assert split_counts(3, (0.8, 0.1, 0.1)) == {"train": 1, "valid": 1, "test": 1}
    assert split_counts(10, (1, 0, 0)) == {"train": 10, "valid": 0, "test": 0}
    assert split_counts(100, (0.7, 0.2, 0.1)) == {"train": 70, "valid": 20, "test": 10}


def test_split_is_by_hash_not_by_name_order():
    out = assign_splits([f"k{i:02d}" for i in range(30)])
    names_in_test = sorted(k for k, v in out.items() if v == "test")
    assert names_in_test != ["k27", "k28", "k29"]  # not simply the last names


def test_parse_fractions():
    assert parse_fractions("0.8,0.1,0.1") == pytest.approx((0.8, 0.1, 0.1))
    assert parse_fractions("8,1,1") == pytest.approx((0.8, 0.1, 0.1))
    for bad in ("0.8,0.2", "a,b,c", "-1,1,1", "0,0,0", "nan,1,1"):
        with pytest.raises(ArhError):
            parse_fractions(bad)
