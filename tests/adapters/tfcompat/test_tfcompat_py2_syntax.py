"""Python 2 syntax remedies: each legacy snippet runs with its remedy and fails to compile without it."""

from __future__ import annotations

import pytest

from adapters import tfcompat
from adapters.tfcompat.py2_syntax import fix_syntax

# remedy -> (legacy source defining run(), expected value of run())
CASES = {
    "print_statement": (
        """
        import sys
        def run():
            print "a", 1,
            print >>sys.stdout, "b"
            print
            return 'ok'
        """,
        "ok",
    ),
    "except_comma": (
        """
        def run():
            try:
                int('x')
            except (ValueError, TypeError), e:
                return type(e).__name__
        """,
        "ValueError",
    ),
    "raise_comma": (
        """
        def run():
            try:
                raise KeyError, 'k'
            except KeyError as e:
                return e.args[0]
        """,
        "k",
    ),
    "exec_statement": (
        """
        def run():
            ns = {}
            exec "y = 6 * 7" in ns
            return ns['y']
        """,
        42,
    ),
    "octal_literal": ("def run():\n    return 0755\n", 493),
    "long_literal": ("def run():\n    return 10L + 0xFFL\n", 265),
    "backticks": ("def run():\n    return `1 + 1`\n", "2"),
    "ne_operator": ("def run():\n    return 1 <> 2\n", True),
    "ur_prefix": ("def run():\n    return ur'\\d+'\n", "\\d+"),
    "tab_indent": ("def run():\n\tx = 1\n        return x + 1\n", 2),
}


@pytest.mark.parametrize("remedy", sorted(CASES))
def test_syntax_remedy_works_and_is_needed(legacy, remedy, capsys):
    source, expected = CASES[remedy]
    assert legacy.run(source) == expected
    assert tfcompat.audit()["remedies"][remedy]["rewritten"] >= 1
    with pytest.raises(SyntaxError):
        legacy.run(source, disable=[remedy])


def test_print_statement_output_matches_python2(legacy, capsys):
    legacy.run(
        """
        import sys
        def run():
            print "a", 1,
            print "b"
            print >>sys.stderr, "to", "err"
            print
        """
    )
    out, err = capsys.readouterr()
    assert out == "a 1 b\n\n"
    assert err == "to err\n"


def test_print_function_modules_are_left_alone():
    src = "from __future__ import print_function\nprint('a', end='')\n"
    notes = []
    assert fix_syntax(src, frozenset(), lambda r, line: notes.append(r)) == src
    assert notes == []


def test_fixes_keep_line_numbers():
    src = 'print "a", (1,\n  2)\nx = 0777L\nraise E, "m"\n'
    out = fix_syntax(src, frozenset(), lambda r, line: None)
    assert out.count("\n") == src.count("\n")
    assert out.splitlines()[2] == "x = 0o777"


def test_strings_and_comments_are_not_rewritten():
    src = 's = "print x <> 0777 `y`"  # print z, 10L\n'
    assert fix_syntax(src, frozenset(), lambda r, line: None) == src
