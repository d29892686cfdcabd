"""The ceiling of a client import on two processor cores (issue 16's row "client import,
all new"), measured without building it; bench/import-split.md gives the numbers.

The import's pure-Python work that a second process could take without changing any
result: reading and parsing the rows (domain.clients.parse_row, pure), and the per-row
computing of seal_new (the seal message, its state digest and HMAC) and audit_new (the
facts JSON). Everything after staging needs every row staged (duplicates, classification),
and the trail's hash chain is sequential, so these are the candidates.

- `stage`: the staging phase as _Run.stage does it on an empty store (read, pick the
  columns, parse_row, _stage_row, executemany into a TEMPORARY table of a file store with
  the import's cache), against the same with a spawn worker (it imports only
  domain.clients) that parses the chunks this process sends it as picked raw cells and
  sends back the staged tuples; this process reads the file, inserts every chunk, and
  parses a chunk itself whenever the worker already has `--window` chunks queued (so the
  two share the parsing as the machine allows). The worker starts before the file is
  opened. Nothing is left out that the real design would not also pay, except the
  on_record callbacks (asked of rare rows only) and branch resolution (memoised).
- `per-row work`: what seal_new's and audit_new's per-row computing costs in one
  process, against what sending its inputs to another process and its results back costs
  this one (pickling both ways): the most a worker could take off those phases.

Run: `.venv/bin/python bench/import_split.py --rows 100000 --rounds 3` (alternating one
and two processes, each round in a fresh temporary store).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import time
from typing import Any

CHUNK = 2_500  # rows per chunk sent to the worker
TODAY = dt.date.today()


def _staged(number: int, record: Any) -> tuple[object, ...]:
    # client_import._stage_row for SQLite, without importing the service (its import costs
    # the worker about half a second).
    born, assessed = record.birth_date, record.assessed_on
    return (
        number,
        None,
        record.account,
        record.name,
        record.id_number,
        None if born is None else born.isoformat(),
        record.investor_class.value,
        None if record.profile is None else int(record.profile),
        None if assessed is None else assessed.isoformat(),
        1 if record.lowest_category else 0,
        1 if record.special_attention else 0,
        None,
    )


def parse_chunk(fields: list[str], chunk: list[tuple[int, tuple[Any, ...]]]) -> list[tuple[object, ...]]:
    from suitcheck.domain.clients import parse_row

    out = []
    for number, got in chunk:
        record = parse_row(dict(zip(fields, got, strict=True)), TODAY)
        if isinstance(record, list):
            raise AssertionError(f"row {number} is invalid: the bench's file has only valid rows")
        out.append(_staged(number, record))
    return out


def worker(inbox: Any, outbox: Any, fields: list[str]) -> None:
    """Parse each chunk received and send back its staged rows (two one-way pipes, each
    large enough for the chunks in flight: neither side blocks the other)."""
    import suitcheck.domain.clients  # noqa: F401 - before saying it is ready

    outbox.send(("ready",))
    busy = 0.0
    while (chunk := inbox.recv()) is not None:
        start = time.process_time()
        staged = parse_chunk(fields, chunk)
        busy += time.process_time() - start
        outbox.send(staged)
    outbox.send(("busy", busy, _peak_mb()))


def _one_way(context: Any) -> tuple[Any, Any]:
    """A one-way pipe (reader, writer) of 1 MiB where Linux allows (F_SETPIPE_SZ), so that
    a chunk goes in one write instead of several 64 KiB ones, each waiting for the reader."""
    import fcntl

    reader, writer = context.Pipe(duplex=False)
    with contextlib.suppress(OSError):
        fcntl.fcntl(writer.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    return reader, writer


_STAGE_SQL = "INSERT INTO client_import_stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _store(folder: Any) -> Any:
    import sqlite3

    db = sqlite3.connect(str(folder / "store.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA main.cache_size = -131072")
    db.execute("PRAGMA temp.cache_size = -65536")
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "CREATE TEMPORARY TABLE client_import_stage (row_no INTEGER PRIMARY KEY, status, account, name, "
        "id_number, birth_date, investor_class, profile, assessed_on, lowest_category, special_attention, branch_id)"
    )
    return db


def _peak_mb() -> int:
    """This process's peak resident memory in MB (Linux), or 0."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024
    except (OSError, StopIteration):
        return 0


