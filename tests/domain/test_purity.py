"""The domain stays pure, and the layers import only downwards."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_domain_imports_no_qt_and_no_sql() -> None:
    code = (
        "import sys, pkgutil, importlib, suitcheck.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('suitcheck.domain.' + m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'alembic')]\n"
        "print(bad); raise SystemExit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gui_and_cli_are_forbidden_the_lower_layers() -> None:
    """The contracts exist (deleting one would make the check above pass vacuously)."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    forbidden = {
        source: set(c["forbidden_modules"])
        for c in contracts["contracts"]
        if c["type"] == "forbidden"
        for source in c["source_modules"]
    }
    for source in ("suitcheck.gui", "suitcheck.cli"):
        assert {"suitcheck.store", "suitcheck.audit", "suitcheck.ingest", "sqlalchemy"} <= forbidden[source]
