"""An audited check's CPU and rate, two versions of the code side by side (an A/B).

    git worktree add /tmp/before <commit>
    python bench/ab_check_cpu.py /tmp/before . --checks 4000 --rounds 3

Each tree runs in its own process (its src/ and bench/ first on sys.path), alternating
A, B, A, B, ... so a burst of load on the machine hits both alike. Each process builds the
store bench/run.py's audit benchmark builds, measures run.check_rates (raw insert+commit,
the check's row by plain sqlite3, audited checks), then 1,000 more checks' CPU time
(time.process_time), which the disk's speed and the machine's other work disturb least.
One JSON line per process; a summary per tree at the end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(tree: Path, checks: int) -> dict[str, float | str]:
    """In this process: the audit benchmark's store, its rates, and a check's CPU."""
    sys.path[:0] = [str(tree / "src"), str(tree / "bench")]
    import run  # bench/run.py of `tree`
    from sqlalchemy import text

    import suitcheck

    if not Path(suitcheck.__file__).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"suitcheck was imported from {suitcheck.__file__}, not from {tree}")
    folder = Path(tempfile.mkdtemp(prefix="ab-check-"))
    services = run.fresh(folder, "audit")
    run.generate.clients(services.store, 1000)
    run.seal_clients(services)
    run.generate.reports(services.store, 1, body_chars=50)
    with services.store.session() as s:
        s.execute(text("UPDATE report SET level = 3"))
    run.seal_reports(services)
    actor = services.auth.login("bench", run.PASSWORD)
    raw, floor, rate = run.check_rates(services, actor, checks)
    start = time.process_time()
    for i in range(1000):
        services.access.check(actor, (i % 900) + 1, 1)
    cpu = (time.process_time() - start) / 1000
    return {"tree": str(tree), "raw_per_s": raw, "floor_per_s": floor, "checks_per_s": rate, "of_raw": rate / raw,
            "cpu_us": cpu * 1e6}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", type=Path, nargs="*", help="two checkouts: before, after")
    parser.add_argument("--checks", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # the child process's tree
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.checks)))
        return 0
    if len(args.trees) != 2:
        parser.error("give two trees: before and after")
    results: dict[str, list[dict[str, float]]] = {str(t): [] for t in args.trees}
    for _ in range(args.rounds):
        for tree in args.trees:
            line = (
                subprocess.run(
                    [sys.executable, __file__, "--one", str(tree), "--checks", str(args.checks)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            print(line, flush=True)
            results[str(tree)].append(json.loads(line))
    for tree, runs in results.items():
        cpu = statistics.median(r["cpu_us"] for r in runs)
        of_raw = statistics.median(r["of_raw"] for r in runs)
        print(f"{tree}: a check's CPU {cpu:.0f} us (median of {len(runs)}), checks at {of_raw:.0%} of raw")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
