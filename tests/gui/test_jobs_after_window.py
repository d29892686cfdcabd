"""A dialog closed and deleted (Esc, then switch user; a report window closes itself)
while its background job was still running: the worker then reported on the window's own
Runner, freed under it, and the program crashed now and then (a segfault, seen in a test
worker with a distribution list closed at once). Workers now report to one object of the
application, and the answer is dropped on the GUI thread once the window is gone; what the
job recorded stays recorded.

The crash is a race, so the tests look for its cause instead: the worker touching the
deleted window's object at all (PySide refuses that emit with "already deleted" when it
loses the race's other side; the tests see the refusal in the worker's profile)."""

from __future__ import annotations

import gc
import logging
import sys
import threading
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QDialog

from suitcheck.gui import workers
from suitcheck.gui.dialogs import DashboardDialog, DistributionDialog
from suitcheck.gui.pdf_view import PdfPages, PdfView
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Services
from suitcheck.services.audit_log import AuditFilter
from tests.gui.conftest import HELD_S, login
from tests.pdfs import two_column_report_pdf


class WatchedPool:
    """A pool (workers.Pool) whose jobs each run on a thread of their own, noting every
    signal emit of the worker's that raised (PySide's refusal to emit on a deleted object)."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.raised: list[str] = []

    def _watch(self, _frame: Any, event: str, arg: Any) -> None:
        name = getattr(arg, "__qualname__", "") or getattr(arg, "__name__", "")
        if event == "c_exception" and name.endswith("emit"):
            self.raised.append(repr(arg))

    def start(self, fn: Callable[[], None]) -> None:
        def run() -> None:
            sys.setprofile(self._watch)
            try:
                fn()
            finally:
                sys.setprofile(None)

        thread = threading.Thread(target=run, daemon=True)
        self.threads.append(thread)
        thread.start()

    def waitForDone(self, msecs: int = -1) -> bool:
        for thread in self.threads:
            thread.join(None if msecs < 0 else msecs / 1000)
        return not any(t.is_alive() for t in self.threads)


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> WatchedPool:
    """The pool every Runner made in the test starts its jobs on."""
    watched = WatchedPool()
    monkeypatch.setattr(workers, "QThreadPool", types.SimpleNamespace(globalInstance=lambda: watched))
    return watched


@pytest.fixture
def unhandled(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """What reached the program's last resort (its excepthook shows an apology box)."""
    caught: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _kind, exc, _tb: caught.append(exc))
    return caught


def deleted(dialog: QDialog) -> None:
    """Closed with Esc, then deleted (with its window at switch user, or on close)."""
    dialog.reject()
    dialog.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def answered(pool: WatchedPool) -> None:
    assert pool.waitForDone(int(HELD_S * 1000))
    QApplication.processEvents()  # what the worker reported is delivered (or dropped) now


def test_a_job_answering_after_its_window_is_deleted_touches_nothing_of_it(qapp, pool: WatchedPool) -> None:  # type: ignore[no-untyped-def]
    window = QDialog()
    runner = Runner(window)
    release = threading.Event()
    called: list[object] = []

    def work(progress: Any, cancelled: Any) -> int:
        progress(1, 2)
        release.wait(HELD_S)
        progress(2, 2)
        return 2

    runner.start(Job(work, with_progress=True), called.append, called.append, lambda *a: called.append(a))
    assert runner.busy()
    deleted(window)
    release.set()
    answered(pool)
    assert pool.raised == []  # never reported on the deleted window's runner
    assert called == []  # the answer went nowhere


def test_a_job_answers_its_window_while_it_is_there(qapp, pool: WatchedPool) -> None:  # type: ignore[no-untyped-def]
    window = QDialog()
    runner = Runner(window)
    steps: list[object] = []
    runner.start(
        Job(lambda progress, cancelled: progress(1, 1) or 7, with_progress=True),
        steps.append,
        steps.append,
        lambda *a: steps.append(a[0]),
    )
    answered(pool)
    assert steps == [1, 7]
    assert not runner.busy()
    runner.start(Job(lambda: 1 / 0), steps.append, steps.append)
    answered(pool)
    assert isinstance(steps[-1], ZeroDivisionError)
    window.deleteLater()


