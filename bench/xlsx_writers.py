"""Issue 16's XLSX audit export: the same export written by each candidate writer that is
installed, on one store, each in its own process (wall, CPU, peak RSS, file size), and
whether `audit verify` accepts the file. Informative, not part of run.py's table: the
candidates other than XlsxWriter and openpyxl are not suitcheck's dependencies
(pip install rustpy-xlsxwriter pyexcelerate to include them). Findings: bench/xlsx-writers.md.

    python bench/xlsx_writers.py --entries 100000

Linux only (rustpy-xlsxwriter streams to a path; the export's temporary file is given to
it as /proc/self/fd/N). Never run it at 1,000,000 entries on a shared machine: the
XlsxWriter run alone takes two minutes of CPU there.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WIDTHS = (8, 28, 16, 14, 14, 12, 22, 10, 40, 20, 40, 8, 8, 8, 66, 30)


def _rows(source: Any) -> Any:
    from suitcheck.audit.export import _cell_batches, _xlsx_row

    for rows in _cell_batches(source):
        yield from map(_xlsx_row, rows)


def floor(handle: Any, source: Any) -> None:
    """Rows read, formatted, counted and digested as every writer needs them; an empty book."""
    import xlsxwriter

    for _ in _rows(source):
        pass
    book = xlsxwriter.Workbook(handle, {"constant_memory": True})
    book.add_worksheet("audit")
    book.close()


def openpyxl_write_only(handle: Any, source: Any) -> None:
    import openpyxl

    from suitcheck.audit.export import HEADERS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("audit")
    sheet.freeze_panes = "B2"
    sheet.append(list(HEADERS))
    for row in _rows(source):
        sheet.append(row)
    book.save(handle)


def rustpy_xlsxwriter(handle: Any, source: Any) -> None:
    """Records are dicts: the header row is the first record's keys, each row's values are
    written in insertion order (its continuation cells under keys of their own)."""
    import rustpy_xlsxwriter as rp

    from suitcheck.audit.export import HEADERS

    keys = [*HEADERS, *(f"_{n}" for n in range(200))]
    handle.flush()
    rp.write_worksheet(
        (dict(zip(keys, row, strict=False)) for row in _rows(source)),
        f"/proc/self/fd/{handle.fileno()}",
        sheet_name="audit",
        freeze_row=1,
        freeze_col=1,
        column_widths=list(WIDTHS),
    )


def pyexcelerate(handle: Any, source: Any) -> None:
    """PyExcelerate holds the whole sheet in memory before it writes."""
    from pyexcelerate import Workbook

    from suitcheck.audit.export import HEADERS

    data: list[Any] = [list(HEADERS), *_rows(source)]
    book = Workbook()
    book.new_sheet("audit", data=data)
    book.save(handle)


WRITERS: dict[str, tuple[str | None, Callable[[Any, Any], None] | None]] = {
    "xlsxwriter (suitcheck's)": ("xlsxwriter", None),
    "floor (no writer)": ("xlsxwriter", floor),
    "openpyxl write_only": ("openpyxl", openpyxl_write_only),
    "rustpy-xlsxwriter": ("rustpy_xlsxwriter", rustpy_xlsxwriter),
    "pyexcelerate": ("pyexcelerate", pyexcelerate),
}


def child(folder: Path, name: str) -> None:
    """One export by the named writer, and `audit verify` of it, in this process."""
    import run

    from suitcheck.audit import export
    from suitcheck.services import open_services

    os.environ["SUITCHECK_AUDIT_KEY"] = str(folder / "audit.key")
    services = open_services(folder / "audit.db", hasher=run.FAST)
    actor = services.auth.login("bench", run.PASSWORD)
    writer = WRITERS[name][1]
    if writer is not None:
        export._WRITERS["xlsx"] = writer
    out = folder / "out.xlsx"
    cpu, start = time.process_time(), time.perf_counter()
    services.audit.export(actor, out, "xlsx")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = services.audit.count(actor) - 1  # the export's own entry came after it
    verdict = "-"
    if name != "floor (no writer)":
        checked = services.audit.verify_file(actor, out)
        verdict = "accepted" if checked.ok else f"refused: {checked.result.problem or checked.signature}"[:110]
    print(
        f"{name:<26} {n:>9,} entries  wall {wall:6.1f} s  CPU {cpu:6.1f} s  "
        f"(CPU at 1,017,026: {cpu / n * 1_017_026:5.0f} s)  peak RSS {rss:5.0f} MB  "
        f"{out.stat().st_size / 1e6:5.1f} MB  verify: {verdict}",
        flush=True,
    )
    services.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1])
        return 0
    import generate
    import run
    from sqlalchemy import text

    with tempfile.TemporaryDirectory(prefix="xlsx-writers-") as tmp:
        folder = Path(tmp)
        run.SCALE = args.entries / 1_000_000
        services = run.fresh(folder, "audit")
        generate.clients(services.store, 1000)
        run.seal_clients(services)
        generate.reports(services.store, 1, body_chars=50)
        with services.store.session() as session:
            session.execute(text("UPDATE report SET level = 3"))
        run.seal_reports(services)
        generate.audit_chain(services, args.entries)
        services.close()
        for name, (module, _) in WRITERS.items():
            if module is None or importlib.util.find_spec(module) is None:
                print(f"{name:<26} not installed", flush=True)
                continue
            subprocess.run([sys.executable, __file__, "--child", str(folder), name], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
