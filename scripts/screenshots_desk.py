"""Render the compliance officer's desk (#12) on a demo store to PNG, in Chinese and
English: the main window with the reminders panel, the assessment wizard (a question and
the result before saving), the compliance dashboard and the preview of re-reading the
reports with a new subject table.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_desk.py docs/            # 1366x768
    QT_QPA_PLATFORM=offscreen python scripts/screenshots_desk.py /tmp/x --size 1024x768

The demo store is seeded 40 days back and a few dozen checks are made on each following
day, so the dashboard has something to draw. Needs a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import offscreen_screen, settle, wait_for

from suitcheck.gui.dialogs import AssessmentWizard, DashboardDialog, RereadDialog
from suitcheck.gui.i18n import Translations
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import open_services
from suitcheck.services.demo import DEMO_PASSWORD, seed_demo

DAYS = 40


class MovingClock:
    """Now, shifted back by `behind` days; the script moves it forward day by day."""

    def __init__(self, behind: int) -> None:
        self.behind = behind

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(days=self.behind)


def seed(folder: Path) -> tuple[object, MovingClock]:
    clock = MovingClock(DAYS)
    services = open_services(folder / "demo.db", init=True, clock=clock)
    seed_demo(services)
    advisor = services.auth.login("demo-advisor", DEMO_PASSWORD)
    compliance = services.auth.login("demo-compliance", DEMO_PASSWORD)
    reports = [r.id for r in services.reports.search(advisor)]
    clients = [c.account for c in services.investors.search(advisor)]
    for behind in range(DAYS - 1, -1, -1):
        clock.behind = behind
        if behind == 25:
            services.policy.update(compliance, allow_escalation=True)
        for n, account in enumerate(clients):
            for m, report in enumerate(reports):
                if (n * 7 + m * 3 + behind) % 5 < 2 + (behind % 3 == 0):
                    services.access.check(advisor, account, report)
    services.investors.mark_reassessment_due(advisor, "880004", "客户退休，收入来源变化")
    clock.behind = 0
    # A new subject table (bank and macro-economy subjects at R4, 港股 left out), for the
    # re-reading preview: two demo reports would be matched higher, one lower.
    table = [(k, lv.code) for k, lv in services.policy.current().subjects if k != "港股"]
    services.policy.set_subjects(compliance, [*table, ("经济", "R4"), ("银行业", "R4")])
    return services, clock


def on_screen(window: QWidget, dialog: QWidget) -> QPixmap:
    """The dialog centred over its window, as the screen shows it (the offscreen platform
    has no compositor to grab the screen from)."""
    screen = window.grab()
    painter = QPainter(screen)
    shot = dialog.grab()
    painter.fillRect(screen.rect(), QColor(0, 0, 0, 60))
    painter.drawPixmap((screen.width() - shot.width()) // 2, (screen.height() - shot.height()) // 2, shot)
    painter.end()
    return screen


def main(out: Path, size: tuple[int, int]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="suitcheck-desk-"))
    offscreen_screen(folder, size)  # it drew every shot at about 800x800
    os.environ.setdefault("SUITCHECK_AUDIT_KEY", str(folder / "audit.key"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    services, _clock = seed(folder)
    for language, suffix in (("zh_CN", "zh"), ("en", "en")):
        translations = Translations(app)
        translations.apply(language)
        actor = services.auth.login("demo-compliance", DEMO_PASSWORD)  # type: ignore[attr-defined]
        settings = QSettings(str(folder / f"{suffix}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(services, actor, settings, demo=True)  # type: ignore[arg-type]
        window.resize(*size)
        window.show()
        settle(app, window)
        wait_for(app, lambda w=window: w.reminders is not None and w.reminders.total is not None)
        settle(app, window)
        window.grab().save(str(out / f"reminders-{suffix}.png"))

        window.client_search.setText("880002")
        window.refresh_clients()
        settle(app, window)
        wait_for(app, lambda w=window: w.client is not None)
        wizard = AssessmentWizard(services, actor, window.client, window)  # type: ignore[arg-type]
        wizard.show()
        settle(app, window, 3)
        wizard.question_pages[0].choose(0)
        wizard.next()
        wizard.question_pages[1].choose(1)
        settle(app, window, 3)
        on_screen(window, wizard).save(str(out / f"assessment-wizard-{suffix}.png"))
        for page in wizard.question_pages[1:]:
            page.choose(min(2, len(page.question.answers) - 1))
            wizard.next()
        settle(app, window, 3)
        on_screen(window, wizard).save(str(out / f"assessment-result-{suffix}.png"))
        wizard.reject()  # nothing saved: the screenshots leave the store as it was

        dashboard = DashboardDialog(services, actor, window)  # type: ignore[arg-type]
        dashboard.since.setDate(dashboard.since.date().addDays(-10))
        dashboard.refresh()
        dashboard.resize(*size)
        dashboard.show()
        wait_for(app, lambda d=dashboard: d.figures is not None and d.figures.period_to == d.until.date().toPython())
        settle(app, window, 5)
        dashboard.grab().save(str(out / f"dashboard-{suffix}.png"))
        dashboard.close()

        reread = RereadDialog(services, actor, window)  # type: ignore[arg-type]
        reread.resize(min(960, size[0] - 60), min(520, size[1] - 120))
        reread.show()
        reread.start()
        wait_for(app, lambda d=reread: d.job is None)
        settle(app, window, 3)
        on_screen(window, reread).save(str(out / f"reread-{suffix}.png"))
        reread.close()  # a preview: nothing stored
        window.close()
        translations.apply("en")
    services.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    target.mkdir(parents=True, exist_ok=True)
    size = (1366, 768)
    if "--size" in sys.argv:
        width, height = sys.argv[sys.argv.index("--size") + 1].split("x")
        size = (int(width), int(height))
    main(target, size)
