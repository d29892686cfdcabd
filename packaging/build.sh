#!/usr/bin/env bash
# Build the one-folder desktop bundle with PyInstaller, then smoke-test the frozen
# program headless: versions, a seeded demo store, a recorded check, an export that
# verifies, and the GUI coming up offscreen.
#   packaging/build.sh            # -> dist/suitcheck-VERSION/
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv build/venv
build/venv/bin/pip install --quiet --upgrade pip
build/venv/bin/pip install --quiet . "pyinstaller>=6.5"
build/venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/suitcheck.spec
bundle=$(ls -d dist/suitcheck-*/ | head -1)
packaging/smoke-test.sh "$bundle"
