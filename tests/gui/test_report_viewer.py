"""The report window shows a PDF as its pages (PDFium via pypdfium2), with page
navigation, zoom, find-in-text and a watermark naming client, staff and time; opening
runs off the GUI thread; a text report keeps the text view."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QRect, QThreadPool
from PySide6.QtWidgets import QApplication

from suitcheck.domain.decision import Outcome
from suitcheck.gui.dialogs import ReportViewer
from suitcheck.gui.main_window import MainWindow
from suitcheck.gui.pdf_view import DPI, MAX_PAGE_PIXELS, MAX_PAGE_SIDE, ZOOMS, PdfPages, PdfView
from suitcheck.services import Services
from tests.gui.conftest import HELD_S, login
from tests.gui.test_main_window import find_client, pick_report
from tests.ingest.hostile import many_pages_pdf
from tests.pdfs import pdf_line, raw_page_pdf, two_column_report_pdf

TITLE = "星辰半导体：先进封装放量，AI 芯片需求强劲"


def import_pdf(services: Services, folder: Path) -> None:
    folder.mkdir()
    (folder / "report.pdf").write_bytes(
        two_column_report_pdf(
            title=TITLE,
            report_type="电子行业事件点评",
            date_line="2025 年 3 月 18 日",
            level_sentence="中低风险",
            rating="超配（维持）",
            analysts=[("王小明", "S1230521020001")],
            body=["需求端持续改善。本段为合成测试文字，用于检验阅读器的查找功能。" * 3],
        )
    )
    [result] = services.reports.import_paths(login(services, "demo-compliance"), [folder])
    assert result.status == "imported", result


def open_for(qtbot, window: MainWindow, account: str, title: str) -> ReportViewer:  # type: ignore[no-untyped-def]
    find_client(qtbot, window, account)
    window.refresh_reports()
    qtbot.waitUntil(lambda: any(title in r.title for r in window.report_model.objects()), timeout=5000)
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=10_000)  # no search still to land
    pick_report(qtbot, window, title)
    qtbot.waitUntil(window.open_button.isEnabled, timeout=10_000)
    window.open_button.click()
    qtbot.waitUntil(lambda: bool(window.viewers), timeout=10_000)
    viewer = window.viewers[0]
    assert isinstance(viewer, ReportViewer)
    return viewer


def test_a_pdf_is_shown_as_pages_with_navigation_zoom_and_find(qtbot, window_for, demo_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_pdf(demo_services, tmp_path / "in")
    window = window_for()
    viewer = open_for(qtbot, window, "880005", "星辰半导体")
    pdf = viewer.pdf
    assert isinstance(pdf, PdfView)
    assert pdf.pages.count == 2
    qtbot.waitUntil(lambda: pdf.rendered is not None, timeout=10_000)
    image = pdf.page_widget.pixmap
    assert image is not None
    assert image.width() > 500
    assert image.height() > 700  # an A4 page at 100 %
    # Navigation
    pdf.next_button.click()
    qtbot.waitUntil(lambda: pdf.rendered is not None and pdf.rendered[0] == 1, timeout=10_000)
    assert not pdf.next_button.isEnabled()
    assert pdf.page_box.value() == 2
    pdf.previous_button.click()
    qtbot.waitUntil(lambda: pdf.rendered is not None and pdf.rendered[0] == 0, timeout=10_000)
    # Zoom renders the page again, larger
    width = pdf.page_widget.width()
    pdf.zoom_in.click()
    qtbot.waitUntil(lambda: pdf.page_widget.width() > width * 1.2, timeout=10_000)
    # Find: the match on page 2 (the disclaimer line) takes the view there and highlights it
    pdf.find_edit.setText("请务必阅读末页声明")
    pdf.find_next()
    qtbot.waitUntil(lambda: pdf.matches != [], timeout=10_000)
    qtbot.waitUntil(lambda: pdf.rendered is not None and pdf.rendered[0] == 1, timeout=10_000)
    assert pdf.find_status.text() == "1 of 1"
    assert [current for _, current in pdf.page_widget.highlights]
    assert all(current for _, current in pdf.page_widget.highlights)
    pdf.find_edit.setText("没有这句话")
    pdf.find_next()
    qtbot.waitUntil(lambda: pdf.find_status.text() == "Not found", timeout=10_000)
    # The extracted text stays available beside the pages.
    assert "需求端持续改善" in viewer.text.toPlainText()


def test_the_watermark_names_client_staff_and_time(qtbot, window_for, demo_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_pdf(demo_services, tmp_path / "in")
    window = window_for()
    viewer = open_for(qtbot, window, "880005", "星辰半导体")
    for text in (viewer.watermark, viewer.watermark_line.text()):
        assert "赵一鸣" in text
        assert "880005" in text
        assert (window.actor.display_name or window.actor.username) in text
        assert __import__("re").search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)
    assert viewer.pdf is not None
    assert viewer.pdf.page_widget.watermark == viewer.watermark


def test_the_watermark_is_painted_on_the_page(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = two_column_report_pdf(
        title=TITLE, report_type="点评", date_line="2025 年 3 月 18 日", level_sentence="中风险",
        rating="超配", analysts=[], body=["空白"],
    )  # fmt: skip
    plain = PdfView(PdfPages(data), "")
    marked = PdfView(PdfPages(data), "赵一鸣 880005 · 演示顾问 · 2026-06-15 09:30")
    for view in (plain, marked):
        qtbot.addWidget(view)
        view.resize(900, 900)
        view.show()
        qtbot.waitUntil(lambda v=view: v.rendered is not None, timeout=10_000)
    a, b = plain.page_widget.grab().toImage(), marked.page_widget.grab().toImage()
    assert a.size() == b.size()
    differing = sum(
        1 for y in range(0, a.height(), 7) for x in range(0, a.width(), 7) if a.pixel(x, y) != b.pixel(x, y)
    )
    assert differing > 100


def test_a_text_report_keeps_the_text_view(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    viewer = open_for(qtbot, window, "880005", "创业板")
    assert viewer.pdf is None
    assert not viewer.tabs.tabBar().isVisible()
    assert "创业板" in viewer.text.toPlainText()
    viewer.text_view.find_edit.setText("创业板")
    assert viewer.text_view.find_next()
    assert viewer.text.textCursor().selectedText() == "创业板"


def test_opening_reads_the_report_off_the_gui_thread(qtbot, window_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    threads: list[bool] = []
    real = window.services.access.open_report

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(window.services.access, "open_report", spy)
    open_for(qtbot, window, "880005", "创业板")
    assert threads == [False]


def gated_open(window: MainWindow, monkeypatch) -> threading.Event:  # type: ignore[no-untyped-def]
    """Opening the report waits for the returned gate (a large PDF, a slow store)."""
    gate = threading.Event()
    real = window.services.access.open_report

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        gate.wait(HELD_S)
        return real(*args, **kwargs)

    monkeypatch.setattr(window.services.access, "open_report", slow)
    return gate


def test_a_report_opened_for_a_client_who_is_gone_meanwhile_is_not_shown(qtbot, window_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    gate = gated_open(window, monkeypatch)
    window.open_button.click()
    find_client(qtbot, window, "880003")  # another client while the report is being read
    gate.set()
    window.runner.wait()
    qtbot.wait(100)
    QApplication.processEvents()
    assert not window.viewers


@pytest.mark.parametrize("size", [(14400, 14400), (14400, 20)], ids=["200 inches square", "200 inches by a strip"])
def test_a_huge_page_is_drawn_within_bounds_and_says_its_zoom(qtbot, size) -> None:  # type: ignore[no-untyped-def]
    """An allowed report whose page is 200 inches square (import reads its text, nothing
    more) was drawn at 19,200 pixels square, 1.1 GB, and 10 GB at 300 %: the desk ended.
    Now the page is drawn at most MAX_PAGE_PIXELS, no side past MAX_PAGE_SIDE, and the zoom
    label says the zoom it is drawn at."""
    data = raw_page_pdf(pdf_line("本报告的风险等级为中风险。", y=700)).replace(
        b"/MediaBox [0 0 595 842]", f"/MediaBox [0 0 {size[0]} {size[1]}]".encode()
    )
    view = PdfView(PdfPages(data), "赵一鸣 880005")
    qtbot.addWidget(view)
    view.show()
    for zoom in (ZOOMS.index(1.0), len(ZOOMS) - 1):
        view.set_zoom(zoom)
        qtbot.waitUntil(lambda: view.rendered == (0, view.pages.fitted_scale(0, view.scale())), timeout=10_000)
        pixmap = view.page_widget.pixmap
        assert pixmap is not None
        assert pixmap.width() * pixmap.height() <= MAX_PAGE_PIXELS
        assert max(pixmap.width(), pixmap.height()) <= MAX_PAGE_SIDE
        drawn = pixmap.width() / (size[0] * DPI / 72 * view.devicePixelRatioF()) * 100
        assert view.zoom_label.text() == f"{round(drawn)} %"


def test_a_window_closes_when_another_desk_overturns_its_decision(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services, monkeypatch
) -> None:
    """Was BROKE (2): a report window stayed open until a decision at this desk refused its
    report. Compliance at another desk marked the client for re-assessment (nothing above
    R1 until re-assessed) while the client read the R4 report here: the window stayed open
    for as long as the clerk left it. Now the desk asks the services every
    VIEWER_RECHECK_MS while windows are open and closes those the client may no longer be
    given, saying why, and decides again for the pair on screen; windows still allowed stay."""
    from suitcheck.gui import main_window

    monkeypatch.setattr(main_window, "VIEWER_RECHECK_MS", 50)  # the question comes soon, not in 30 s
    window = window_for()
    viewer = open_for(qtbot, window, "880005", "创业板")
    asked: list[tuple[object, ...]] = []
    still_open = demo_services.access.still_open

    def counted(*args: Any) -> Any:
        asked.append(args)
        return still_open(*args)

    monkeypatch.setattr(demo_services.access, "still_open", counted)
    qtbot.waitUntil(lambda: len(asked) >= 2, timeout=10_000)
    assert window.viewers == [viewer]  # allowed still: it stays
    demo_services.investors.mark_reassessment_due(login(demo_services, "demo-compliance"), "880005", "情况变化")
    qtbot.waitUntil(lambda: not window.viewers, timeout=10_000)
    assert not shiboken6.isValid(viewer) or not viewer.isVisible()
    assert "another desk" in window.statusBar().currentMessage()
    # The pair on screen is decided again (recorded) for the client as stored now.
    qtbot.waitUntil(lambda: window.decision.result is not None, timeout=10_000)
    assert window.decision.result.decision.outcome is Outcome.BLOCK
    assert window.client is not None
    assert window.client.reassessment_due
    assert not window.open_button.isEnabled()


def test_a_pdf_whose_pages_cannot_be_drawn_says_so_beside_its_text(qtbot, window_for, demo_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A PDF the level reader reads but PDFium does not open (here: its header after 3,000
    blank bytes, past where PDFium looks) opened as a bare text window: no pages, no tabs,
    and nothing said about why. Now the window says its pages cannot be shown and that
    the text is the report's."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "weekly.pdf").write_bytes(
        b" " * 3000
        + raw_page_pdf(pdf_line("宏观经济周报：政策稳健", y=780, size=16) + pdf_line("本报告的风险等级为低风险。"))
    )
    [result] = demo_services.reports.import_paths(login(demo_services, "demo-compliance"), [folder])
    assert result.status == "imported", result
    viewer = open_for(qtbot, window_for(), "880005", "宏观经济周报")
    assert viewer.pdf is None
    assert viewer.pages_note.isVisibleTo(viewer)
    assert "cannot be shown" in viewer.pages_note.text()
    assert "低风险" in viewer.text.toPlainText()


def test_a_page_that_cannot_be_drawn_shows_no_other_page_in_its_place(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Page 2 failing to draw (PDFium out of memory on a busy desk) left page 1's pixels on
    screen under "2 of 2", with the sentence beside the find box. Now the page area is
    cleared and says the page cannot be shown; page 1 comes back when chosen again. A
    search that failed said the page could not be shown: now it says the search failed."""
    data = two_column_report_pdf(
        title=TITLE, report_type="点评", date_line="2025 年 3 月 18 日", level_sentence="中风险",
        rating="超配", analysts=[], body=["空白"],
    )  # fmt: skip
    pages = PdfPages(data)
    drawn = pages.render

    def render(index: int, scale: float) -> Any:
        if index == 1:
            raise MemoryError
        return drawn(index, scale)

    monkeypatch.setattr(pages, "render", render)
    view = PdfView(pages, "赵一鸣 880005")
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.rendered == (0, view.scale()), timeout=10_000)
    view.go_to(1)
    qtbot.waitUntil(lambda: view.find_status.text() != "", timeout=10_000)
    assert view.page_box.value() == 2
    assert view.page_widget.pixmap is None  # not page 1's pixels under "2 of 2"
    assert view.rendered is None
    assert "cannot be shown" in view.find_status.text()
    view.go_to(0)
    qtbot.waitUntil(lambda: view.rendered == (0, view.scale()), timeout=10_000)
    assert view.page_widget.pixmap is not None
    assert view.find_status.text() == ""
    # A search that fails says so, not that the page cannot be shown.
    monkeypatch.setattr(pages, "find", lambda text: 1 / 0)
    view.find_edit.setText("空白")
    view.find_next()
    qtbot.waitUntil(lambda: view.find_status.text() != "", timeout=10_000)
    assert view.find_status.text() == "The report cannot be searched."
    assert view.page_widget.pixmap is not None


