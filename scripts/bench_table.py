"""Regenerate README's benchmark table from a bench run's results (never by hand).

python3 dev.py bench --results bench/results.json
python scripts/bench_table.py bench/results.json            # rewrites README.md's table
python scripts/bench_table.py bench/results.json --print    # just prints it

Several result files (runs of different benchmarks, e.g. a full-scale run of one of them
with `--only clients --results bench/clients.json`) give one table each, in order.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"


def table(results: dict) -> str:
    lines = [
        f"Run of {results['when']} at scale {results['scale']:g} on {results['cpus']} CPUs "
        f"(load average {results['load_start']:.1f} at start, {results['load_end']:.1f} at end).",
        "",
        "| benchmark | ratio to its baseline | measured | goal | met |",
        "|---|---|---|---|---|",
    ]
    for r in results["results"]:
        met = {True: "yes", False: "**no**", None: "-"}[r["met"]]
        detail = r["detail"].replace("|", "\\|")
        goal = r["goal"]
        if r.get("max_seconds") is not None and results["scale"] != 1:
            goal += " (the time limit is judged at scale 1 only)"
        lines.append(f"| {r['name']} | {r['ratio']:.3f} | {detail} | {goal} | {met} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, nargs="+")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--print", action="store_true", help="print the table instead of rewriting the README")
    args = parser.parse_args()
    rendered = "\n\n".join(table(json.loads(path.read_text(encoding="utf-8"))) for path in args.results)
    if args.print:
        print(rendered)
        return 0
    readme = args.readme.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        print(f"{args.readme} has no {START} … {END} section", file=sys.stderr)
        return 1
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    args.readme.write_text(f"{head}{START}\n{rendered}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
