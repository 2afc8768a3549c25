"""``python -m adapters.tfcompat``: runs a legacy script as __main__, exit status, audit file, bad options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from adapters.tfcompat import REMEDIES

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def _cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("ARH_TFCOMPAT_DISABLE", None)
    return subprocess.run([sys.executable, "-m", "adapters.tfcompat", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_runs_script_as_main_with_its_args_and_exit_code(tmp_path):
    (tmp_path / "helper.py").write_text("def half(n):\n    return n / 2\n")
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import sys
        from helper import half
        if __name__ == '__main__':
            print "args", sys.argv[1:], half(9)
            sys.exit(3)
        """))
    audit = tmp_path / "audit.json"
    proc = _cli("--audit-json", str(audit), str(script), "--x", "1", cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == "args ['--x', '1'] 4\n"
    data = json.loads(audit.read_text())
    assert data["schema_version"] == 1 and set(data["remedies"]) == set(REMEDIES)
    assert data["remedies"]["old_div"]["applied_at"] == ["helper.py:2"]
    assert data["remedies"]["print_statement"]["rewritten_at"] == ["prog.py:5"]
    assert not (tmp_path / "__pycache__").exists()


def test_disable_option_and_unknown_remedy(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("print 9 / 2\n")
    proc = _cli("--disable", "old_div", str(script), cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "4.5\n"
    proc = _cli("--disable", "old_dvi", str(script), cwd=tmp_path)
    assert proc.returncode == 2 and "Did you mean 'old_div'" in proc.stderr


def test_every_remedy_is_exercised_by_a_test():
    text = "".join(p.read_text() for p in HERE.glob("*.py"))
    missing = [name for name in REMEDIES if f'"{name}"' not in text]
    assert missing == []