def document_closed(pages: PdfPages) -> bool:
    """PDFium's own word: a closed PdfDocument no longer holds its handle."""
    return pages._doc.raw is None


def test_a_report_window_gives_its_pdf_back_as_it_closes(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services, tmp_path, monkeypatch
) -> None:
    """Was BROKE: a report window never closed its PDFium document: every report opened in
    a session kept its document (and the file's bytes) until the program ended. Now the
    document is closed as the window closes, whoever closes it (the clerk, Escape, the desk
    for another client), and a document read for a window never shown is closed too."""
    from suitcheck.gui import dialogs

    import_pdf(demo_services, tmp_path / "in")
    window = window_for()
    read: list[PdfPages] = []
    real = dialogs.load_pages

    def kept(opened: Any) -> PdfPages | None:
        pages = real(opened)
        assert pages is not None
        read.append(pages)
        return pages

    monkeypatch.setattr(dialogs, "load_pages", kept)
    for close in ("the clerk", "Escape", "the desk"):
        viewer = open_for(qtbot, window, "880005", "星辰半导体")
        pdf = viewer.pdf
        assert pdf is not None
        qtbot.waitUntil(lambda pdf=pdf: pdf.rendered is not None, timeout=10_000)
        assert not document_closed(pdf.pages)
        if close == "the clerk":
            viewer.close()
        elif close == "Escape":
            viewer.reject()
        else:
            window.close_viewers()
        assert document_closed(pdf.pages), close
        qtbot.waitUntil(lambda: not window.viewers, timeout=10_000)
    # Read for a client the clerk left meanwhile: never shown, and not kept either.
    find_client(qtbot, window, "880003")
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "星辰半导体")
    qtbot.waitUntil(window.open_button.isEnabled, timeout=10_000)
    gate = gated_open(window, monkeypatch)
    window.open_button.click()
    find_client(qtbot, window, "880003")
    gate.set()
    qtbot.waitUntil(lambda: len(read) == 4 and not window.runner.busy(), timeout=10_000)
    assert not window.viewers
    assert [document_closed(pages) for pages in read] == [True] * 4


