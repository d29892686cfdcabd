"""The compliance dashboard: the dashboard service's figures over a date range, as charts
(QtCharts), exportable as one PNG. Nothing is counted here."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.decision import Outcome, Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.gui import texts
from suitcheck.gui.i18n import QT_TRANSLATE_NOOP, translated
from suitcheck.gui.messages import error_text
from suitcheck.gui.widgets import date_edit, error_label, qdate, resize_within_screen
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.dashboard import PROFESSIONAL, UNASSESSED, UNRATED, DashboardFigures
from suitcheck.services.errors import ServiceError
from suitcheck.services.files import staged_file

COLOURS = {
    Outcome.ALLOW.value: "#2e7d32",
    Outcome.BLOCK.value: "#c62828",
    Outcome.ALLOW_AFTER_WARNING.value: "#ef8f00",
}
BAR = "#3b6ea5"
OUTCOMES = {
    Outcome.ALLOW: QT_TRANSLATE_NOOP("Dashboard", "allowed"),
    Outcome.BLOCK: QT_TRANSLATE_NOOP("Dashboard", "blocked"),
    Outcome.ALLOW_AFTER_WARNING: QT_TRANSLATE_NOOP("Dashboard", "after warning"),
}
OTHERS = {
    UNASSESSED: QT_TRANSLATE_NOOP("Dashboard", "not assessed"),
    PROFESSIONAL: QT_TRANSLATE_NOOP("Dashboard", "professional"),
    UNRATED: QT_TRANSLATE_NOOP("Dashboard", "unrated"),
}
SHORT_REASONS = {
    Reason.PROFILE_BELOW_LEVEL.value: QT_TRANSLATE_NOOP("Dashboard", "level above profile"),
    Reason.REPORT_UNRATED.value: QT_TRANSLATE_NOOP("Dashboard", "report unrated"),
    Reason.ASSESSMENT_MISSING.value: QT_TRANSLATE_NOOP("Dashboard", "never assessed"),
    Reason.ASSESSMENT_EXPIRED.value: QT_TRANSLATE_NOOP("Dashboard", "assessment expired"),
    Reason.ASSESSMENT_FUTURE_DATED.value: QT_TRANSLATE_NOOP("Dashboard", "future assessment date"),
    Reason.LOWEST_CATEGORY.value: QT_TRANSLATE_NOOP("Dashboard", "lowest category"),
    Reason.REASSESSMENT_DUE.value: QT_TRANSLATE_NOOP("Dashboard", "re-assessment due"),
    Reason.RECORD_INTEGRITY.value: QT_TRANSLATE_NOOP("Dashboard", "record changed outside"),
}


def _category_axis(labels: list[str], angle: int) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(labels)
    axis.setLabelsAngle(angle)
    axis.setTruncateLabels(False)
    axis.setGridLineVisible(False)
    return axis


def _value_axis(top: int, headroom: bool = False) -> QValueAxis:
    """Whole-number ticks (these are counts) in 1-2-5 steps, at most five intervals."""
    top = max(1, top + (math.ceil(top * 0.12) if headroom else 0))
    magnitude = 1
    while not any(top <= 5 * s * magnitude for s in (1, 2, 5)):
        magnitude *= 10
    step = next(s * magnitude for s in (1, 2, 5) if top <= 5 * s * magnitude)
    upper = step * math.ceil(top / step)
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, upper)
    axis.setTickCount(upper // step + 1)
    return axis


def _label(key: str) -> str:
    if key in OTHERS:
        return translated("Dashboard", OTHERS[key])
    if key in SHORT_REASONS:
        return translated("Dashboard", SHORT_REASONS[key])
    for kind in (RiskProfile, RiskLevel):
        try:
            member = kind[key]
        except KeyError:
            continue
        return texts.profile_text(member) if kind is RiskProfile else texts.level_text(member)  # type: ignore[arg-type]
    return key


class DashboardDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.figures: DashboardFigures | None = None
        self._generation = 0
        self.setWindowTitle(self.tr("Compliance dashboard"))
        today = services.ctx.shown_today()
        self.since = date_edit(self, today - dt.timedelta(days=29))
        self.since.setObjectName("dashboardFrom")
        self.until = date_edit(self, today)
        self.until.setObjectName("dashboardTo")
        self.refresh_button = QPushButton(self.tr("&Show"), self)
        self.refresh_button.setObjectName("dashboardRefresh")
        self.refresh_button.setDefault(True)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(self.tr("&Export PNG…"), self)
        self.export_button.setObjectName("dashboardExport")
        self.export_button.clicked.connect(self._browse)
        self.export_button.setEnabled(False)
        self.message = error_label(self, "dashboardMessage")
        self.exported = QLabel(self)
        self.exported.setObjectName("dashboardExported")
        self.exported.setTextFormat(Qt.TextFormat.PlainText)  # it names a file the user chose
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("From:"), self))
        top.addWidget(self.since)
        top.addWidget(QLabel(self.tr("To:"), self))
        top.addWidget(self.until)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.export_button)

        self.charts_area = QWidget(self)
        self.charts_area.setObjectName("dashboardCharts")
        self.charts_area.setAutoFillBackground(True)
        grid = QGridLayout(self.charts_area)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.views: dict[str, QChartView] = {}
        for name, row, column, span in (
            ("decisions", 0, 0, 2),
            ("blocks", 0, 2, 1),
            ("clients", 1, 0, 1),
            ("reports", 1, 1, 1),
            ("expiring", 1, 2, 1),
        ):
            view = QChartView(self.charts_area)
            view.setObjectName(f"chart_{name}")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(220, 180)
            grid.addWidget(view, row, column, 1, span)
            self.views[name] = view
        self.totals = QLabel(self)
        self.totals.setObjectName("dashboardTotals")
        self.totals.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.charts_area, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.exported)
        resize_within_screen(self, 1300, 720)
        self.refresh()

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        self.message.clear()
        self.refresh_button.setEnabled(False)
        lo, hi = qdate(self.since), qdate(self.until)

        def failed(exc: BaseException) -> None:
            self.refresh_button.setEnabled(True)
            self.message.setText(error_text(exc) if isinstance(exc, ServiceError) else str(exc))

        self._generation += 1
        generation = self._generation

        def done(figures: DashboardFigures) -> None:
            if generation == self._generation:  # an older request answering late is dropped
                self.show_figures(figures)

        def failed_now(exc: BaseException) -> None:
            if generation == self._generation:
                failed(exc)

        self.runner.start(Job(self.services.dashboard.figures, self.actor, lo, hi), done, failed_now)

    def show_figures(self, figures: DashboardFigures) -> None:
        self.refresh_button.setEnabled(True)
        self.figures = figures
        self.export_button.setEnabled(True)
        self.views["decisions"].setChart(self._decisions_chart(figures))
        self.views["blocks"].setChart(
            self._bars(self.tr("Blocks by reason"), list(figures.blocks_by_reason.items()), horizontal=True)
        )
        self.views["clients"].setChart(
            self._bars(
                self.tr("Clients by risk profile (now)"), list(figures.clients_by_profile.items()), horizontal=True
            )
        )
        self.views["reports"].setChart(
            self._bars(self.tr("Reports by risk level (now)"), list(figures.reports_by_level.items()), horizontal=True)
        )
        self.views["expiring"].setChart(
            self._bars(
                self.tr("Assessments expiring per month"),
                list(figures.expiring_by_month),
                raw_labels=True,
            )
        )
        totals = figures.decisions_total
        self.totals.setText(
            self.tr("{lo} to {hi}: {allowed} allowed, {blocked} blocked, {warned} after warning.").format(
                lo=figures.period_from.isoformat(),
                hi=figures.period_to.isoformat(),
                allowed=totals[Outcome.ALLOW.value],
                blocked=totals[Outcome.BLOCK.value],
                warned=totals[Outcome.ALLOW_AFTER_WARNING.value],
            )
        )

    # -- charts --------------------------------------------------------------------------
    def _chart(self, title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setVisible(False)
        return chart

    def _decisions_chart(self, figures: DashboardFigures) -> QChart:
        chart = self._chart(self.tr("Decisions per day"))
        series = QStackedBarSeries()
        for outcome in (Outcome.ALLOW, Outcome.BLOCK, Outcome.ALLOW_AFTER_WARNING):
            bars = QBarSet(translated("Dashboard", OUTCOMES[outcome]))
            bars.setColor(QColor(COLOURS[outcome.value]))
            bars.append([float(day[outcome.value]) for _, day in figures.decisions_per_day])
            series.append(bars)
        chart.addSeries(series)
        days = [d for d, _ in figures.decisions_per_day]
        step = max(1, math.ceil(len(days) / 31))  # at most ~31 labels; the rest stay blank
        axis = _category_axis(
            # Categories must be unique: the unlabelled days get distinct invisible names.
            [d.strftime("%m-%d") if n % step == 0 else "\u200b" * (n + 1) for n, d in enumerate(days)],
            angle=-90,
        )
        chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis)
        top = max((sum(day.values()) for _, day in figures.decisions_per_day), default=0)
        values = _value_axis(top)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)
        chart.legend().setVisible(True)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        return chart

    def _bars(
        self, title: str, points: list[tuple[str, int]], horizontal: bool = False, raw_labels: bool = False
    ) -> QChart:
        chart = self._chart(title)
        if not points:
            chart.setTitle(title + " — " + self.tr("none"))
            return chart
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        bars = QBarSet(title)
        bars.setColor(QColor(BAR))
        ordered = list(reversed(points)) if horizontal else points  # the first on top
        bars.append([float(n) for _, n in ordered])
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsInsideEnd)
        bars.setLabelColor(QColor("white"))
        chart.addSeries(series)
        categories = _category_axis(
            [key if raw_labels else _label(key) for key, _ in ordered], angle=0 if horizontal else -90
        )
        values = _value_axis(max(n for _, n in points), headroom=True)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        return chart

    # -- export --------------------------------------------------------------------------
    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the dashboard"),
            str(Path.home() / f"suitcheck-dashboard-{self.services.ctx.shown_today():%Y%m%d}.png"),
            self.tr("PNG images (*.png)"),
        )
        if name:
            self.export_png(Path(name if name.lower().endswith(".png") else name + ".png"))

    def export_png(self, path: Path) -> bool:
        """The charts and the totals line as one PNG."""
        image = self.charts_area.grab()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        written = image.save(buffer, "PNG")
        buffer.close()
        if written:
            try:  # as every file suitcheck writes: 0600, whole or not at all (services.files)
                with staged_file(path) as tmp:
                    tmp.write_bytes(data.data())
            except (OSError, ServiceError):
                written = False
        if not written:
            self.message.setText(self.tr("The image could not be written to {path}.").format(path=path))
            return False
        self.message.clear()
        self.exported.setText(self.tr("Exported to {path}").format(path=path))
        return True
