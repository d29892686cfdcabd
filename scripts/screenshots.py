"""Render the main window (and the main dialogs) on a demo store to PNG, in Chinese and English.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py docs/

Needs a CJK font installed (Debian: fonts-noto-cjk), or Chinese renders as boxes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from suitcheck.gui.i18n import Translations
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import open_services
from suitcheck.services.demo import DEMO_PASSWORD, seed_demo


def settle(app: QApplication, window: MainWindow, rounds: int = 40) -> None:
    for _ in range(rounds):
        app.processEvents()
        window.runner.wait(2000)
    app.processEvents()


def main(out: Path, extra: bool) -> None:
    folder = Path(tempfile.mkdtemp(prefix="suitcheck-shots-"))
    os.environ.setdefault("SUITCHECK_AUDIT_KEY", str(folder / "audit.key"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    services = open_services(folder / "demo.db", init=True)
    seed_demo(services)
    for language, suffix in (("zh_CN", "zh"), ("en", "en")):
        translations = Translations(app)
        translations.apply(language)
        actor = services.auth.login("demo-compliance", DEMO_PASSWORD)
        settings = QSettings(str(folder / f"{suffix}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(services, actor, settings, demo=True)
        window.resize(1366, 768)
        window.show()
        settle(app, window)
        window.client_search.setText("880003")
        window.refresh_clients()
        settle(app, window)
        window.clients_view.selectRow(0)
        settle(app, window)
        for row in range(window.report_model.rowCount()):
            if "创业板" in window.report_model.row_object(row).title:
                window.reports_view.selectRow(
                    window.report_proxy.mapFromSource(window.report_model.index(row, 0)).row()
                )
        settle(app, window)
        window.check()  # what the settle timer does a moment later
        settle(app, window)
        window.grab().save(str(out / f"main-window-{suffix}.png"))
        if extra:
            from suitcheck.gui.dialogs import AuditDialog, ImportDialog, LoginDialog, RatingDialog

            for name, dialog in (
                ("login", LoginDialog(services, window, demo=True)),
                ("rating", RatingDialog(services, actor, window)),
                ("audit", AuditDialog(services, actor, window)),
                ("import", ImportDialog(services, actor, window)),
            ):
                dialog.show()
                settle(app, window, 5)
                dialog.grab().save(str(out / f"{name}-{suffix}.png"))
                dialog.close()
        window.close()
        translations.apply("en")
    services.close()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    target.mkdir(parents=True, exist_ok=True)
    main(target, "--all" in sys.argv)
