"""The report's PDF pages on screen, rendered by PDFium (pypdfium2) into QImages off the
GUI thread, with page navigation, zoom, find-in-text and a watermark naming the client,
the staff member and the time.

Why pypdfium2 and not QtPdf: both render with the same engine (Qt's PDF module embeds
PDFium) and took the same time per page in our measurement (about 175 ms for an A4 page
at 150 dpi on a loaded 2-core machine); but QtPdf ships only in PySide6-Addons, a 175 MB
wheel pinned to the exact Qt version, while pypdfium2 is a 4 MB wheel (8.9 MB installed)
that also gives character boxes for find-in-text.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QKeySequence, QPainter, QPaintEvent, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from suitcheck.gui.workers import Job, Runner

_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call at a time, whichever thread
ZOOMS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0)
DPI = 96  # 100 % zoom shows a page at the size it would have on a 96-dpi screen
# A page is never drawn larger than this, whatever its size and the zoom: a page 200 inches
# square (14,400 points, the most a PDF page may measure) is 19,200 pixels square at 100 %,
# 1.1 GB of pixels (10 GB at 300 %), which ended the program. An A4 page at 300 % on a
# screen of device pixel ratio 2 is about 32 million pixels; a side longer than 16,384
# pixels is more than some platforms' pixmaps hold.
MAX_PAGE_PIXELS = 48_000_000
MAX_PAGE_SIDE = 16_384


@dataclass(frozen=True)
class Match:
    page: int
    rects: tuple[tuple[float, float, float, float], ...]  # left, bottom, right, top in PDF points


class PdfPages:
    """A PDF held in memory; every method may run on a worker thread. `close` gives PDFium's
    document (and the bytes it holds) back: a report window closes it as it closes, since
    otherwise each report opened in a session held its document until the program ended.
    A page asked for after that (a render still queued) is drawn as nothing, found nowhere."""

    def __init__(self, data: bytes) -> None:
        self.closed = False
        with _PDFIUM:
            self._doc = pdfium.PdfDocument(data)
            self.count = len(self._doc)
            self.sizes = [self._doc[i].get_size() for i in range(self.count)]  # points

    def fitted_scale(self, index: int, scale: float) -> float:
        """`scale`, or less where the page drawn at it would pass MAX_PAGE_PIXELS or
        MAX_PAGE_SIDE."""
        width, height = (float(side) for side in self.sizes[index])
        if width <= 0 or height <= 0:
            return scale  # PDFium refuses to draw it; the view says the page cannot be shown
        # A little under the bounds: PDFium rounds each side of the bitmap up to whole pixels.
        return min(
            scale,
            math.sqrt(MAX_PAGE_PIXELS / (width * height)) * 0.999,
            (MAX_PAGE_SIDE - 1) / width,
            (MAX_PAGE_SIDE - 1) / height,
        )

    def render(self, index: int, scale: float) -> QImage:
        scale = self.fitted_scale(index, scale)
        with _PDFIUM:
            if self.closed:
                return QImage()
            bitmap = self._doc[index].render(scale=scale, rev_byteorder=True)
            fmt = QImage.Format.Format_RGB888 if bitmap.n_channels == 3 else QImage.Format.Format_RGBA8888
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt)
            return image.copy()  # own the pixels before PDFium frees the bitmap

    def find(self, text: str) -> list[Match]:
        found: list[Match] = []
        if not text.strip():
            return found
        with _PDFIUM:
            if self.closed:
                return found
            for index in range(self.count):
                textpage = self._doc[index].get_textpage()
                searcher = textpage.search(text, match_case=False)
                while (hit := searcher.get_next()) is not None:
                    start, count = hit
                    boxes = tuple(textpage.get_charbox(i) for i in range(start, start + count))
                    found.append(Match(index, boxes))
        return found

    def close(self) -> None:
        """Idempotent; waits for a page being drawn or searched on a worker to finish."""
        with _PDFIUM:
            if not self.closed:
                self.closed = True
                self._doc.close()


class PageWidget(QWidget):
    """One rendered page, the current find matches and the watermark painted over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPage")
        self.pixmap: QPixmap | None = None
        self.scale = 1.0
        self.page_height = 0.0
        self.highlights: list[tuple[tuple[float, float, float, float], bool]] = []
        self.watermark = ""

    def clear(self) -> None:
        """No page: a page that could not be drawn leaves no other page's pixels behind."""
        self.pixmap = None
        self.highlights = []
        self.update()

    def show_image(self, image: QImage, scale: float, page_height: float) -> None:
        self.pixmap = QPixmap.fromImage(image)
        self.scale, self.page_height = scale, page_height
        self.setFixedSize(self.pixmap.size())
        self.update()

    def to_pixels(self, box: tuple[float, float, float, float]) -> QRectF:
        left, bottom, right, top = box
        s = self.scale
        return QRectF(
            QPointF(left * s, (self.page_height - top) * s), QPointF(right * s, (self.page_height - bottom) * s)
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        if self.pixmap is not None:
            painter.drawPixmap(0, 0, self.pixmap)
        for box, current in self.highlights:
            painter.fillRect(self.to_pixels(box).adjusted(-1, -1, 1, 1), QColor(255, 140, 0, 120 if current else 70))
        if self.watermark:
            painter.setPen(QColor(120, 120, 120, 60))
            font = QFont(self.font())
            font.setPointSize(max(9, int(14 * self.scale / (DPI / 72))))
            painter.setFont(font)
            painter.translate(self.width() / 2, self.height() / 2)
            painter.rotate(-30)
            step = max(120, painter.fontMetrics().height() * 6)
            for y in range(-self.height(), self.height(), step):
                painter.drawText(
                    QRectF(-self.width(), y, self.width() * 2, step), Qt.AlignmentFlag.AlignCenter, self.watermark
                )
        painter.end()


class PdfView(QWidget):
    """Page navigation, zoom and find over PdfPages; renders on the worker pool."""

    page_shown = Signal(int)  # for tests and the screenshot script to wait on

    def __init__(self, pages: PdfPages, watermark: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfView")
        self.pages = pages
        self.runner = Runner(self)
        self.page = 0
        self.zoom = ZOOMS.index(1.0)
        self.matches: list[Match] = []
        self.match = -1
        self._generation = 0
        self.rendered: tuple[int, float] | None = None
        self._page_failed = False  # the find bar says the page on screen cannot be shown

        self.previous_button = QPushButton(self)
        self.previous_button.setObjectName("previousPage")
        self.next_button = QPushButton(self)
        self.next_button.setObjectName("nextPage")
        self.page_box = QSpinBox(self)
        self.page_box.setObjectName("pageNumber")
        self.page_box.setRange(1, max(1, pages.count))
        self.page_count = QLabel(self)
        self.zoom_out = QPushButton("−", self)
        self.zoom_out.setObjectName("zoomOut")
        self.zoom_in = QPushButton("+", self)
        self.zoom_in.setObjectName("zoomIn")
        self.zoom_label = QLabel(self)
        self.find_edit = QLineEdit(self)
        self.find_edit.setObjectName("findInReport")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setMinimumWidth(220)
        self.find_button = QPushButton(self)
        self.find_button.setObjectName("findNext")
        self.find_status = QLabel(self)
        self.find_status.setObjectName("findStatus")
        bar = QHBoxLayout()
        w: QWidget
        for w in (self.previous_button, self.page_box, self.page_count, self.next_button):
            bar.addWidget(w)
        bar.addSpacing(16)
        for w in (self.zoom_out, self.zoom_label, self.zoom_in):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.find_edit, self.find_button, self.find_status):
            bar.addWidget(w)
        self.page_widget = PageWidget()
        self.page_widget.watermark = watermark
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("pdfScroll")
        self.scroll_area.setWidget(self.page_widget)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setBackgroundRole(self.scroll_area.backgroundRole())
        self.scroll_area.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll_area, 1)

        self.previous_button.clicked.connect(lambda: self.go_to(self.page - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.page + 1))
        self.page_box.valueChanged.connect(lambda n: self.go_to(n - 1))
        self.zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom + 1))
        self.zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom - 1))
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_button.clicked.connect(self.find_next)
        for keys, slot in (
            (QKeySequence.StandardKey.MoveToNextPage, lambda: self.go_to(self.page + 1)),
            (QKeySequence.StandardKey.MoveToPreviousPage, lambda: self.go_to(self.page - 1)),
            (QKeySequence.StandardKey.ZoomIn, lambda: self.set_zoom(self.zoom + 1)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.set_zoom(self.zoom - 1)),
            (QKeySequence.StandardKey.Find, self._focus_find),
            (QKeySequence.StandardKey.FindNext, self.find_next),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # The document goes with the view, however it goes (its window closed, or deleted
        # with the desk): `pages`, not self, is kept by the slot.
        self.destroyed.connect(lambda *_, pages=pages: pages.close())
        self.retranslate()
        self._render()

    def close_pages(self) -> None:
        """Give the document back (the window is closing): nothing drawn for it lands after."""
        self._generation += 1
        self.pages.close()

    def retranslate(self) -> None:
        self.previous_button.setText(self.tr("◀ Previous"))
        self.next_button.setText(self.tr("Next ▶"))
        self.page_count.setText(self.tr("of {n}").format(n=self.pages.count))
        self.find_edit.setPlaceholderText(self.tr("Find in report (Ctrl+F)"))
        self.find_button.setText(self.tr("Find next"))
        self.zoom_in.setToolTip(self.tr("Zoom in (Ctrl++)"))
        self.zoom_out.setToolTip(self.tr("Zoom out (Ctrl+-)"))

    # -- navigation and zoom --------------------------------------------------------------
    def go_to(self, page: int) -> None:
        page = max(0, min(self.pages.count - 1, page))
        if page == self.page and self.rendered is not None:
            return
        self.page = page
        self._render()

    def set_zoom(self, zoom: int) -> None:
        self.zoom = max(0, min(len(ZOOMS) - 1, zoom))
        self._render()

    def scale(self) -> float:
        return ZOOMS[self.zoom] * DPI / 72 * self.devicePixelRatioF()

    def _render(self) -> None:
        if self.pages.closed:
            return
        self._generation += 1
        generation, page = self._generation, self.page
        scale = self.pages.fitted_scale(page, self.scale())  # a huge page at the size it can be drawn
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.pages.count - 1)
        # The zoom the page is drawn at: less than the step chosen for a page too large for it.
        self.zoom_label.setText(f"{round(scale / self.scale() * ZOOMS[self.zoom] * 100)} %")
        self.zoom_in.setEnabled(self.zoom < len(ZOOMS) - 1)
        self.zoom_out.setEnabled(self.zoom > 0)

        def draw() -> QImage | None:
            # Runs on the shared pool: a page paged past (PageDown held) is not drawn when
            # its turn comes, so the desk's searches and checks do not wait behind it.
            if generation != self._generation:
                return None
            return self.pages.render(page, scale)

        def show(image: QImage | None) -> None:
            if image is None or generation != self._generation:
                return  # the clerk moved on meanwhile
            if self._page_failed:  # the sentence was about the page before
                self._page_failed = False
                self.find_status.clear()
            image.setDevicePixelRatio(self.devicePixelRatioF())
            self.page_widget.show_image(image, scale / self.devicePixelRatioF(), self.pages.sizes[page][1])
            self._show_highlights()
            self.rendered = (page, scale)
            self.page_shown.emit(page)

        def failed(_exc: BaseException) -> None:
            if generation != self._generation:
                return  # a page asked for since is on its way
            self.page_widget.clear()
            self.rendered = None
            self._page_failed = True
            self.find_status.setText(self.tr("This page cannot be shown."))

        self.runner.start(Job(draw), show, failed)

    def _find_failed(self, _exc: BaseException) -> None:
        self.find_status.setText(self.tr("The report cannot be searched."))

    # -- find -------------------------------------------------------------------------------
    def _focus_find(self) -> None:
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def find_next(self) -> None:
        """First press searches the whole document (off the GUI thread); then each press
        moves to the next match, on whatever page it is."""
        text = self.find_edit.text()
        if self.matches and getattr(self, "_searched", None) == text:
            self._go_to_match(self.match + 1)
            return
        self._searched = text

        def found(matches: list[Match]) -> None:
            if self._searched != text:
                return
            self.matches = matches
            self._go_to_match(0)

        self.runner.start(Job(self.pages.find, text), found, self._find_failed)

    def _go_to_match(self, number: int) -> None:
        if not self.matches:
            self.match = -1
            self.find_status.setText(self.tr("Not found") if self.find_edit.text().strip() else "")
            self._show_highlights()
            return
        self.match = number % len(self.matches)
        self.find_status.setText(self.tr("{i} of {n}").format(i=self.match + 1, n=len(self.matches)))
        target = self.matches[self.match].page
        if target != self.page:
            self.go_to(target)
        else:
            self._show_highlights()

    def _show_highlights(self) -> None:
        current = self.matches[self.match] if 0 <= self.match < len(self.matches) else None
        self.page_widget.highlights = [
            (box, m is current) for m in self.matches if m.page == self.page for box in m.rects
        ]
        self.page_widget.update()
        if current is not None and current.page == self.page and current.rects:
            spot = self.page_widget.to_pixels(current.rects[0]).center()
            self.scroll_area.ensureVisible(int(spot.x()), int(spot.y()), 50, 120)