class _ScaledScreen:
    """A 1366x768 screen at 150 % (QT_SCALE_FACTOR=1.5): 911x512 as the window sees it."""

    def availableGeometry(self) -> QRect:
        return QRect(0, 0, 911, 512)


def test_on_a_screen_at_150_percent_the_report_window_opens_within_it(  # type: ignore[no-untyped-def]
    qtbot, demo_services, tmp_path, monkeypatch
) -> None:
    """Was BROKE: the report window opened at 980x720 whatever the screen: at 150 % on a
    1366x768 screen (911x512 as windows see it) its right-hand find box and the bottom of
    the page were off the screen. Now it opens within the screen, as the other dialogs do."""
    import_pdf(demo_services, tmp_path / "in")
    advisor = login(demo_services, "demo-advisor")
    [report] = [r for r in demo_services.reports.search(advisor) if r.title == TITLE]
    decision = demo_services.access.check(advisor, "880005", report.id)
    opened = demo_services.access.open_report(advisor, "880005", report.id)
    client = demo_services.investors.get(advisor, "880005")
    monkeypatch.setattr(ReportViewer, "screen", lambda self: _ScaledScreen())
    viewer = ReportViewer(opened, client, decision, advisor, pages=PdfPages(opened.original))
    qtbot.addWidget(viewer)
    viewer.show()  # laid out: its own minimum would win
    assert viewer.width() <= 911
    assert viewer.height() <= 512


