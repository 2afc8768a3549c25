"""Summaries of score records: per (role, metric) statistics and degraded-vs-restored comparison.

Confidence intervals are 95 % two-sided Student-t half-widths of the mean
(``t_{0.975, n-1} * s / sqrt(n)``); with fewer than two values they are null.
Failed records are counted, never averaged in.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

MAX_REASONS = 5


def _t_half_width(std: float, n: int) -> float | None:
    if n < 2 or not math.isfinite(std):
        return None
    from scipy.stats import t

    return float(t.ppf(0.975, n - 1) * std / math.sqrt(n))


def _stats(values: list[float]) -> dict:
    n = len(values)
    if n == 0:
        return {"mean": None, "std": None, "ci95": None, "min": None, "max": None}
    a = np.asarray(values, dtype=np.float64)
    std = float(a.std(ddof=1)) if n > 1 else None
    return {"mean": float(a.mean()), "std": std, "ci95": _t_half_width(std, n) if std is not None else None,
            "min": float(a.min()), "max": float(a.max())}


def summarize(records: list[dict]) -> dict:
    """``{role: {metric: {mean, std, ci95, min, max, count_ok, failures, failure_reasons, unit,
    higher_is_better, capped}}}`` over the records' values."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        groups[(r["role"], r["metric"])].append(r)
    out: dict[str, dict] = {}
    for (role, metric), recs in sorted(groups.items()):
        ok = [float(r["value"]) for r in recs if r["status"] == "ok" and r["value"] is not None]
        failed = [r for r in recs if r["status"] != "ok"]
        reasons = Counter(r.get("error") or "unknown" for r in failed)
        out.setdefault(role, {})[metric] = {
            **_stats(ok),
            "count_ok": len(ok),
            "failures": len(failed),
            "failure_reasons": dict(reasons.most_common(MAX_REASONS)),
            "capped": sum(1 for r in recs if r.get("capped")),
            "unit": recs[0].get("unit"),
            "higher_is_better": recs[0].get("higher_is_better"),
        }
    return out


def _welch(a: dict, b: dict) -> float | None:
    """Half-width of the 95 % CI of mean(b) - mean(a) from two summaries (Welch-Satterthwaite)."""
    na, nb = a["count_ok"], b["count_ok"]
    if na < 2 or nb < 2 or a["std"] is None or b["std"] is None:
        return None
    va, vb = a["std"] ** 2 / na, b["std"] ** 2 / nb
    se = math.sqrt(va + vb)
    if se == 0.0:
        return 0.0
    df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    from scipy.stats import t

    return float(t.ppf(0.975, df) * se)


def _paired(records: list[dict], metric: str, baseline: str, candidate: str) -> tuple[float, float | None, int]:
    """Mean, CI half-width and count of per-id differences candidate - baseline."""
    vals: dict[str, dict[str, float]] = defaultdict(dict)
    for r in records:
        if r["metric"] == metric and r["status"] == "ok" and r["role"] in (baseline, candidate):
            vals[r["id"]][r["role"]] = float(r["value"])
    d = [v[candidate] - v[baseline] for v in vals.values() if baseline in v and candidate in v]
    if not d:
        return math.nan, None, 0
    st = _stats(d)
    return st["mean"], st["ci95"], len(d)


def compare(summary: dict, records: list[dict] | None = None, baseline: str = "degraded",
            candidate: str = "restored") -> dict:
    """Per metric: baseline and candidate means, difference (candidate - baseline) and its CI.

    Keys per metric: ``degraded``, ``restored`` (means), ``difference``,
    ``difference_ci95``, ``ci_method``, ``improved`` (difference in the metric's
    good direction), and ``<role>_ci95`` / ``<role>_n`` / ``<role>_failed``.
    With ``records`` the difference is the mean per-id paired difference (paired
    t interval, over ids scored ok in both roles); without, the difference of
    the two means with a Welch interval (ignores the pairing, so wider).
    Roles are named by ``baseline``/``candidate``; the keys use those names.
    """
    base, cand = summary.get(baseline, {}), summary.get(candidate, {})
    out: dict[str, dict] = {}
    for metric in list(dict.fromkeys([*base, *cand])):
        b, c = base.get(metric), cand.get(metric)
        ref = c or b
        row: dict = {"unit": ref["unit"], "higher_is_better": ref["higher_is_better"]}
        for role, s in ((baseline, b), (candidate, c)):
            row[role] = s["mean"] if s else None
            row[f"{role}_ci95"] = s["ci95"] if s else None
            row[f"{role}_n"] = s["count_ok"] if s else 0
            row[f"{role}_failed"] = s["failures"] if s else 0
        diff = ci = None
        method = None
        if b and c and b["mean"] is not None and c["mean"] is not None:
            if records is not None:
                mean, ci, n = _paired(records, metric, baseline, candidate)
                diff = None if math.isnan(mean) else mean
                method, row["paired_n"] = "paired t (per-id differences)", n
            else:
                diff, ci, method = c["mean"] - b["mean"], _welch(b, c), "Welch t (difference of means)"
        row["difference"] = diff
        row["difference_ci95"] = ci
        row["ci_method"] = method
        row["improved"] = None if diff is None else (diff > 0) == bool(ref["higher_is_better"]) and diff != 0
        out[metric] = row
    return out
