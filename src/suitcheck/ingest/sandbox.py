"""Read hostile report files in a worker process with limits, so a file that inflates to
gigabytes, spins the parser for minutes or carries megabytes of text fails alone, with
its own code, and the batch (and the program) goes on.

The worker is a separate process started with the "spawn" method (the same on Linux,
macOS, Windows and in the frozen build, where the entry points call
multiprocessing.freeze_support). Each file gets, in that process:

- an address-space limit (RLIMIT_AS): past it allocation fails, and the worker exits
  with EXIT_MEMORY;
- a processor-time limit (RLIMIT_CPU, counted from the file's start): past it the
  kernel ends the worker with SIGXCPU;
- a bound on the bytes that compressed PDF streams inflate to, on the page count and
  on the text length, checked as the file is read.

The parent reads the verdict from the worker's exit status (never from a clock), then
starts a fresh worker for the next file. Windows has no RLIMIT: there the memory and
processor limits are not applied, and only a wall-clock backstop (several times the
processor limit) stops a runaway worker; the inflate, page and text bounds still hold.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import multiprocessing
import os
import signal
import threading
import time
import zlib
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.reader import ExtractedReport, content_hash, extract

log = logging.getLogger(__name__)

EXIT_MEMORY = 86  # the worker's exit status when an allocation failed under the memory limit
MB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Limits:
    """What reading one file may take. Firm policy (services pass the policy's values)."""

    memory_mb: int = 1024
    cpu_seconds: int = 60
    inflated_mb: int = 512
    pages: int = 200
    text_chars: int = 5_000_000

    @property
    def wall_seconds(self) -> float:
        """The backstop for a worker that neither computes nor answers (blocked, or on a
        platform without RLIMIT_CPU): generous, so RLIMIT_CPU always acts first."""
        return self.cpu_seconds * 4 + 30


def os_limits_supported() -> bool:
    try:
        import resource  # noqa: F401
    except ImportError:
        return False
    return True


# -- the worker process -------------------------------------------------------------------


class _Inflated:
    """Counts what the PDF's Flate streams inflate to, per file."""

    limit = 0
    total = 0


class _BoundedZlib:
    """Stands in for the zlib module inside pdfminer.pdftypes (in the worker only): the
    same functions, but decompress() stops at the file's inflate budget instead of
    allocating whatever a 1 MB stream claims to expand to."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def decompress(data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = zlib.DEF_BUF_SIZE) -> bytes:
        room = _Inflated.limit - _Inflated.total
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, max(room, 0) + 1)
        if len(out) > room or inflater.unconsumed_tail:
            raise IngestError(
                "inflates-too-much",
                f"The PDF's compressed content expands to more than {_Inflated.limit // MB} MB (the firm's limit).",
            )
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")  # pdfminer then tries its lenient path
        _Inflated.total += len(out)
        return out


def _install_bounds() -> None:
    import pdfminer.pdftypes

    pdfminer.pdftypes.zlib = _BoundedZlib  # type: ignore[assignment,attr-defined]
    original = pdfminer.pdftypes.PDFStream.decode

    def counted_decode(self: Any) -> None:
        # Other filters (LZW, run-length, the lenient Flate path) are counted after the
        # fact; the memory limit bounds them while they run.
        original(self)
        _Inflated.total += len(self.data or b"")
        if _Inflated.total > _Inflated.limit:
            raise IngestError(
                "inflates-too-much",
                f"The PDF's compressed content expands to more than {_Inflated.limit // MB} MB (the firm's limit).",
            )

    pdfminer.pdftypes.PDFStream.decode = counted_decode  # type: ignore[method-assign]


def _apply_os_limits(limits: Limits) -> None:
    try:
        import resource
    except ImportError:
        return  # Windows: see the module docstring
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a killed reader leaves no core file behind
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu_soft = used + limits.cpu_seconds
    if cpu_hard != resource.RLIM_INFINITY:
        cpu_soft = min(cpu_soft, cpu_hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_soft, cpu_hard))
    _, as_hard = resource.getrlimit(resource.RLIMIT_AS)
    as_soft = limits.memory_mb * MB
    if as_hard != resource.RLIM_INFINITY:
        as_soft = min(as_soft, as_hard)
    resource.setrlimit(resource.RLIMIT_AS, (as_soft, as_hard))


def _worker_main(conn: Connection) -> None:
    """Serve one file at a time until the parent closes the pipe."""
    # The parent handles Ctrl+C; the worker only ends when told or killed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _install_bounds()
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        name, data, limits = request
        _Inflated.limit, _Inflated.total = limits.inflated_mb * MB, 0
        reply: tuple[Any, ...]
        try:
            _apply_os_limits(limits)
            extracted = extract(Path(name), data, max_pages=limits.pages, max_chars=limits.text_chars)
            reply = ("ok", extracted.kind, extracted.text, extracted.metadata)
        except MemoryError:
            os._exit(EXIT_MEMORY)
        except IngestError as exc:
            reply = ("error", exc.code, str(exc))
        except Exception as exc:  # noqa: BLE001 - a parser bug on a hostile file fails that file only
            reply = ("error", "corrupt", f"The file cannot be read ({type(exc).__name__}).")
        del data
        try:
            conn.send(reply)
        except MemoryError:
            os._exit(EXIT_MEMORY)


# -- the parent side --------------------------------------------------------------------------


class Sandbox:
    """One worker process, reused from file to file and replaced after a file kills it.
    Thread-safe: one file at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None
        self.last_exit: int | None = None  # the exit status of the last worker that ended

    def extract(
        self, path: Path, data: bytes, limits: Limits, cancelled: Callable[[], bool] = lambda: False
    ) -> ExtractedReport:
        with self._lock:
            reply = self._run(path, data, limits, cancelled)
        if reply[0] == "ok":
            _, kind, text, metadata = reply
            return ExtractedReport(path, kind, data, content_hash(data), text, metadata)
        _, code, message = reply
        raise IngestError(code, message)

    def _run(self, path: Path, data: bytes, limits: Limits, cancelled: Callable[[], bool]) -> tuple[Any, ...]:
        conn = self._start()
        try:
            conn.send((path.name, data, limits))
        except (BrokenPipeError, OSError):
            return self._died(limits)
        deadline = time.monotonic() + limits.wall_seconds
        while True:
            try:
                if conn.poll(0.05):
                    return tuple(conn.recv())
            except (EOFError, OSError):
                return self._died(limits)
            if cancelled():
                self._stop(kill=True)
                raise IngestError("cancelled", "The import was cancelled while this file was being read.")
            if time.monotonic() > deadline:
                self._stop(kill=True)
                return (
                    "error",
                    "too-slow",
                    f"Reading the file did not finish in {limits.wall_seconds:.0f} seconds; it was stopped.",
                )
            if not self._process.is_alive():
                return self._died(limits)

    def _died(self, limits: Limits) -> tuple[Any, ...]:
        process = self._process
        process.join(5)
        status = process.exitcode
        self._stop(kill=True)
        self.last_exit = status
        log.info("report reader ended with status %s", status)
        if status == EXIT_MEMORY or status == -signal.SIGKILL:  # SIGKILL: the kernel's OOM killer
            return (
                "error",
                "too-much-memory",
                f"Reading the file needed more than {limits.memory_mb} MB of memory; it was stopped.",
            )
        if status == -getattr(signal, "SIGXCPU", -1000):
            return (
                "error",
                "too-much-cpu",
                f"Reading the file took more than {limits.cpu_seconds} seconds of processor time; it was stopped.",
            )
        return ("error", "reader-crashed", f"The file crashed the report reader (exit status {status}).")

    def _start(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._stop(kill=True)
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_worker_main, args=(child,), name="suitcheck-reader", daemon=True)
        try:
            process.start()
        except OSError as exc:
            raise IngestError("reader-unavailable", f"The report reader could not be started: {exc}.") from exc
        child.close()
        self._process, self._conn = process, parent
        return parent

    def _stop(self, kill: bool = False) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            try:
                if not kill:
                    conn.send(None)
            except OSError:
                pass
            conn.close()
        if process is not None:
            if kill and process.is_alive():
                process.kill()
            process.join(5)
            if process.exitcode is not None and kill:
                self.last_exit = process.exitcode

    def close(self) -> None:
        with self._lock:
            self._stop()


_shared: Sandbox | None = None
_shared_lock = threading.Lock()


def shared_sandbox() -> Sandbox:
    """The process's one reader worker, started at the first file and stopped at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Sandbox()
            atexit.register(_shared.close)
        return _shared