def test_a_report_whose_file_fails_its_check_at_opening_shows_one_answer(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services, message_boxes
) -> None:
    """Was BROKE: a report whose stored file was replaced (its row and seal untouched) was
    checked ALLOWED (a check reads the sealed rows, not the file); Open then refused it,
    the service recording the opening as a block for record-integrity, and the clerk saw
    "the decision is BLOCKED" in a box over a panel asking to check again and a column
    still saying ALLOWED. Now the refusal's decision
    (the services': BLOCKED, the record-integrity reason, its audit entry) takes the
    allow's place in the panel and the column, and Open stays off."""
    from sqlalchemy import select, text

    from suitcheck.domain.decision import Reason
    from suitcheck.store.models import AuditEntry

    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    assert window.report is not None
    report_id = window.report.id
    with demo_services.store.engine.begin() as conn:
        conn.execute(text("UPDATE report_content SET original = :b WHERE report_id = :r"), {"b": b"x", "r": report_id})
    qtbot.waitUntil(window.open_button.isEnabled, timeout=10_000)
    assert window.decision.result is not None
    assert window.decision.result.decision.outcome is Outcome.ALLOW
    window.open_button.click()
    qtbot.waitUntil(lambda: not window._opening and not window.runner.busy(), timeout=10_000)
    with demo_services.store.engine.connect() as conn:
        refused = conn.execute(
            select(AuditEntry.seq).where(AuditEntry.action == "open-refused", AuditEntry.report_id == report_id)
        ).scalar_one()
    shown = window.decision.result
    assert shown is not None
    assert (shown.decision.outcome, shown.decision.reasons, shown.audit_id) == (
        Outcome.BLOCK, (Reason.RECORD_INTEGRITY,), refused,
    )  # fmt: skip
    assert window.decision.verdict.text() == "BLOCKED"
    assert window.report_model.verdict(report_id) is Outcome.BLOCK
    assert not window.open_button.isEnabled()
    assert not window.viewers
    # The box says what the panel says.
    refusing = "This report may not be opened for this client: the decision is BLOCKED."
    assert message_boxes == [("The client may not read this report.", refusing)]


def test_pages_paged_past_are_not_drawn(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Was wrong: every page the clerk paged past (PageDown held in a long report) was still
    drawn, each in turn on the shared pool, and thrown away: the desk's client search and
    checks waited behind them. A page no longer wanted when its turn comes is not drawn."""
    pages = PdfPages(many_pages_pdf(30))
    drawn, asked = pages.render, []

    def render(index: int, scale: float) -> Any:
        asked.append(index)
        return drawn(index, scale)

    monkeypatch.setattr(pages, "render", render)
    held = threading.Event()
    QThreadPool.globalInstance().start(lambda: held.wait(HELD_S))  # the pool busy: the pages queue
    QThreadPool.globalInstance().start(lambda: held.wait(HELD_S))
    try:
        view = PdfView(pages, "赵一鸣 880005")
        qtbot.addWidget(view)
        view.show()
        for page in range(1, 30):
            view.go_to(page)
    finally:
        held.set()
    qtbot.waitUntil(lambda: view.rendered == (29, view.scale()), timeout=10_000)
    assert QThreadPool.globalInstance().waitForDone(10_000)
    assert asked == [29]
    view.close_pages()