def _run_queue_wait() -> float:
    """Seconds this process has waited for a core while runnable (Linux schedstat), or 0."""
    try:
        with open("/proc/self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


_FIELDS = ["account", "name", "id_number", "class", "profile", "assessed", "lowest_category", "special_attention"]


class _Staging:
    """Chunks of picked cells in, staged rows into the table: parsed here, or by the
    worker while it has fewer than `window` chunks queued."""

    def __init__(self, db: Any, window: int, two: bool) -> None:
        self.db, self.window = db, window
        self.queued = self.local = self.remote = 0
        self.waited = self.sending = 0.0
        self.ready: float | None = None
        self.started = time.perf_counter()
        self.inbox: Any = None
        self.outbox: Any = None
        self.process: Any = None
        if two:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            to_worker, self.outbox = _one_way(context)
            self.inbox, from_worker = _one_way(context)
            self.process = context.Process(target=worker, args=(to_worker, from_worker, _FIELDS), daemon=True)
            self.process.start()
            to_worker.close()
            from_worker.close()

    def take(self, block: bool) -> bool:
        """Insert what the worker has sent back (wait for it if `block`)."""
        start = time.perf_counter()
        message = self.inbox.recv() if block or self.inbox.poll() else None
        self.waited += time.perf_counter() - start
        if message is None:
            return False
        if message == ("ready",):
            self.ready = time.perf_counter() - self.started
        else:
            self.db.executemany(_STAGE_SQL, message)
            self.queued -= 1
        return True

    def place(self, chunk: list[tuple[int, tuple[Any, ...]]]) -> None:
        while self.inbox is not None and self.take(False):
            pass
        if self.outbox is not None and self.queued < self.window:
            start = time.perf_counter()
            self.outbox.send(chunk)
            self.sending += time.perf_counter() - start
            self.queued, self.remote = self.queued + 1, self.remote + 1
        else:
            self.db.executemany(_STAGE_SQL, parse_chunk(_FIELDS, chunk))
            self.local += 1

    def drain(self) -> None:
        while self.queued:
            self.take(True)

    def stop(self) -> dict[str, Any]:
        """End the worker: its parsing time and peak memory, and how the chunks were shared."""
        if self.process is None:
            return {}
        self.outbox.send(None)
        while (message := self.inbox.recv())[0] != "busy":
            pass
        self.process.join()
        return {
            "worker_parse": message[1],
            "worker_mb": message[2],
            "ready": self.ready,
            "waited": self.waited,
            "sending": self.sending,
            "local": self.local,
            "remote": self.remote,
        }


def stage(path: Any, folder: Any, *, two: bool, window: int = 2) -> dict[str, Any]:
    """The staging phase in one process, or shared with a worker: wall and CPU of this
    process, and the worker's CPU, its parsing time and how the chunks were shared."""
    import resource

    from suitcheck.domain.clients import map_columns
    from suitcheck.ingest.clientfile import open_client_table

    wall0, cpu0, queue0 = time.perf_counter(), time.process_time(), _run_queue_wait()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    db = _store(folder)
    staging = _Staging(db, window, two)  # the worker starts before the file is opened
    with open_client_table(path) as table:
        columns = map_columns(table.headers).columns
        assert list(columns) == _FIELDS, columns
        pick = operator.itemgetter(*columns.values())
        chunk: list[tuple[int, tuple[Any, ...]]] = []
        for number, cells in table.rows():
            chunk.append((number, pick(cells)))
            if len(chunk) >= CHUNK:
                staging.place(chunk)
                chunk = []
        if chunk:
            staging.place(chunk)
        staging.drain()
    staged = db.execute("SELECT count(*) FROM client_import_stage").fetchone()[0]
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    db.execute("ROLLBACK")
    db.close()
    out: dict[str, Any] = {"rows": staged, "wall": wall, "cpu": cpu, "no_core": _run_queue_wait() - queue0}
    out["peak_mb"] = _peak_mb()
    out.update(staging.stop())
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["worker_cpu"] = children.ru_utime + children.ru_stime - children0.ru_utime - children0.ru_stime
    return out


def per_row_work(path: Any) -> dict[str, float]:
    """seal_new's and audit_new's per-row computing in this process, against the pickling
    a worker would cost this process for the same rows (inputs out, results back)."""
    import os
    import pickle

    from suitcheck.audit import keys
    from suitcheck.domain.clients import map_columns
    from suitcheck.ingest.clientfile import open_client_table
    from suitcheck.services.client_import import added_facts_json
    from suitcheck.services.integrity import investor_message_of, state_digest

    with open_client_table(path) as table:
        columns = map_columns(table.headers).columns
        pick = operator.itemgetter(*columns.values())
        rows = parse_chunk(list(columns), [(n, pick(c)) for n, c in table.rows()])
    # seal_new's page rows: (row_no, account, class, profile, assessed, lowest, born, special, branch,
    # name, id_number)
    pages = [
        [(r[0], r[2], r[6], r[7], r[8], r[9], r[5], r[10], 1, r[3], r[4]) for r in rows[i : i + 1000]]
        for i in range(0, len(rows), 1000)
    ]
    key = os.urandom(32)

    def seal(page: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
        messages = [
            investor_message_of(a, c, p, d, lo, b, s, False, br, n, i) for _, a, c, p, d, lo, b, s, br, n, i in page
        ]
        return [(state_digest(m), keys.mac_hex(key, m)) for m in messages]

    def timed(work: Any) -> tuple[float, Any]:
        start = time.process_time()
        result = work()
        return time.process_time() - start, result

    seal_cpu, sealed = timed(lambda: [seal(p) for p in pages])
    out_cpu, blobs = timed(lambda: [pickle.dumps(p, protocol=5) for p in pages])
    back = [pickle.dumps(s, protocol=5) for s in sealed]
    back_cpu, _ = timed(lambda: [pickle.loads(b) for b in back])
    sha = "0" * 64
    facts_cpu, facts = timed(lambda: [added_facts_json(r[2], r[6], r[7], r[8], r[9], r[10], "HQ", sha) for r in rows])
    facts_blob = pickle.dumps(facts, protocol=5)
    facts_back_cpu, _ = timed(lambda: pickle.loads(facts_blob))
    return {
        "rows": len(rows),
        "seal_compute": seal_cpu,
        "seal_ipc": out_cpu + back_cpu,
        "seal_ipc_bytes": sum(map(len, blobs)) + sum(map(len, back)),
        "facts_compute": facts_cpu,
        "facts_ipc": facts_back_cpu,
    }


def _line(rows: int, two: bool, run: dict[str, Any]) -> str:
    import os

    line = (
        f"stage {rows:,} rows, {'two processes' if two else 'one process '}: wall {run['wall']:.2f} s, "
        f"CPU {run['cpu']:.2f} s, waiting for a core {run['no_core']:.2f} s, peak RSS {run['peak_mb']} MB"
    )
    if two:
        line += (
            f"; worker CPU {run['worker_cpu']:.2f} s (parsing {run['worker_parse']:.2f} s), peak RSS "
            f"{run['worker_mb']} MB, ready at {run['ready']:.2f} s; here: waited for it {run['waited']:.2f} s, "
            f"sending {run['sending']:.2f} s; chunks parsed here/there {run['local']}/{run['remote']}"
        )
    return f"{line}; load {os.getloadavg()[0]:.2f}"


def main() -> None:
    import argparse
    import os
    import statistics
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "clients.csv"
        generate.client_file(path, args.rows)
        print(f"load average at start {os.getloadavg()[0]:.2f}", flush=True)
        runs: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
        for round_ in range(args.rounds):
            for two in (False, True) if round_ % 2 == 0 else (True, False):
                for leftover in folder.glob("store.db*"):
                    leftover.unlink()
                run = stage(path, folder, two=two, window=args.window)
                runs[two].append(run)
                print(_line(args.rows, two, run), flush=True)
        for two, done in runs.items():
            print(
                f"{'two' if two else 'one'}: median wall {statistics.median(r['wall'] for r in done):.2f} s, "
                f"CPU here {statistics.median(r['cpu'] for r in done):.2f} s",
                flush=True,
            )
        work = per_row_work(path)
        print(
            f"per-row work, {work['rows']:,} rows: seal_new's computing {work['seal_compute']:.2f} s CPU, its "
            f"pickling both ways {work['seal_ipc']:.2f} s ({work['seal_ipc_bytes'] / 1e6:.1f} MB); audit_new's "
            f"facts JSON {work['facts_compute']:.2f} s, unpickling it {work['facts_ipc']:.2f} s",
            flush=True,
        )
        print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
