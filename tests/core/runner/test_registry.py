"""The adapter registry: unique names, lazy import, helpful misses."""

import pytest

from core.adapter import adapter_names, adapter_table, describe_all, load_adapter
from core.errors import ArhError


def test_names_unique_and_match_classes():
    table = adapter_table()
    assert len(set(table)) == len(table)
    for name in ("identity", "wiener", "bandext"):
        assert load_adapter(name).name == name
    assert adapter_names() == sorted(table)


def test_unknown_name_suggests():
    with pytest.raises(ArhError, match="Did you mean 'wiener'"):
        load_adapter("wienr")


def test_describe_has_contract_fields():
    for d in describe_all():
        assert {"name", "environment", "sample_rate", "tasks", "trainable", "configs"} <= set(d)
        assert "default" in d["configs"] and "tiny" in d["configs"]