def test_a_dashboard_closed_before_its_figures_fail_shows_nothing(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, pool: WatchedPool, unhandled: list[BaseException], caplog, monkeypatch
) -> None:
    """Opening the dashboard starts reading its figures; Esc at once, and the window goes
    with the session; the reading then fails unexpectedly."""
    release = threading.Event()

    def figures(*_args: Any) -> Any:
        release.wait(HELD_S)
        raise RuntimeError("the store went away")

    monkeypatch.setattr(demo_services.dashboard, "figures", figures)
    dialog = DashboardDialog(demo_services, login(demo_services, "demo-compliance"))
    dialog.show()
    deleted(dialog)
    release.set()
    with caplog.at_level(logging.ERROR, logger="suitcheck.gui.workers"):
        answered(pool)
    assert pool.raised == []
    assert unhandled == []  # no "Internal C++ object already deleted", no apology box
    assert [r.getMessage() for r in caplog.records] == ["background job failed"]  # the log has it


def test_a_distribution_list_deleted_while_written_is_still_recorded(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, pool: WatchedPool, unhandled: list[BaseException], tmp_path: Path, monkeypatch
) -> None:
    advisor = login(demo_services, "demo-advisor")
    report = next(r for r in demo_services.reports.search(advisor) if r.level is not None)
    real, release = demo_services.access.write_eligible, threading.Event()

    def write_eligible(*args: Any, progress: Callable[[int], None], **kwargs: Any) -> Any:
        progress(0)  # "0 clients written…", then held as a large list is
        release.wait(HELD_S)
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(demo_services.access, "write_eligible", write_eligible)
    dialog = DistributionDialog(demo_services, advisor, report)
    out = tmp_path / "list.csv"
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.destination.setText(str(out))
    dialog.show()
    dialog.start()
    dialog.deleteLater()  # its window closed with the session (Esc alone stops the writing)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    answered(pool)
    assert pool.raised == []
    assert unhandled == []
    assert out.exists()  # the list was written, and its writing recorded as the advisor's
    compliance = login(demo_services, "demo-compliance")
    entries = demo_services.audit.browse(compliance, AuditFilter(staff="demo-advisor"), limit=50)
    assert any(e.action == "distribution-list" for e in entries), [e.action for e in entries]


def test_a_report_window_closed_while_its_page_is_drawn_is_left_alone(  # type: ignore[no-untyped-def]
    qtbot, pool: WatchedPool, unhandled: list[BaseException], monkeypatch
) -> None:
    """A report window deletes itself as it closes (Esc at once, or the desk's next client)."""
    data = two_column_report_pdf(
        title="星辰半导体", report_type="点评", date_line="2025 年 3 月 18 日", level_sentence="中风险",
        rating="超配", analysts=[], body=["空白"],
    )  # fmt: skip
    pages, release = PdfPages(data), threading.Event()
    drawn = pages.render

    def render(index: int, scale: float) -> Any:
        release.wait(HELD_S)
        return drawn(index, scale)

    monkeypatch.setattr(pages, "render", render)
    view = PdfView(pages, "赵一鸣 880005")  # starts drawing its first page
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    answered(pool)
    assert pool.raised == []
    assert unhandled == []
    assert pages.closed  # the document went with its window


class Window:
    """Stands for a window that is let go of while its job runs: it notes the thread it is
    freed on (a Qt window freed on a worker thread stops its timers from the wrong thread:
    "QBasicTimer::stop: Failed. Possibly trying to stop from a different thread", then, at
    times, a segmentation fault)."""

    def __init__(self, freed_on: list[str], release: threading.Event) -> None:
        self.freed_on, self.release = freed_on, release

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread().name)

    def fetch(self) -> int:  # a window's own method as the job (`Job(self.fetch)`)
        self.release.wait(HELD_S)
        return 1

    def fetch_failing(self) -> int:  # its frame, holding the window, is in the traceback
        self.release.wait(HELD_S)
        raise RuntimeError("the store went away")


def _start_and_let_go(runner: Runner, how: str, freed_on: list[str], release: threading.Event) -> None:
    """Starts a job of a window, then keeps nothing of the window: only the job holds it."""
    window = Window(freed_on, release)
    if how == "method":
        job = Job(window.fetch)
    elif how == "failing":
        job = Job(window.fetch_failing)
    elif how == "closure":
        job = Job(lambda: window.fetch() + 1)
    elif how == "argument":
        job = Job(lambda w, progress, cancelled: progress(1, 1, w) or w.fetch(), window, with_progress=True)
    else:
        raise AssertionError(how)
    runner.start(job, lambda _result: None, lambda _exc: None, lambda *_a: None)


