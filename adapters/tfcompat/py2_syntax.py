"""Token-level fixes that turn Python 2 syntax into Python 3 syntax, line numbers kept.

Each fix is a remedy (``remedies.py``): print statements, ``except E, e``,
``raise E, msg``, ``exec code in ns``, ``0777``, ``10L``, backticks, ``<>``,
``ur''`` and tab/space indentation. Edits never add or remove a newline, so
tracebacks point at the upstream file's own lines.
"""

from __future__ import annotations

import re
from typing import Callable, FrozenSet, List, Tuple

from . import py2_lexer as lx

Edit = Tuple[int, int, str]  # (start offset, end offset, replacement)
Note = Callable[[str, int], None]  # note(remedy, line): record one rewrite

_PRINT_FUNCTION = re.compile(r"^[ \t]*from[ \t]+__future__[ \t]+import[^\n#]*\bprint_function\b", re.M)
_OCTAL = re.compile(r"^0(?:_?[0-7])+$")


def fix_syntax(src: str, disabled: FrozenSet[str], note: Note) -> str:
    """Return ``src`` with the enabled Python 2 syntax fixes applied."""
    toks = lx.tokenize(src)
    sig = lx.significant(toks)
    edits: List[Edit] = []
    starts = lx.statement_starts(sig)
    print_is_function = bool(_PRINT_FUNCTION.search(src))
    for i in starts:
        t = sig[i]
        if t.kind != lx.NAME:
            continue
        if t.text == "print" and not print_is_function and "print_statement" not in disabled:
            edits += _fix_print(sig, i, src, note)
        elif t.text == "exec" and "exec_statement" not in disabled:
            edits += _fix_exec(sig, i, note)
        elif t.text == "except" and "except_comma" not in disabled:
            edits += _fix_except(sig, i, note)
        elif t.text == "raise" and "raise_comma" not in disabled:
            edits += _fix_raise(sig, i, note)
    edits += _fix_literals(sig, disabled, note)
    return apply_edits(src, edits)


def apply_edits(src: str, edits: List[Edit]) -> str:
    """Apply non-overlapping edits (zero-width inserts allowed), last first."""
    out = src
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + text + out[end:]
    return out


def _depth0_commas(sig: List[lx.Tok], lo: int, hi: int, depth: int) -> List[int]:
    return [k for k in range(lo, hi) if sig[k].kind == lx.OP and sig[k].text == "," and sig[k].depth == depth]


def _fix_print(sig: List[lx.Tok], i: int, src: str, note: Note) -> List[Edit]:
    t = sig[i]
    end = lx.statement_end(sig, i)
    nxt = sig[i + 1]
    if nxt.kind == lx.OP and nxt.text == "(":
        close = lx.matching_close(sig, i + 1)
        if close + 1 == end:
            return []  # print(...) alone: already a call (identical output for one argument)
    if nxt.kind == lx.OP and nxt.text in ("=", ".", "+=", "["):
        return []  # `print` used as a name: not a statement
    note("print_statement", t.line)
    if end == i + 1:
        return [(t.end, t.end, "()")]
    first = i + 1
    last = end - 1
    extra = []
    edits: List[Edit] = []
    if sig[first].kind == lx.OP and sig[first].text == ">>":
        commas = _depth0_commas(sig, first + 1, end, t.depth)
        stop = commas[0] if commas else end
        target = src[sig[first + 1].start : sig[stop - 1].end]
        extra.append("file=" + target)
        if commas:
            edits.append((sig[first].start, sig[stop].end, ""))
            first = stop + 1
        else:
            edits.append((sig[first].start, sig[stop - 1].end, ""))
            first = end
    trailing_comma = last >= first and sig[last].kind == lx.OP and sig[last].text == "," and sig[last].depth == t.depth
    if trailing_comma:
        edits.append((sig[last].start, sig[last].end, ""))
        extra.insert(0, 'end=" "')
        last -= 1
    has_args = last >= first
    suffix = ", ".join(extra)
    if has_args and suffix:
        suffix = ", " + suffix
    edits.append((t.end, sig[i + 1].start, "("))
    close_at = sig[last].end if has_args else sig[end - 1].end
    edits.append((close_at, close_at, suffix + ")"))
    return edits


