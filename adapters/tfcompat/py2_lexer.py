"""A small tokenizer that accepts Python 2 source (``0777``, ``10L``, backticks, ``<>``, ``ur''``).

The standard ``tokenize`` module cannot be relied on for this: from Python 3.12
it is the C tokenizer and rejects Python 2 literals. This one only needs to be
good enough to find statements, brackets and literals; the real parser checks
the fixed source afterwards.

Tokens carry character offsets into the source (``start``, ``end``), the line
of their start, and the bracket depth at their start.
"""

from __future__ import annotations

import re
from typing import List, NamedTuple

NAME, NUMBER, STRING, OP, COMMENT, NEWLINE, NL, CONT, END = (
    "NAME", "NUMBER", "STRING", "OP", "COMMENT", "NEWLINE", "NL", "CONT", "END"
)

_PREFIX = r"(?:[uU][rR]?|[bB][rR]?|[rR][bB]?|[fF][rR]?|[rR][fF]?)?"
_STRING = (
    _PREFIX
    + r"(?:'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
    + r'|"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)'
    + r"|'(?:[^'\\\n]|\\.|\\\n)*(?:'|$)"
    + r'|"(?:[^"\\\n]|\\.|\\\n)*(?:"|$))'
)
_DIGITS = r"[0-9](?:_?[0-9])*"
_NUMBER = (
    r"(?:0[xX](?:_?[0-9a-fA-F])+[lL]?"
    r"|0[bB](?:_?[01])+[lL]?"
    r"|0[oO](?:_?[0-7])+[lL]?"
    r"|(?:" + _DIGITS + r"\.(?:" + _DIGITS + r")?|\." + _DIGITS + r")(?:[eE][-+]?" + _DIGITS + r")?[jJ]?"
    r"|" + _DIGITS + r"[eE][-+]?" + _DIGITS + r"[jJ]?"
    r"|" + _DIGITS + r"[lLjJ]?)"
)
_OPS = sorted(
    """**= //= >>= <<= ... -> <> != == <= >= ** // << >> += -= *= /= %= &= |= ^= @= :=
    ( ) [ ] { } , : ; . + - * / % & | ^ ~ < > = @ ` ! ?""".split(),
    key=len,
    reverse=True,
)
_TOKEN = re.compile(
    r"(?P<ws>[ \t\f]+)"
    r"|(?P<comment>#[^\r\n]*)"
    r"|(?P<cont>\\\r?\n)"
    r"|(?P<newline>\r?\n|\r)"
    r"|(?P<string>" + _STRING + r")"
    r"|(?P<number>" + _NUMBER + r")"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<op>" + "|".join(re.escape(o) for o in _OPS) + r")",
    re.DOTALL,
)


class Tok(NamedTuple):
    kind: str
    text: str
    start: int
    end: int
    line: int
    depth: int


def tokenize(src: str) -> List[Tok]:
    """Split ``src`` into tokens; unknown characters become one-character OP tokens."""
    toks: List[Tok] = []
    pos, line, depth = 0, 1, 0
    n = len(src)
    logical_open = False  # a significant token was seen on the current logical line
    while pos < n:
        m = _TOKEN.match(src, pos)
        if m is None:
            toks.append(Tok(OP, src[pos], pos, pos + 1, line, depth))
            pos += 1
            logical_open = True
            continue
        kind = m.lastgroup
        text = m.group()
        end = m.end()
        if kind == "ws":
            pass
        elif kind == "comment":
            toks.append(Tok(COMMENT, text, pos, end, line, depth))
        elif kind == "cont":
            toks.append(Tok(CONT, text, pos, end, line, depth))
        elif kind == "newline":
            if depth == 0 and logical_open:
                toks.append(Tok(NEWLINE, text, pos, end, line, depth))
                logical_open = False
            else:
                toks.append(Tok(NL, text, pos, end, line, depth))
        else:
            tok_kind = {"string": STRING, "number": NUMBER, "name": NAME}.get(kind, OP)
            if tok_kind == OP and text in ")]}":
                depth = max(0, depth - 1)
            toks.append(Tok(tok_kind, text, pos, end, line, depth))
            if tok_kind == OP and text in "([{":
                depth += 1
            logical_open = True
        line += text.count("\n") + (text.count("\r") if "\n" not in text else 0)
        pos = end
    toks.append(Tok(END, "", n, n, line, 0))
    return toks


def significant(toks: List[Tok]) -> List[Tok]:
    """Tokens that matter to statements: no comments, blank lines or continuations."""
    return [t for t in toks if t.kind not in (COMMENT, NL, CONT)]


_COMPOUND = {"if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class"}


def statement_starts(sig: List[Tok]) -> List[int]:
    """Indexes in ``sig`` where a simple statement may begin (line starts, after ``;``,
    after the ``:`` of a one-line compound statement)."""
    starts = []
    at_start = True
    head_kw = None
    for i, t in enumerate(sig):
        if t.kind == NEWLINE:
            at_start, head_kw = True, None
            continue
        if t.kind == END:
            break
        if at_start:
            starts.append(i)
            head_kw = t.text if t.kind == NAME and t.text in _COMPOUND else None
            at_start = False
        if t.kind == OP and t.depth == 0:
            if t.text == ";":
                at_start, head_kw = True, None
            elif t.text == ":" and head_kw is not None:
                at_start, head_kw = True, None
    return starts


def statement_end(sig: List[Tok], i: int) -> int:
    """Index of the token ending the statement that contains ``sig[i]`` (NEWLINE, ``;`` or END)."""
    base = sig[i].depth
    j = i
    while j < len(sig):
        t = sig[j]
        if t.kind in (NEWLINE, END):
            return j
        if t.kind == OP and t.text == ";" and t.depth == base:
            return j
        j += 1
    return len(sig) - 1


def matching_close(sig: List[Tok], i: int) -> int:
    """Index of the bracket closing the one opened at ``sig[i]``."""
    depth = sig[i].depth
    for j in range(i + 1, len(sig)):
        t = sig[j]
        if t.kind == OP and t.text in ")]}" and t.depth == depth:
            return j
        if t.kind == END:
            break
    return len(sig) - 1
