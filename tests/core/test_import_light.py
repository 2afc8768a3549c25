"""`import core` (and every core module) must not import a machine-learning framework."""

import subprocess
import sys

FRAMEWORKS = ("torch", "tensorflow", "keras", "jax")


def test_import_core_imports_no_framework():
    code = (
        "import sys, pkgutil, importlib, core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'core.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = [f for f in {FRAMEWORKS!r} if f in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core imported frameworks: {out.stdout.strip()}"
