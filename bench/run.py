"""Benchmarks. Every result is a ratio against a baseline measured in the same run on the
same data, because these machines are noisy and absolute times mislead.

    python bench/run.py                 # default sizes (as in the issues; takes minutes)
    python bench/run.py --scale 0.05    # everything 20x smaller, for a quick look
    python bench/run.py --only eligible,search

Sizes at scale 1: 1,000,000 clients; 100,000 reports; 1,000 PDFs; 1,000,000 audit entries;
4,000 checks for the audit-rate comparison.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sqlite3
import statistics
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

import ceiling  # noqa: E402
import generate  # noqa: E402
import where  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import text  # noqa: E402

from suitcheck.domain.codes import AuditAction  # noqa: E402
from suitcheck.domain.levels import RiskLevel  # noqa: E402
from suitcheck.domain.roles import Role  # noqa: E402
from suitcheck.services import Services, open_services  # noqa: E402
from suitcheck.services.reports import ReportFilter  # noqa: E402

PASSWORD = "ledger-harbour-27"  # every bench account's password; must not contain a user name

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclasses.dataclass
class Result:
    """One row: the work measured, its baseline in the same run, and the issue's goal."""

    name: str
    measured: float  # seconds (or seconds per item)
    baseline: float
    detail: str
    max_ratio: float | None = None
    max_seconds: float | None = None  # an absolute goal, judged at --scale 1 only
    scale: float = 1.0

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline if self.baseline else float("inf")

    @property
    def goal(self) -> str:
        parts = []
        if self.max_seconds is not None:
            parts.append(f"< {self.max_seconds:g} s")
        if self.max_ratio is not None:
            parts.append(f"ratio <= {self.max_ratio:g}")
        return ", ".join(parts) or "-"

    @property
    def met(self) -> bool | None:
        if self.max_ratio is None and self.max_seconds is None:
            return None
        ok = self.max_ratio is None or self.ratio <= self.max_ratio
        if self.max_seconds is not None:
            if self.scale != 1.0:
                return ok if self.max_ratio is not None else None
            ok = ok and self.measured < self.max_seconds
        return ok

    def to_dict(self) -> dict[str, object]:
        return {**dataclasses.asdict(self), "ratio": self.ratio, "goal": self.goal, "met": self.met}


RESULTS: list[Result] = []
SCALE = 1.0


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def report(
    name: str,
    measured: float,
    baseline: float,
    what: str,
    *,
    max_ratio: float | None = None,
    max_seconds: float | None = None,
) -> Result:
    result = Result(name, measured, baseline, what, max_ratio, max_seconds, SCALE)
    RESULTS.append(result)
    verdict = {True: "goal met", False: "GOAL NOT MET", None: ""}[result.met]
    goal = f"[{result.goal}: {verdict}]" if result.met is not None else ""
    print(f"{name:<40} ratio {result.ratio:9.3f}   {what} {goal}", flush=True)
    return result


def fresh(folder: Path, name: str) -> Services:
    os.environ["SUITCHECK_AUDIT_KEY"] = str(folder / "audit.key")
    services = open_services(folder / f"{name}.db", hasher=FAST, init=True)
    services.auth.create_first_admin("bench-admin", PASSWORD)
    admin = services.auth.login("bench-admin", PASSWORD)
    services.auth.create_staff(admin, "bench", PASSWORD, Role.COMPLIANCE)
    return services


PYCACHE: Path | None = None  # set by main(): compiled bytecode for every started program


def as_installed(env: dict[str, str]) -> dict[str, str]:
    """A started program's environment with compiled bytecode, as an installed program has
    (pip and PyInstaller ship .pyc). A development shell may set PYTHONDONTWRITEBYTECODE,
    which would add compiling every module to each start; the bytecode goes to a folder of
    the bench run's own (main() compiles it once, before anything is measured)."""
    env = dict(env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if PYCACHE is not None:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def compile_once() -> None:
    """Fill PYCACHE with what the started programs import (the CLI, the GUI, the bench's own
    scripts' standard modules), so no measured start pays for compiling."""
    warm = "import csv, sqlite3, suitcheck.cli, suitcheck.gui.app, suitcheck.gui.dialogs.login"
    subprocess.run([sys.executable, "-c", warm], env=as_installed(dict(os.environ)), check=True)


def run_cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real program in its own process, as a user or a script runs it."""
    env = {
        **as_installed(dict(os.environ)),
        "SUITCHECK_PASSWORD": PASSWORD,
        "SUITCHECK_AUDIT_KEY": str(folder / "audit.key"),
        "SUITCHECK_LOG_DIR": str(folder / "log"),
    }
    return subprocess.run(
        [sys.executable, "-m", "suitcheck", *args], env=env, capture_output=True, text=True, check=True
    )


PLAIN_LIST = """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["id", "account", "name", "class", "profile", "assessed"])
    writer.writerows(conn.execute(sys.argv[3]))
"""


def seal_clients(services: Services) -> None:
    """Generated clients were inserted directly: seal them as an import would (a client
    whose row fails its seal is blocked and left off distribution lists)."""
    from sqlalchemy import select

    from suitcheck.store.models import Investor

    with services.ctx.core_transaction() as conn:
        services.ctx.rows.seal_accounts(conn, select(Investor.account))


def seal_reports(services: Services) -> None:
    """Generated reports were inserted (and re-levelled) directly: seal them as the upgrade
    to sealed reports does (a report whose row fails its seal is blocked at every check and
    gives no distribution list)."""
    from suitcheck.services.integrity import vouched_entries
    from suitcheck.services.questionnaire import default_questionnaire

    with services.ctx.core_transaction() as conn:
        vouched = vouched_entries(services.ctx.sealer, conn)  # as the upgrade: the trail verified first
        services.ctx.rows.seal_reports_and_policies(conn, default_questionnaire().checksum, vouched)


def hash_chain_append(services: Services, table: Any, i: int) -> None:
    """The trail as it was before sealing, on the same code path (SQLAlchemy Core, one
    transaction per entry): hash-chained, no MAC, no seals. The baseline for appends."""
    from sqlalchemy import insert, select

    from suitcheck.audit.chain import canonical_entry, entry_hash

    with services.store.engine.begin() as conn:
        head = conn.execute(select(table.c.seq, table.c.entry_hash).order_by(table.c.seq.desc()).limit(1)).first()
        seq, prev = (head[0], head[1]) if head else (0, "0" * 64)
        args = (seq + 1, "2026-01-01T00:00:00.000000Z", "bench", "note", None, None, None, "[]", "{}", prev)
        values = dict(zip([c.name for c in table.columns][:10], args, strict=True))
        conn.execute(insert(table).values(**values, entry_hash=entry_hash(canonical_entry(*args))))


def hash_chain_verify(rows: list[tuple[object, ...]]) -> int:
    """Verification as it was before sealing: links and hashes only (the baseline)."""
    from suitcheck.audit.chain import canonical_entry, entry_hash

    prev = None
    for row in rows:
        seq, at, staff, action, inv, rep, dec, reasons, facts, p, digest, chain, _mac = row
        if prev is not None and p != prev:
            raise AssertionError(seq)
        if entry_hash(canonical_entry(seq, at, staff, action, inv, rep, dec, reasons, facts, p, chain)) != digest:  # type: ignore[arg-type]
            raise AssertionError(seq)
        prev = digest
    return len(rows)


def read_entries(services: Services) -> None:
    """Every audit row read through SQLAlchemy, with the driver's own text decoding (C):
    the baseline of the verify, export and inspection rows. suitcheck's connections decode
    text in Python (store.sqlitetext: bytes that are not UTF-8 replaced), which would slow
    the baseline and flatter those ratios; verify's bulk read keeps the C decoding too."""
    with services.store.engine.connect() as c:
        dbapi: Any = c.connection.dbapi_connection
        factory, dbapi.text_factory = dbapi.text_factory, str
        try:
            for _ in c.execute(text("SELECT * FROM audit_entry ORDER BY seq")):
                pass
        finally:
            dbapi.text_factory = factory