class LingeringPool(WatchedPool):
    """Its worker threads linger once their job has run, before they let go of it: the
    GUI thread takes the answer first, the order the race takes now and then."""

    def __init__(self) -> None:
        super().__init__()
        self.ran, self.linger = threading.Event(), threading.Event()

    def start(self, fn: Callable[[], None]) -> None:
        ran, linger = self.ran, self.linger

        def run() -> None:
            fn()
            ran.set()
            linger.wait(HELD_S)

        super().start(run)


@pytest.mark.parametrize("how", ["method", "failing", "closure", "argument"])
def test_a_window_only_its_job_still_holds_is_let_go_on_the_gui_thread(  # type: ignore[no-untyped-def]
    qapp, monkeypatch, how: str, caplog
) -> None:
    """Was BROKE: the worker thread held the job's function (a window's method or a closure
    over it, or the window as an argument) until it ended, and let go of it there; a
    window closed meanwhile was then destroyed on the worker thread."""
    pool = LingeringPool()
    monkeypatch.setattr(workers, "QThreadPool", types.SimpleNamespace(globalInstance=lambda: pool))
    holder = QDialog()
    freed_on: list[str] = []
    runner, release = Runner(holder), threading.Event()
    _start_and_let_go(runner, how, freed_on, release)
    assert freed_on == []  # the job holds it while it runs
    release.set()
    with caplog.at_level(logging.CRITICAL, logger="suitcheck.gui.workers"):
        assert pool.ran.wait(HELD_S)  # the job has run; its worker lingers
    QApplication.processEvents()  # the answer is taken, on this (the GUI) thread
    pool.linger.set()
    assert pool.waitForDone(int(HELD_S * 1000))
    assert freed_on == [threading.main_thread().name]
    assert not runner.busy()
    holder.deleteLater()


def test_a_job_started_twice_answers_once_with_a_refusal(qapp, pool: WatchedPool) -> None:  # type: ignore[no-untyped-def]
    holder = QDialog()
    runner, answers = Runner(holder), list[object]()
    job = Job(lambda: 5)
    runner.start(job, answers.append, answers.append)
    answered(pool)
    runner.start(job, answers.append, answers.append)
    answered(pool)
    assert answers[0] == 5
    assert isinstance(answers[1], RuntimeError)
    assert "twice" in str(answers[1])
    assert not runner.busy()
    holder.deleteLater()


def _orphan_a_window_in_a_cycle(freed_on: list[str]) -> None:
    """A closed window caught in a cycle of its own: only the cycle collector frees it."""
    window = Window(freed_on, threading.Event())
    helper = types.SimpleNamespace(window=window)
    window.helper = helper  # type: ignore[attr-defined]


def _allocate_on_a_worker() -> list[list[None]]:
    """A worker's job making many container objects that live on (an import's rows)."""
    kept: list[list[None]] = []

    def work() -> None:
        kept.extend([None] for _ in range(100_000))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return kept


def test_garbage_cycles_are_collected_on_the_gui_thread_while_the_desk_runs(qapp) -> None:  # type: ignore[no-untyped-def]
    """Was BROKE: Python's collector ran on whichever thread allocated when it was due, a
    worker's too, and freed a window caught in a cycle there."""
    enabled_before = gc.isenabled()
    gc.enable()  # as in a program before the desk starts (the GUI tests' own collector aside)
    gc.collect()
    holder = QDialog()
    collector = workers.GuiThreadCollector(holder)
    freed_on: list[str] = []
    try:
        _orphan_a_window_in_a_cycle(freed_on)
        kept = _allocate_on_a_worker()
        assert freed_on == []  # the worker's allocations did not collect it
        for _ in range(3):  # the timer's ticks, as many as the counts need
            collector.collect_due()
            if freed_on:
                break
        assert freed_on == [threading.main_thread().name]
        del kept
        collector.stop()
        assert gc.isenabled()  # the automatic collector is back once the desk has ended
    finally:
        collector.stop()
        holder.deleteLater()
        if not enabled_before:
            gc.disable()


def test_the_gui_thread_collector_collects_nothing_when_collection_was_turned_off(qapp) -> None:  # type: ignore[no-untyped-def]
    thresholds = gc.get_threshold()
    gc.set_threshold(0)
    holder = QDialog()
    try:
        collector = workers.GuiThreadCollector(holder)
        freed_on: list[str] = []
        _orphan_a_window_in_a_cycle(freed_on)
        collector.collect_due()
        assert freed_on == []
        collector.stop()
    finally:
        gc.set_threshold(*thresholds)
        holder.deleteLater()
        gc.collect()
