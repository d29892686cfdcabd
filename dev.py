#!/usr/bin/env python3
"""One entry point for a fresh machine with Python 3.11+: make a virtual environment,
install suitcheck into it, then run it.

    python3 dev.py demo     # the desktop on a freshly seeded demo store
    python3 dev.py test     # the whole test suite (what .ci/run runs), on every core
    python3 dev.py test ARGS  # pytest with ARGS, in one process (add -n auto for every core)
    python3 dev.py bench    # the benchmarks in bench/
    python3 dev.py package  # installers: frozen build, .deb, tarball, NSIS (packaging/build.py)
    python3 dev.py -- ARGS  # any suitcheck command, e.g. python3 dev.py -- --version
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SUITCHECK_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"suitcheck needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    stamp = VENV / ".suitcheck-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"Creating {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    print("Installing suitcheck and its test tools (first run only) …", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"], check=True)
    stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "demo"
    if command == "package":  # its own clean build environment (build/venv), not .venv
        return subprocess.call([sys.executable, str(ROOT / "packaging" / "build.py"), *argv[1:]], cwd=ROOT)
    ensure_environment()
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    if command == "demo":
        return subprocess.call([str(PYTHON), "-m", "suitcheck", "demo", *argv[1:]], env=env)
    if command == "test":
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        # The suite starts the program in several hundred processes. Where the shell sets
        # PYTHONDONTWRITEBYTECODE (this machine's does), each of them compiled suitcheck's source again
        # (0.3 s of CPU each); the bytecode now goes to a folder of the environment's own,
        # written once, leaving the source tree as it was.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.setdefault("PYTHONPYCACHEPREFIX", str(VENV / "pycache"))
        # The whole suite runs on every core (pytest-xdist): one process took over 20 minutes
        # on a 2-core CI runner. With arguments (a file, a test, --pdb) it is pytest as given.
        pytest_args = argv[1:] or ["-n", "auto"]
        return subprocess.call([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT, env=env)
    if command == "bench":
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        return subprocess.call([str(PYTHON), str(ROOT / "bench" / "run.py"), *argv[1:]], cwd=ROOT, env=env)
    if command == "--":
        return subprocess.call([str(PYTHON), "-m", "suitcheck", *argv[1:]], env=env)
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