def wall_and_cpu(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """best_of for the list: the fastest run's wall time, and the processor time of that run
    in this process and every child process it waited for (a started program, and the
    worker process a long list starts), which is what the run cost the machine."""
    import resource

    runs = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        fn()
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True))
        runs.append((wall, cpu))
    return min(runs)


def bench_eligible(folder: Path, scale: float) -> None:
    from sqlalchemy import select

    from suitcheck.services.access import eligible_condition
    from suitcheck.store.models import Investor
    from suitcheck.store.sqltext import scanned

    n = int(1_000_000 * scale)
    services = fresh(folder, "eligible")
    generate.clients(services.store, n)
    seal_clients(services)
    generate.reports(services.store, 5, body_chars=50)
    actor = services.auth.login("bench", PASSWORD)
    with services.store.session() as s:
        s.execute(text("UPDATE report SET level = 3 WHERE id = 1"))
        s.execute(text("ANALYZE"))
    seal_reports(services)
    engine = services.store.engine
    db = str(services.store.url.database)

    def plain_count() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM investor WHERE current_profile >= 3")).scalar()

    eligible_count = best_of(lambda: services.access.eligible_count(actor, 1))
    baseline = best_of(plain_count)
    report(
        "eligible count",
        eligible_count,
        baseline,
        f"{n:,} clients: eligible_count {eligible_count * 1000:.1f} ms vs indexed COUNT(*) {baseline * 1000:.1f} ms",
        max_ratio=3,
    )
    first_page = best_of(lambda: list(services.access.eligible(actor, 1, limit=200)))
    report("eligible (first 200 rows)", first_page, baseline, f"{first_page * 1000:.1f} ms for the first page")

    # The baseline: a plain sqlite3 script with the same condition and columns, csv.writer.
    t = Investor.__table__.c
    plain_sql = str(
        select(t.id, t.account, t.name, t.investor_class, t.current_profile, t.current_assessed_on)
        .where(scanned(eligible_condition(RiskLevel.R3, services.ctx.today(), services.policy.current())))
        .order_by(t.id)
        .compile(engine, compile_kwargs={"literal_binds": True})
    )
    plain_out, our_out = folder / "plain.csv", folder / "list.csv"
    plain, plain_cpu = wall_and_cpu(
        lambda: subprocess.run([sys.executable, "-c", PLAIN_LIST, db, str(plain_out), plain_sql], check=True), 3
    )
    listed = [0]

    def ours() -> None:
        result = run_cli(
            folder, "--db", db, "--user", "bench", "--json", "eligible", "--report", "1", "--out", str(our_out)
        )
        listed[0] = json.loads(result.stdout)["count"]

    whole, whole_cpu = wall_and_cpu(ours, 3)
    rows = sum(1 for _ in plain_out.open(encoding="utf-8")) - 1
    assert rows == listed[0], (rows, listed[0])
    report(
        "eligible --out list.csv (whole process)",
        whole,
        plain,
        f"{n:,} clients, {listed[0]:,} listed: {whole:.2f} s (CPU {whole_cpu:.2f} s, the program and its worker "
        f"process together) vs a plain sqlite3 + csv.writer script {plain:.2f} s (CPU {plain_cpu:.2f} s)",
        max_ratio=2,
        max_seconds=3,
    )
    # The command line signs in with the production argon2 parameters and upgrades the
    # bench account's hash, which ends sessions opened with the old one: sign in again.
    actor = services.auth.login("bench", PASSWORD)
    in_process, in_process_cpu = wall_and_cpu(lambda: services.access.write_eligible(actor, 1, our_out), 3)
    report(
        "eligible list (service call only)",
        in_process,
        plain,
        f"write_eligible {in_process:.2f} s, CPU {in_process_cpu:.2f} s with its worker process "
        "(without start-up and login)",
    )
    xlsx = best_of(lambda: services.access.write_eligible(actor, 1, folder / "list.xlsx"), 1)
    report("eligible list as XLSX (service call)", xlsx, plain, f"{xlsx:.1f} s for {listed[0]:,} rows (XlsxWriter)")
    services.close()


def bench_search(folder: Path, scale: float) -> None:
    n = int(100_000 * scale)
    services = fresh(folder, "search")
    generate.reports(services.store, n)
    actor = services.auth.login("bench", PASSWORD)
    with services.store.session() as s:
        s.execute(text("ANALYZE"))
    engine = services.store.engine
    # Common terms match nearly every synthetic report (a LIKE scan stops after 200 hits);
    # rare and absent ones make a scan read the whole table, as real searches often do.
    rare = f"第{n // 2}期"
    worst: list[tuple[float, str]] = []
    for term in ("芯片", "AI", "需求回暖", "光伏订单增长", rare, "不存在的词", "Z"):
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            services.reports.search(actor, ReportFilter(text=term), limit=200)
            samples.append(time.perf_counter() - start)
        p95 = statistics.quantiles(samples, n=20)[-1]
        worst.append((p95, term))

        def like_scan(term: str = term) -> None:
            with engine.connect() as conn:
                conn.execute(
                    text(
                        "SELECT r.id FROM report r JOIN report_content c ON c.report_id = r.id "
                        "WHERE r.title LIKE :t OR c.text LIKE :t ORDER BY r.published_on DESC LIMIT 200"
                    ),
                    {"t": f"%{term}%"},
                ).all()

        baseline = best_of(like_scan, 3)
        report(
            f"search '{term}' (p95, first page)",
            p95,
            baseline,
            f"{n:,} reports: p95 {p95 * 1000:.1f} ms (median {statistics.median(samples) * 1000:.1f}) "
            f"vs LIKE scan {baseline * 1000:.1f} ms",
            max_seconds=0.020,
        )
    services.close()