def _fix_exec(sig: List[lx.Tok], i: int, note: Note) -> List[Edit]:
    t = sig[i]
    end = lx.statement_end(sig, i)
    nxt = sig[i + 1]
    if end == i + 1 or (nxt.kind == lx.OP and nxt.text in ("(", "=", ".")):
        return []
    note("exec_statement", t.line)
    edits: List[Edit] = [(t.end, nxt.start, "(")]
    for k in range(i + 1, end):
        if sig[k].kind == lx.NAME and sig[k].text == "in" and sig[k].depth == t.depth:
            edits.append((sig[k].start, sig[k].end, ","))
            break
    edits.append((sig[end - 1].end, sig[end - 1].end, ")"))
    return edits


def _fix_except(sig: List[lx.Tok], i: int, note: Note) -> List[Edit]:
    t = sig[i]
    colon = i + 1
    while colon < len(sig) and not (sig[colon].kind == lx.OP and sig[colon].text == ":" and sig[colon].depth == t.depth):
        if sig[colon].kind in (lx.NEWLINE, lx.END):
            return []
        colon += 1
    commas = _depth0_commas(sig, i + 1, colon, t.depth)
    if len(commas) != 1:
        return []
    note("except_comma", t.line)
    c = sig[commas[0]]
    return [(c.start, c.end, " as")]


def _fix_raise(sig: List[lx.Tok], i: int, note: Note) -> List[Edit]:
    t = sig[i]
    end = lx.statement_end(sig, i)
    commas = _depth0_commas(sig, i + 1, end, t.depth)
    if not commas or len(commas) > 2:
        return []
    note("raise_comma", t.line)
    edits: List[Edit] = [(sig[commas[0]].start, sig[commas[0]].end, "(")]
    if len(commas) == 2:
        edits.append((sig[commas[1]].start, sig[commas[1]].end, ").with_traceback("))
    edits.append((sig[end - 1].end, sig[end - 1].end, ")"))
    return edits


def _fix_literals(sig: List[lx.Tok], disabled: FrozenSet[str], note: Note) -> List[Edit]:
    edits: List[Edit] = []
    open_tick = None
    for t in sig:
        if t.kind == lx.NUMBER:
            text = t.text
            core, suffix = text.rstrip("lL"), text[len(text.rstrip("lL")) :]
            if "octal_literal" not in disabled and _OCTAL.match(core) and core.strip("0_"):
                note("octal_literal", t.line)
                text = "0o" + core.lstrip("0_") + suffix
            if "long_literal" not in disabled and suffix:
                note("long_literal", t.line)
                text = text[: -len(suffix)]
            if text != t.text:
                edits.append((t.start, t.end, text))
        elif t.kind == lx.OP and t.text == "<>" and "ne_operator" not in disabled:
            note("ne_operator", t.line)
            edits.append((t.start, t.end, "!="))
        elif t.kind == lx.OP and t.text == "`" and "backticks" not in disabled:
            if open_tick is None:
                open_tick = t
            else:
                note("backticks", open_tick.line)
                edits.append((open_tick.start, open_tick.end, "repr("))
                edits.append((t.start, t.end, ")"))
                open_tick = None
        elif t.kind == lx.STRING and "ur_prefix" not in disabled and t.text[:2].lower() == "ur":
            note("ur_prefix", t.line)
            edits.append((t.start, t.start + 1, ""))
    return edits


def fix_tab_indent(src: str, note: Note) -> str:
    """Expand tabs in the indentation of lines that do not start inside a string."""
    inside = set()
    for t in lx.tokenize(src):
        if t.kind == lx.STRING and "\n" in t.text:
            first = t.line
            inside.update(range(first + 1, first + t.text.count("\n") + 1))
    lines = src.splitlines(True)
    for n, line in enumerate(lines, start=1):
        if n in inside:
            continue
        body = line.lstrip(" \t")
        indent = line[: len(line) - len(body)]
        if "\t" in indent:
            note("tab_indent", n)
            lines[n - 1] = indent.expandtabs(8) + body
    return "".join(lines)
