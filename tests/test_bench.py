"""The benchmarks cannot rot: a quick run at --scale 0.01 completes and prints a ratio for
every row, and its results render as the README's table. No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_bench_run_completes_and_prints_ratios(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SUITCHECK_LOG_DIR": str(tmp_path / "log")}
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--scale", "0.01", "--results", str(results)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    data = json.loads(results.read_text(encoding="utf-8"))
    names = [r["name"] for r in data["results"]]
    for expected in (
        "eligible count",
        "eligible --out list.csv (whole process)",
        "audited checks vs raw insert+commit",
        "check --batch (whole process) vs raw",
        "check --batch, per check, vs checks",
        "audit verify",
        "audit export csv, one client / verify",
        "GUI cold start to first rows",
        "GUI cold start: where the time goes",
        "client import, all new",
        "client import peak memory (RSS) / 500 MB",
        "audit replay --json (whole process)",
        "audit replay peak RSS / verify's",
        "report reread preview (whole process)",
    ):
        assert any(n.startswith(expected) for n in names), (expected, names)
    assert any(n.startswith("search ") for n in names)
    for r in data["results"]:
        assert f"{r['name']:<40} ratio" in run.stdout or r["name"] in run.stdout
        assert r["ratio"] > 0
        assert r["baseline"] > 0
    rendered = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_table.py"), str(results), "--print"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert all(f"| {n} |" in rendered for n in names)


def test_an_unknown_benchmark_name_is_one_usage_sentence() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--only", "audit,nosuch"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "unknown benchmark nosuch; choose from eligible, search" in run.stderr