def bench_gui_search(folder: Path, scale: float) -> None:
    """Keystroke to first rows in the real window, against the query alone."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from suitcheck.gui.main_window import DEBOUNCE_MS, MainWindow

    services = fresh(folder, "gui")
    generate.reports(services.store, int(100_000 * scale))
    generate.clients(services.store, int(1_000_000 * scale))
    seal_clients(services)
    actor = services.auth.login("bench", PASSWORD)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(services, actor, QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    done: list[float] = []
    window.search_completed = lambda count: done.append(time.perf_counter())  # type: ignore[method-assign]
    samples, queries = [], []
    for term in ("芯片", "AI", "需求", "光伏订单", "银行"):
        done.clear()
        start = time.perf_counter()
        window.report_search.setText(term)  # what a keystroke does, then the debounce fires
        window.refresh_reports()  # the debounce timer's slot, called now: we time the work, not the wait
        while not done:
            app.processEvents()
        samples.append(done[0] - start)
        queries.append(best_of(lambda t=term: services.reports.search(actor, ReportFilter(text=t), limit=200), 3))
    window.close()
    total, query = statistics.median(samples), statistics.median(queries)
    report(
        "GUI keystroke -> first rows",
        total,
        query,
        f"median {total * 1000:.1f} ms (+{DEBOUNCE_MS} ms typing debounce) vs query {query * 1000:.1f} ms",
    )
    services.close()


def _gui_start(folder: Path, db: str) -> dict[str, float]:
    env = {
        **as_installed(dict(os.environ)),
        "SUITCHECK_AUDIT_KEY": str(folder / "audit.key"),
        "SUITCHECK_LOG_DIR": str(folder / "log"),
        "XDG_CONFIG_HOME": str(folder / "gui-settings"),  # the program's own settings, as on a new desktop
    }
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gui_start.py"), db, "bench", PASSWORD],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# What no start-up of this program can go below: importing the libraries the login needs
# (SQLAlchemy's ORM, the signatures, argon2, then Qt's widgets, in the command's order: see
# gui_start.py) and one argon2id verify with the production parameters, in a fresh process
# timed from its first line as gui_start.py is.
GUI_FLOOR = """
import time
START = time.perf_counter()
import json, os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import argon2, platformdirs, sqlalchemy.orm
import cryptography.hazmat.primitives.asymmetric.ed25519
from PySide6.QtWidgets import QApplication
imports = time.perf_counter() - START
hasher = argon2.PasswordHasher()
stored = hasher.hash("a password")
started = time.perf_counter()
hasher.verify(stored, "a password")
print(json.dumps({"imports": imports, "argon2": time.perf_counter() - started}))
"""


def _gui_floor() -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, "-c", GUI_FLOOR],
        env=as_installed(dict(os.environ)),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_gui_start(folder: Path, scale: float) -> None:
    """Cold start in a fresh process to the main window's first rows, on the large store
    and on a small one: the ratio shows whether start-up grows with the store."""
    stores = {}
    for name, clients, reports in (("small", 1_000, 100), ("large", int(1_000_000 * scale), int(100_000 * scale))):
        services = fresh(folder, f"gui-{name}")
        generate.clients(services.store, max(clients, 1))
        generate.reports(services.store, max(reports, 1), body_chars=100)
        stores[name] = str(services.store.url.database)
        services.close()
    runs: dict[str, list[dict[str, float]]] = {"small": [], "large": [], "floor": []}
    for _ in range(5):  # alternate, so load on the machine hits all alike; a start-up is best of 4
        for name in ("small", "large"):
            runs[name].append(_gui_start(folder, stores[name]))
        runs["floor"].append(_gui_floor())
    best = {name: min(r["first_rows"] for r in runs[name][1:]) for name in ("small", "large")}  # the first rehashes
    size_mb = Path(stores["large"]).stat().st_size / 1e6
    checks = [r["store_check"] for r in runs["large"][1:]]
    report(
        "GUI cold start to first rows",
        best["large"],
        best["small"],
        f"{size_mb:,.0f} MB store: {best['large']:.2f} s vs {best['small']:.2f} s on a 1,000-client store "
        f"(login included; the page check finished at {min(checks):.1f} s, beside it)",
        max_ratio=1.5,
        max_seconds=1.0,
    )
    # Why the absolute goal is missed or met: the fastest large-store run's steps beside the floor.
    fastest = min(runs["large"][1:], key=lambda r: r["first_rows"])
    imports = min(r["imports"] for r in runs["floor"])
    argon = min(r["argon2"] for r in runs["floor"])
    report(
        "GUI cold start: where the time goes",
        fastest["first_rows"],
        imports + argon,
        f"login dialog shown at {fastest['login_dialog']:.2f} s (the command and its libraries imported at "
        f"{fastest['command_imported']:.2f} s, Qt and the GUI's modules at {fastest['gui_imported']:.2f} s, then the "
        f"store opened), first rows {fastest['first_rows'] - fastest['login_clicked']:.2f} s after the login was "
        f"clicked (the login's argon2id verify, the window, the first queries); floor: importing Qt's widgets, "
        f"SQLAlchemy's ORM, cryptography and argon2 alone {imports:.2f} s + one argon2id verify {argon:.2f} s "
        f"= {imports + argon:.2f} s",
    )
    rss = max(r["max_rss_mb"] for r in runs["large"])
    report("GUI peak memory (RSS) / 300 MB", rss, 300.0, f"{rss:.0f} MB on the large store", max_ratio=1.0)


def bench_import(folder: Path, scale: float) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.pdfs import two_column_report_pdf

    n = max(10, int(1_000 * scale))
    pdfs = folder / "pdfs"
    pdfs.mkdir()
    for i in range(n):
        (pdfs / f"r{i:05d}.pdf").write_bytes(
            two_column_report_pdf(
                title=f"星辰半导体第{i}期：先进封装放量，AI 芯片需求强劲",
                report_type="电子行业事件点评",
                date_line="2025 年 3 月 18 日",
                level_sentence="中风险",
                rating="超配（维持）",
                analysts=[("周明轩", "S1230521020001"), ("钱雨桐", "S1230524100002")],
                body=["需求端持续改善。本段为合成测试文字，用于检验元数据提取与检索。" * 6],
            )
        )
    services = fresh(folder, "import")
    actor = services.auth.login("bench", PASSWORD)
    start = time.perf_counter()
    results = services.reports.import_paths(actor, [pdfs])
    elapsed = time.perf_counter() - start
    assert all(r.status == "imported" for r in results), {r.status for r in results}
    from suitcheck.ingest.pdf import extract_pdf_text

    files = sorted(pdfs.iterdir())[:20]
    extract_only = best_of(lambda: [extract_pdf_text(f.read_bytes()) for f in files], 1) / len(files)
    per_file = elapsed / n
    report(
        "import PDFs",
        per_file,
        extract_only,
        f"{n} PDFs at {n / elapsed:.1f} files/s; per file {per_file * 1000:.0f} ms vs text extraction alone "
        f"{extract_only * 1000:.0f} ms",
    )
    services.close()


def check_rates(services: Services, actor: Any, checks: int) -> tuple[float, float, float]:
    """(raw insert+commit, the check's own row inserted by plain sqlite3, audited checks) per second."""
    # The baseline: plain sqlite3 single-row insert-and-commit into a scratch table of the
    # same store file, with the store's own durability settings. Measured in rounds that
    # alternate with the checks, so a burst of load on the machine hits both alike.
    db = str(services.store.url.database)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE bench_scratch (id INTEGER PRIMARY KEY, payload TEXT)")
    # The disk's share of a check: a check's own audit row, inserted by plain sqlite3 into a
    # copy of audit_entry with the same indexes, one transaction each (no Python work).
    schema = "SELECT sql FROM sqlite_master WHERE tbl_name = 'audit_entry' AND type IN ('table', 'index') AND sql > ''"
    for (sql,) in conn.execute(schema).fetchall():
        conn.execute(sql.replace("audit_entry", "bench_floor"))
    services.access.check(actor, 1, 1)
    floor_row = list(conn.execute("SELECT * FROM audit_entry ORDER BY seq DESC LIMIT 1").fetchone())
    floor_sql = f"INSERT INTO bench_floor VALUES ({', '.join('?' * len(floor_row))})"
    raw_s = checks_s = floor_s = 0.0
    rounds = 4
    for r in range(rounds):
        start = time.perf_counter()
        for i in range(checks // rounds):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO bench_scratch (payload) VALUES (?)", (f"row {r} {i}",))
            conn.execute("COMMIT")
        raw_s += time.perf_counter() - start
        start = time.perf_counter()
        for i in range(checks // rounds):
            floor_row[0], floor_row[4] = r * checks + i + 1, (i % 900) + 1
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(floor_sql, floor_row)
            conn.execute("COMMIT")
        floor_s += time.perf_counter() - start
        start = time.perf_counter()
        for i in range(checks // rounds):
            services.access.check(actor, (i % 900) + 1, 1)
        checks_s += time.perf_counter() - start
    conn.close()
    done = rounds * (checks // rounds)
    return done / raw_s, done / floor_s, done / checks_s


def check_time_split(services: Services, actor: Any, checks: int) -> tuple[dict[str, float], dict[str, float]]:
    """Where an audited check's time goes (the issue asks for the split), beside the raw
    insert+commit's own: CPU against waiting on the disk without a profiler, then the
    profiled shares by layer."""
    db = str(services.store.url.database)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_split (id INTEGER PRIMARY KEY, payload TEXT)")

    def raw() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO bench_split (payload) VALUES ('row')")
        conn.execute("COMMIT")

    pairs = iter(range(10**9))

    def check() -> None:
        services.access.check(actor, next(pairs) % 900 + 1, 1)

    n = max(200, checks // 2)
    raw_timing, check_timing = where.cpu_and_wait(raw, n), where.cpu_and_wait(check, n)
    conn.close()
    split = where.profile_split(check, n)
    report(
        "audited check: where the time goes",
        check_timing["wall"],
        raw_timing["wall"],
        f"check {where.describe(check_timing, split)}. Raw insert+commit: "
        f"{raw_timing['wall'] * 1e6:.0f} us wall = CPU {raw_timing['user'] * 1e6:.0f} + "
        f"{raw_timing['system'] * 1e6:.0f} + {raw_timing['wait'] * 1e6:.0f} us waiting",
    )
    return check_timing, raw_timing


def decide_outside_lock_ceiling(
    services: Services, checks: int, raw_per_s: float, check_timing: dict[str, float], raw_timing: dict[str, float]
) -> None:
    """The best that deciding outside the write lock, two processes sharing a batch, could
    reach here (bench/ceiling.py): a check's own CPU, less the raw insert's, moved outside
    the lock; inside it only plain re-reads, the insert and the commit."""
    db = str(services.store.url.database)
    conn = sqlite3.connect(db, isolation_level=None)
    row = list(conn.execute("SELECT * FROM audit_entry ORDER BY seq DESC LIMIT 1").fetchone())
    conn.close()
    insert = f"INSERT INTO bench_floor VALUES ({', '.join('?' * len(row))})"
    check_cpu = check_timing["user"] + check_timing["system"]
    outside = max(0.0, check_cpu - raw_timing["user"] - raw_timing["system"])
    one, two = ceiling.rates(db, insert, row, outside, max(100, checks // 2))
    report(
        "audited checks: ceiling of deciding outside the lock",
        1 / two,
        1 / raw_per_s,
        f"{two:,.0f}/s ({two / raw_per_s:.0%} of raw) at best with two processes and an ideal hand-over: a "
        f"check's {outside * 1e6:.0f} us of CPU spent outside the write lock, inside it only plain re-reads, the "
        f"insert and the commit; one such process {one:,.0f}/s ({one / raw_per_s:.0%}). Raw insert+commit from "
        "this run's rate above",
    )


def bench_audit(folder: Path, scale: float) -> None:
    checks = max(200, int(4_000 * scale))
    services = fresh(folder, "audit")
    generate.clients(services.store, 1000)
    seal_clients(services)
    generate.reports(services.store, 1, body_chars=50)
    with services.store.session() as s:
        s.execute(text("UPDATE report SET level = 3"))
    seal_reports(services)
    actor = services.auth.login("bench", PASSWORD)

    db = str(services.store.url.database)
    raw_per_s, floor_per_s, checks_per_s = check_rates(services, actor, checks)
    # Before sealing: the same single-entry transactions, hash chain only (no MAC, no seal).
    from sqlalchemy import Column, Integer, MetaData, String, Table

    chain_table = Table(
        "bench_chain",
        MetaData(),
        Column("seq", Integer, primary_key=True, autoincrement=False),
        *(Column(name, String) for name in ("at", "staff", "action")),
        Column("investor_id", Integer),
        Column("report_id", Integer),
        *(Column(name, String) for name in ("decision", "reasons", "facts", "prev_hash", "entry_hash")),
    )
    chain_table.create(services.store.engine)
    start = time.perf_counter()
    for i in range(checks):
        hash_chain_append(services, chain_table, i)
    chain_per_s = checks / (time.perf_counter() - start)
    # After sealing: the same single-entry transactions through the sealer (MAC, seals).
    start = time.perf_counter()
    for _ in range(checks):
        with services.ctx.core_transaction() as c:
            services.ctx.audit(c, actor, AuditAction.CHECK)
    sealed_per_s = checks / (time.perf_counter() - start)
    report(
        "audited checks vs raw insert+commit",
        1 / checks_per_s,
        1 / raw_per_s,
        f"{checks_per_s:,.0f} checks/s vs {raw_per_s:,.0f} raw insert+commit/s "
        f"(checks reach {checks_per_s / raw_per_s:.0%} of raw; goal >= 50%)",
        max_ratio=2,
    )
    report(
        "audited checks vs their rows by plain sqlite3",
        1 / checks_per_s,
        1 / floor_per_s,
        f"{checks_per_s:,.0f} checks/s vs {floor_per_s:,.0f}/s for the same audit row inserted by plain sqlite3 into a "
        f"copy of audit_entry (same indexes), one transaction each: the disk's share ({floor_per_s / raw_per_s:.0%} "
        "of raw)",
    )

    check_timing, raw_timing = check_time_split(services, actor, checks)
    decide_outside_lock_ceiling(services, checks, raw_per_s, check_timing, raw_timing)

    # check --batch: the whole process (start-up, one login) over the same number of pairs.
    pairs = folder / "pairs.csv"
    pairs.write_text("investor,report\n" + "".join(f"{(i % 900) + 1},1\n" for i in range(checks)), encoding="utf-8")
    start = time.perf_counter()
    run_cli(folder, "--db", db, "--user", "bench", "check", "--batch", str(pairs), "--out", str(folder / "r.jsonl"))
    batch_s = time.perf_counter() - start
    # The same command over a handful of pairs: its start-up and login, to take off.
    few = 10
    few_pairs = folder / "pairs-few.csv"
    few_pairs.write_text("investor,report\n" + "".join(f"{i + 1},1\n" for i in range(few)), encoding="utf-8")
    start = time.perf_counter()
    run_cli(folder, "--db", db, "--user", "bench", "check", "--batch", str(few_pairs), "--out", str(folder / "f.jsonl"))
    few_s = time.perf_counter() - start
    actor = services.auth.login("bench", PASSWORD)  # the command line upgraded the password hash
    batch_per_s = checks / batch_s
    marginal_per_s = (checks - few) / max(batch_s - few_s, 1e-9)
    report(
        "check --batch (whole process) vs raw",
        1 / batch_per_s,
        1 / raw_per_s,
        f"{checks:,} pairs in {batch_s:.1f} s: {batch_per_s:,.0f} checks/s including start-up and login "
        f"({batch_per_s / raw_per_s:.0%} of raw)",
        max_ratio=2,
    )
    report(
        "check --batch, per check, vs checks",
        1 / marginal_per_s,
        1 / checks_per_s,
        f"start-up and login taken off (a {few}-pair run of the same command: {few_s:.2f} s): "
        f"{marginal_per_s:,.0f} checks/s in the batch vs {checks_per_s:,.0f}/s checking one at a time in this process",
    )
    report(
        "sealed append / hash-chain append",
        chain_per_s,
        sealed_per_s,
        f"{sealed_per_s:,.0f} sealed entries/s vs {chain_per_s:,.0f}/s for the hash chain alone (before sealing); "
        f"raw insert+commit {raw_per_s:,.0f}/s",
    )

    n = int(1_000_000 * scale)
    generate.audit_chain(services, n)
    total = services.audit.count(actor)
    import resource

    def cpu(who: int) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    own, children = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = services.audit.verify(actor)
    verify_s = time.perf_counter() - start
    verify_cpu, verify_child_cpu = cpu(resource.RUSAGE_SELF) - own, cpu(resource.RUSAGE_CHILDREN) - children
    assert result.ok, result.problem

    scan = best_of(lambda: read_entries(services), 1)
    from suitcheck.audit.chain import stream_entries

    with services.store.engine.connect() as c:
        rows = list(stream_entries(c))
    start = time.perf_counter()
    hash_chain_verify(rows)
    chain_only = time.perf_counter() - start
    start = time.perf_counter()
    with services.store.engine.connect() as c:
        list(stream_entries(c))
    driver_read = time.perf_counter() - start
    report(
        "audit verify",
        verify_s,
        scan,
        f"{total:,} entries verified in {verify_s:.1f} s ({total / verify_s:,.0f}/s; CPU {verify_cpu:.1f} s"
        + (f" + {verify_child_cpu:.1f} s in the second process" if verify_child_cpu >= 0.05 else "")
        + f") vs reading them {scan:.1f} s; {result.seals} seals, "
        f"{result.state_checked} rows checked against the trail",
        max_ratio=3,
        max_seconds=5,
    )
    report(
        "audit verify / hash-chain verify",
        verify_s,
        chain_only + driver_read,
        f"before sealing (links and hashes only, same rows): {chain_only + driver_read:.1f} s; "
        f"1,000,000 entries at this rate: {verify_s / total * 1e6:.1f} s (goal < 10 s)",
    )
    for fmt, goal in (("jsonl", 15), ("csv", 15), ("xlsx", 60)):
        out = folder / f"audit.{fmt}"
        own, children = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        services.audit.export(actor, out, fmt)
        export_s = time.perf_counter() - start
        own, children = cpu(resource.RUSAGE_SELF) - own, cpu(resource.RUSAGE_CHILDREN) - children
        # A large CSV/JSONL export writes its later entries in a second process (audit.export_split).
        second = f" + {children:.1f} s in the second process" if children >= 0.05 else ""
        report(
            f"audit export {fmt}",
            export_s,
            scan,
            f"{total:,} entries in {export_s:.1f} s ({total / export_s:,.0f}/s), {out.stat().st_size / 1e6:.0f} MB; "
            f"CPU {own:.1f} s{second}",
            max_seconds=goal,
        )
        if fmt == "xlsx":
            xlsx_where(services, actor, folder, total, export_s)
            xlsx_verify_where(folder, db, total)
    from suitcheck.services.audit_log import AuditFilter

    # A filtered export verifies the whole trail before it signs (its file holds entries
    # without their neighbours, so it cannot show a broken link): about one verify's time.
    out = folder / "one-client.csv"
    start = time.perf_counter()
    manifest = services.audit.export(actor, out, "csv", AuditFilter(investor_id=1))
    one_s = time.perf_counter() - start
    assert manifest["trail_verified"]["ok"], manifest["trail_verified"]
    report(
        "audit export csv, one client / verify",
        one_s,
        verify_s,
        f"{manifest['count']:,} entries of one client of {total:,} in {one_s:.1f} s, the trail verified first, "
        f"vs `audit verify` {verify_s:.1f} s",
    )
    services.close()


def xlsx_where(services: Services, actor: Any, folder: Path, total: int, export_s: float) -> None:
    """Why the XLSX export misses its goal: the same writer over the first 50,000 entries,
    profiled, its self time summed by where it runs (XlsxWriter's per-cell Python, the
    regular expressions and string calls it makes, zip, suitcheck's formatting)."""
    from suitcheck.audit.export import write_export
    from suitcheck.services.audit_log import AuditFilter

    sample = min(total, 50_000)

    def read() -> None:
        with services.ctx.transaction(read_only=True) as session:
            for _ in services.audit._rows(session, actor, AuditFilter(), True, limit=sample):
                pass

    def write() -> None:
        with services.ctx.transaction(read_only=True) as session:
            rows = services.audit._rows(session, actor, AuditFilter(), True, limit=sample)
            write_export(folder / "sample.xlsx", "xlsx", rows, sign=lambda _: "-", context={}, mask_id=None)

    written, read_s = best_of(write, 1), best_of(read, 1)
    split = where.profile_split(write, 1)
    parts = ", ".join(f"{label} {share:.0%}" for label, share in split if share >= 0.01)
    report(
        "audit export xlsx: where the time goes",
        written,
        read_s,
        f"{sample:,} entries written in {written:.1f} s vs read in {read_s:.1f} s ({total:,} at that rate: "
        f"{written / sample * total:.0f} s, the whole export took {export_s:.0f} s); profiled self time: {parts} "
        "(XlsxWriter's escaping runs the regular expressions and str methods)",
    )


def xlsx_verify_where(folder: Path, db: str, total: int) -> None:
    """`audit verify` of the XLSX export against the CSV export of the same entries (written
    just before), each the whole command a compliance officer runs, in its own process
    (wall, CPU, peak RSS); and how much of the XLSX verify is openpyxl reading the rows
    (CPU on the first 50,000 rows in this process, scaled to all). Informative: no goal."""
    import itertools

    from suitcheck.audit.export import _xlsx_rows

    env = {
        **as_installed(dict(os.environ)),
        "SUITCHECK_PASSWORD": PASSWORD,
        "SUITCHECK_AUDIT_KEY": str(folder / "audit.key"),
        "SUITCHECK_LOG_DIR": str(folder / "log"),
    }
    runs = {
        fmt: _child(
            ["suitcheck", "--db", db, "--user", "bench", "audit", "verify", str(folder / f"audit.{fmt}")], env, folder
        )
        for fmt in ("csv", "xlsx")
    }
    (csv_s, csv_cpu, csv_rss, _), (xlsx_s, xlsx_cpu, xlsx_rss, _) = runs["csv"], runs["xlsx"]
    sample = min(total, 50_000)
    start = time.process_time()
    rows = _xlsx_rows(folder / "audit.xlsx")
    try:
        read = sum(1 for _ in itertools.islice(rows, sample))
    finally:
        rows.close()  # type: ignore[attr-defined]
    reading_cpu = (time.process_time() - start) / max(read, 1) * total
    report(
        "audit verify-file xlsx / csv",
        xlsx_s,
        csv_s,
        f"{total:,} entries, the whole `audit verify FILE` command each: XLSX wall {xlsx_s:.1f} s, "
        f"CPU {xlsx_cpu:.1f} s, "
        f"peak RSS {xlsx_rss} MB vs CSV wall {csv_s:.1f} s, CPU {csv_cpu:.1f} s, peak RSS {csv_rss} MB; openpyxl "
        f"reading the rows is ~{reading_cpu:.1f} s CPU of the XLSX verify (first {read:,} rows timed); 1,000,000 "
        f"entries at this rate: {xlsx_s / total * 1e6:.0f} s (start-up and login included)",
    )


# Run a module or script and report its own peak memory at exit: VmHWM belongs to the
# process image after exec, where ru_maxrss would also count the forking parent's pages.
PEAK_RSS = """
import atexit, runpy, sys
def _peak():
    try:
        with open("/proc/self/status") as status:
            kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        import resource
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stderr.write(f"\\npeak-rss-kb {kb}\\n")
atexit.register(_peak)
what, sys.argv = sys.argv[1], sys.argv[1:]
if what.endswith(".py"):
    runpy.run_path(what, run_name="__main__")
else:
    runpy.run_module(what, run_name="__main__", alter_sys=True)
"""


def _child(args: list[str], env: dict[str, str], folder: Path) -> tuple[float, float, int, str]:
    """Run a module (or a script file) in its own process: (wall s, CPU s, peak RSS MB,
    stdout) of that process alone, so neither a neighbour nor the bench itself counts."""
    out, err = folder / "child.out", folder / "child.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", PEAK_RSS, *args], env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors = err.read_text()
    assert proc.returncode == 0, errors[-2000:]
    peak_kb = int(errors.rsplit("peak-rss-kb ", 1)[1].split()[0])
    return elapsed, usage.ru_utime + usage.ru_stime, peak_kb // 1024, out.read_text()


PLAIN_INSERT = """
import csv, sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA synchronous=FULL")
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("BEGIN IMMEDIATE")
with open(sys.argv[2], encoding="utf-8-sig", newline="") as handle:
    reader = csv.reader(handle)
    next(reader)
    conn.executemany(
        "INSERT INTO investor (account, name, id_number, investor_class, lowest_category, "
        "special_attention, created_at, current_profile, current_assessed_on, branch_id) "
        "VALUES (?, ?, ?, 'ordinary', 0, 0, '2026-01-01 00:00:00', 3, ?, 1)",
        ((r[0], r[1], r[2], r[5]) for r in reader),
    )
conn.execute("COMMIT")
conn.close()
"""


def bench_client_import(folder: Path, scale: float) -> None:
    """`investor import` of a core-system export through the real command, each run in its
    own process (its wall time, CPU and peak memory alone), against a plain sqlite3
    executemany of the same rows into the investor table of an empty store (own process,
    committed). The issue's goal: 1,000,000 rows in under 60 s with under 500 MB."""
    import shutil

    n = max(1000, int(1_000_000 * scale))
    services = fresh(folder, "clients")
    db = str(services.store.url.database)
    services.close()
    scratch = fresh(folder, "scratch")
    empty = Path(str(scratch.store.url.database))
    scratch.close()
    first, resync = folder / "clients.csv", folder / "clients-resync.csv"
    generate.client_file(first, n)
    generate.client_file(resync, n, changed_every=10)
    env = {**as_installed(dict(os.environ)), "SUITCHECK_PASSWORD": PASSWORD, "SUITCHECK_LOG_DIR": str(folder / "log")}

    # The baseline, twice (the better one counts): csv.reader + one executemany + COMMIT.
    plain_runs = []
    for i in range(2):
        target, script = folder / f"plain-{i}.db", folder / "plain_insert.py"
        shutil.copy(empty, target)
        script.write_text(PLAIN_INSERT, encoding="utf-8")
        plain_runs.append(_child([str(script), str(target), str(first)], env, folder))
        target.unlink()
    baseline, plain_cpu, plain_rss, _ = min(plain_runs)
    print(f"    plain executemany: wall {baseline:.1f} s, CPU {plain_cpu:.1f} s, peak RSS {plain_rss} MB", flush=True)

    # What the audit trail alone costs: as many entries as the import appends, through
    # the API it uses (ServiceContext.audit_batch), one transaction, in this process; and
    # the per-entry API (ServiceContext.audit) on a sample, for comparison.
    from suitcheck.audit.sealing import batch_entry
    from suitcheck.services.context import SYSTEM

    audit_only = fresh(folder, "audit-only")
    entries = (
        batch_entry(
            "bench",
            AuditAction.CLIENT_ADDED.value,
            investor_id=i + 1,
            facts={"account": f"C{i:09d}", "source": "import"},
        )
        for i in range(n)
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    with audit_only.ctx.core_transaction() as conn:
        audit_only.ctx.audit_batch(conn, entries)
    audit_s, audit_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    sample = min(n, 5_000)
    cpu_start = time.process_time()
    with audit_only.ctx.core_transaction() as conn:
        for i in range(sample):
            audit_only.ctx.audit(
                conn, SYSTEM, AuditAction.CLIENT_ADDED, investor_id=i + 1, facts={"account": f"C{i:09d}"}
            )
    single_cpu = (time.process_time() - cpu_start) / sample
    audit_only.close()
    report(
        "audit entries alone (batched)",
        audit_s,
        baseline,
        f"{n:,} entries through ServiceContext.audit_batch: wall {audit_s:.1f} s, CPU {audit_cpu:.1f} s "
        f"({audit_cpu / n * 1e6:.0f} us CPU each; one audit() call each: {single_cpu * 1e6:.0f} us)",
    )

    command = ["suitcheck", "investor", "import", "--db", db, "--user", "bench"]
    new_s, new_cpu, new_rss, out = _child([*command, str(first)], env, folder)
    print("   ", out.strip().splitlines()[-2], f"(wall {new_s:.1f} s, CPU {new_cpu:.1f} s)", flush=True)
    report(
        "client import, all new",
        new_s,
        baseline,
        f"{n:,} rows in {new_s:.1f} s (CPU {new_cpu:.1f} s; one audit entry per new client), peak RSS "
        f"{new_rss} MB; plain executemany {baseline:.1f} s (CPU {plain_cpu:.1f} s)",
        max_seconds=60,
    )
    report(
        "client import peak memory (RSS) / 500 MB",
        new_rss,
        500.0,
        f"{new_rss} MB importing {n:,} new clients (the plain executemany: {plain_rss} MB)",
        max_ratio=1.0,
    )
    same_s, same_cpu, same_rss, out = _child([*command, str(first)], env, folder)
    print("   ", out.strip().splitlines()[-2], f"(wall {same_s:.1f} s, CPU {same_cpu:.1f} s)", flush=True)
    report(
        "client import, same file again",
        same_s,
        baseline,
        f"{n:,} rows unchanged in {same_s:.1f} s (CPU {same_cpu:.1f} s), peak RSS {same_rss} MB",
    )
    resync_s, resync_cpu, resync_rss, out = _child([*command, str(resync)], env, folder)
    print("   ", out.strip().splitlines()[-2], f"(wall {resync_s:.1f} s, CPU {resync_cpu:.1f} s)", flush=True)
    report(
        "client import, 10% re-assessed",
        resync_s,
        baseline,
        f"{n:,} rows, {n // 10:,} new assessments (+ audit entries) in {resync_s:.1f} s (CPU {resync_cpu:.1f} s), "
        f"peak RSS {resync_rss} MB",
    )
    bench_verify_imported(folder, db, env, n)


READ_PAIRS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
for sql in (
    "SELECT investor_id, profile, assessed_on, lowest_category, questionnaire_version, score, answers, "
    "answers_hash, note FROM assessment ORDER BY investor_id, id",
    "SELECT investor_id, facts FROM audit_entry WHERE action IN ('assessment', 'client-added', 'client-edited') "
    "AND investor_id IS NOT NULL ORDER BY investor_id, seq",
):
    for _ in conn.execute(sql):
        pass
"""


def bench_verify_imported(folder: Path, db: str, env: dict[str, str], n: int) -> None:
    """`audit verify` of the store the client imports above left (every client row sealed,
    each assessment row paired off with the entry that recorded it), the whole command in
    its own process, against plain sqlite3 reading the rows and entries it pairs off.
    Informative: the goal rows of verify are on the audit bench's store."""
    script = folder / "read_pairs.py"
    script.write_text(READ_PAIRS, encoding="utf-8")
    read_s = min(_child([str(script), db], env, folder)[0] for _ in range(2))
    verify_s, verify_cpu, verify_rss, _ = _child(
        ["suitcheck", "audit", "verify", "--db", db, "--user", "bench"], env, folder
    )
    report(
        "audit verify of the imported clients' store",
        verify_s,
        read_s,
        f"{n:,} clients and {n + n // 10:,} assessments: the whole command (start-up, login, the chain, every "
        f"client's seal and recorded state, the assessment history) {verify_s:.1f} s (CPU {verify_cpu:.1f} s, peak "
        f"RSS {verify_rss} MB) vs plain sqlite3 reading the assessment rows and the entries that recorded them "
        f"{read_s:.1f} s",
    )


def bench_inspection(folder: Path, scale: float) -> None:
    """The self-inspection PDF over a store with 100,000 decisions (goal: under 30 s)."""
    import datetime as dt

    services = fresh(folder, "inspection")
    generate.clients(services.store, int(100_000 * scale))
    generate.reports(services.store, 5, body_chars=50)
    n = int(100_000 * scale)
    generate.audit_chain(services, n)
    actor = services.auth.login("bench", PASSWORD)

    scan = best_of(lambda: read_entries(services), 1)
    today = services.ctx.today()  # the firm's day (Beijing's): the period's days are the firm's
    out = folder / "inspection.pdf"
    start = time.perf_counter()
    result = services.inspection.write(actor, today - dt.timedelta(days=183), today, out)
    took = time.perf_counter() - start
    assert result.data.decisions_total >= n, result.data.decisions_total
    report(
        "self-inspection PDF",
        took,
        scan,
        f"{result.data.decisions_total:,} decisions in {took:.1f} s (includes verifying the chain) "
        f"vs reading the audit rows {scan:.1f} s; {out.stat().st_size / 1e3:.0f} kB",
        max_seconds=30,  # issue 12: "for a store with 100,000 decisions ... under 30 s" (judged at --scale 1)
    )
    # The dashboard's figures come from the same kind of aggregate queries, over at most a year.
    figures = best_of(lambda: services.dashboard.figures(actor, today - dt.timedelta(days=183), today), 3)
    report(
        "dashboard figures (half a year)",
        figures,
        scan,
        f"{figures * 1000:.0f} ms for {result.data.decisions_total:,} decisions vs reading the audit rows",
        max_ratio=2,  # aggregate queries must not cost more than twice one plain pass over the rows
    )
    services.close()


def bench_replay(folder: Path, scale: float) -> None:
    """`audit replay` of a period and the `report reread` preview, each the whole command in
    its own process (wall, CPU, peak RSS of that process alone). Replay: every entry a real
    check's (its facts copied from checks made here, so each reproduces) against `audit
    verify` of the same trail (which the replay runs first) and a plain read of its rows.
    Re-read: every report's stored original through the import worker, against reading the
    same originals and finding their subject level in this process (no worker, no seal)."""
    import datetime as dt
    import hashlib
    import json as jsonlib

    from sqlalchemy import select

    from suitcheck.domain.subjects import suggest_level
    from suitcheck.ingest.reader import extract
    from suitcheck.store.models import AuditEntry, ReportContent

    services = fresh(folder, "replay")
    generate.clients(services.store, 1000)
    seal_clients(services)
    n_reports = max(200, int(100_000 * scale))
    generate.reports(services.store, n_reports)
    with services.store.engine.begin() as conn:  # the hash a real import stores, so the file is intact
        originals = conn.execute(select(ReportContent.report_id, ReportContent.original)).all()
        conn.execute(
            text("UPDATE report SET content_hash = :h WHERE id = :i"),
            [{"h": hashlib.sha256(o).hexdigest(), "i": i} for i, o in originals],
        )
    seal_reports(services)
    actor = services.auth.login("bench", PASSWORD)
    for i in range(200):
        services.access.check(actor, i % 900 + 1, i % 50 + 1)
    columns = (AuditEntry.staff, AuditEntry.action, AuditEntry.investor_id, AuditEntry.report_id)
    with services.store.engine.connect() as conn:
        real = [
            dict(zip(("staff", "action", "investor_id", "report_id"), r[:4], strict=True))
            | {"decision": r[4], "reasons": jsonlib.loads(r[5]), "facts": jsonlib.loads(r[6])}
            for r in conn.execute(
                select(*columns, AuditEntry.decision, AuditEntry.reasons, AuditEntry.facts).where(
                    AuditEntry.action == "check"
                )
            )
        ]
    n = max(1000, int(1_000_000 * scale))
    copies = (real[k % len(real)] for k in range(n))
    services.ctx.sealer.append_many(services.store.engine, copies, dt.datetime.now(dt.UTC))
    scan = best_of(lambda: read_entries(services), 1)
    total = services.audit.count(actor)
    db = str(services.store.url.database)
    services.close()
    env = {
        **as_installed(dict(os.environ)),
        "SUITCHECK_PASSWORD": PASSWORD,
        "SUITCHECK_AUDIT_KEY": str(folder / "audit.key"),
        "SUITCHECK_LOG_DIR": str(folder / "log"),
    }
    command = ["suitcheck", "--db", db, "--user", "bench"]
    verify_s, verify_cpu, verify_rss, _ = _child([*command, "audit", "verify"], env, folder)
    today = dt.datetime.now(dt.UTC).date()
    since = (today - dt.timedelta(days=1)).isoformat()
    replay = [*command, "audit", "replay", "--since", since, "--json"]
    replay_s, replay_cpu, replay_rss, out = _child(replay, env, folder)
    # The document ends with "counts": read that, not a million entries (~400 MB) into objects.
    counts = jsonlib.JSONDecoder().raw_decode(out[out.rindex('"counts":') + len('"counts":') :].lstrip())[0]
    replayed = sum(counts.values())
    assert counts["reproduced"] == replayed, counts
    report(
        "audit replay --json (whole process)",
        replay_s,
        verify_s,
        f"{replayed:,} decisions replayed (of {total:,} entries) in {replay_s:.1f} s, CPU {replay_cpu:.1f} s, peak RSS "
        f"{replay_rss} MB, {len(out) / 1e6:.0f} MB of JSON; audit verify {verify_s:.1f} s, CPU {verify_cpu:.1f} s, "
        f"{verify_rss} MB; reading the rows {scan:.1f} s",
    )
    report(
        "audit replay peak RSS / verify's",
        replay_rss,
        verify_rss,
        f"{replay_rss} MB replaying {replayed:,} entries, printed as they come (audit verify: {verify_rss} MB)",
    )

    def read_same() -> None:
        with services.store.engine.connect() as conn:
            policy = services.ctx.policy(conn)
            for report_id, original in conn.execute(select(ReportContent.report_id, ReportContent.original)):
                found = extract(Path(f"report-{report_id}.txt"), original)
                suggest_level(found.metadata.subject_text, policy, found.metadata.body_text, found.metadata.masthead)

    services = open_services(Path(db), hasher=FAST)
    baseline = best_of(read_same, 1)
    services.close()
    reread_s, reread_cpu, reread_rss, out = _child([*command, "report", "reread"], env, folder)
    report(
        "report reread preview (whole process)",
        reread_s,
        baseline,
        f"{n_reports:,} reports re-read in {reread_s:.1f} s ({reread_s / n_reports * 1000:.1f} ms each), CPU "
        f"{reread_cpu:.1f} s, peak RSS {reread_rss} MB, vs reading and extracting the same originals in one process "
        f"{baseline:.1f} s",
    )


BENCHES = {
    "eligible": bench_eligible,
    "search": bench_search,
    "gui": bench_gui_search,
    "gui-start": bench_gui_start,
    "import": bench_import,
    "audit": bench_audit,
    "clients": bench_client_import,
    "inspection": bench_inspection,
    "replay": bench_replay,
}


def main() -> int:
    global SCALE, PYCACHE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", default=",".join(BENCHES))
    parser.add_argument("--results", type=Path, help="also write the results as JSON (for scripts/bench_table.py)")
    args = parser.parse_args()
    unknown = [name for name in args.only.split(",") if name not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    SCALE = args.scale
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(
        f"scale {args.scale}; ratios are measured / baseline (lower is better); "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} at start"
        if load
        else "",
        flush=True,
    )
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="suitcheck-bench-pycache-") as pycache:
        PYCACHE = Path(pycache)
        compile_once()
        for name in args.only.split(","):
            with tempfile.TemporaryDirectory(prefix=f"suitcheck-bench-{name}-") as folder:
                BENCHES[name](Path(folder), args.scale)
    load_end = os.getloadavg() if hasattr(os, "getloadavg") else None
    unmet = [r.name for r in RESULTS if r.met is False]
    print(f"{len(RESULTS)} results; {len(unmet)} goals not met" + (f": {', '.join(unmet)}" if unmet else ""))
    if args.results:
        args.results.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
                    "cpus": os.cpu_count(),
                    "load_start": load[0] if load else None,
                    "load_end": load_end[0] if load_end else None,
                    "results": [r.to_dict() for r in RESULTS],
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
