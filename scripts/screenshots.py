"""Render the main window, the report window (a PDF), the findings queue, the audit
view, the staff accounts and the forced password change on a demo store to PNG, in
Chinese and English.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py docs/            # 1366x768
    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py /tmp/x --size 1024x768 --all
    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py docs/ --only staff,change-password

Needs a CJK font installed (Debian: fonts-noto-cjk), or Chinese renders as boxes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from suitcheck.domain.roles import Role
from suitcheck.gui.i18n import Translations
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import open_services
from suitcheck.services.auth import MAX_FAILED_LOGINS
from suitcheck.services.demo import DEMO_PASSWORD, seed_demo
from suitcheck.services.errors import AuthenticationFailed


def settle(app: QApplication, window: MainWindow, rounds: int = 40) -> None:
    for _ in range(rounds):
        app.processEvents()
        window.runner.wait(2000)
    app.processEvents()


def wait_for(app: QApplication, condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    app.processEvents()


def open_pdf_report(app: QApplication, window: MainWindow, folder: Path) -> QWidget:
    """Import a generated two-column PDF (test fixture generator, needs reportlab) and
    open it for a C5 client, as a clerk would."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.pdfs import two_column_report_pdf

    incoming = folder / "incoming"
    incoming.mkdir(exist_ok=True)
    (incoming / "star-semis.pdf").write_bytes(
        two_column_report_pdf(
            title="星辰半导体：先进封装放量，AI 芯片需求强劲",
            report_type="电子行业事件点评",
            date_line="2025 年 3 月 18 日",
            level_sentence="中风险",
            rating="超配（维持）",
            analysts=[("王小明", "S1230521020001"), ("李华", "S1230523070002")],
            body=[
                "事件：公司发布 2024 年年报，全年营收同比增长 32%，先进封装收入占比提升至 41%。",
                "点评：AI 芯片带动高端封装需求，产能利用率维持高位；新产线于四季度投产。" * 2,
                "风险提示：下游需求不及预期；产能爬坡慢于预期；行业竞争加剧。本段为合成示例文字。",
            ],
        )
    )
    compliance = window.services.auth.login("demo-compliance", DEMO_PASSWORD)
    if not any("星辰" in r.title for r in window.report_model.objects()):
        window.services.reports.import_paths(compliance, [incoming])
    window.client_search.setText("880005")
    window.refresh_clients()
    settle(app, window)
    window.refresh_reports()
    settle(app, window)
    for row in range(window.report_model.rowCount()):
        if "星辰" in window.report_model.row_object(row).title:
            window.reports_view.selectRow(window.report_proxy.mapFromSource(window.report_model.index(row, 0)).row())
    settle(app, window)
    window.check()
    settle(app, window)
    wait_for(app, lambda: window.decision.result is not None and not window._check_timer.isActive())
    window.open_report()
    settle(app, window)
    wait_for(app, lambda: bool(window.viewers))
    if not window.viewers:
        raise SystemExit(f"no report window: {window.client}, {window.report}, {window.decision.result}")
    viewer = window.viewers[-1]
    viewer.resize(1000, 740)
    settle(app, window)
    return viewer


def account_dialogs(app: QApplication, window: MainWindow, out: Path, suffix: str, only: set[str] | None) -> None:
    """The staff table (one account locked, one reset, one disabled) and the dialog a
    user whose password an administrator reset sees at login."""
    from suitcheck.gui.dialogs import ChangePasswordDialog, StaffDialog

    services = window.services
    admin = services.auth.login("demo-admin", DEMO_PASSWORD, record_success=True)
    if only is None or "staff" in only:
        names = {v.username for v in services.auth.list_staff(admin)}
        for name, display in (("wang.fang", "王芳"), ("li.lei", "李雷"), ("zhao.min", "赵敏")):
            if name not in names:
                services.auth.create_staff(admin, name, "plum river lantern 7", Role.ADVISOR, display)
        services.auth.login("demo-advisor", DEMO_PASSWORD, record_success=True)
        for _ in range(MAX_FAILED_LOGINS):
            with contextlib.suppress(AuthenticationFailed):
                services.auth.login("wang.fang", "a wrong guess")
        services.auth.reset_password(admin, "li.lei", "temporary pass 9")
        services.auth.set_disabled(admin, "zhao.min", True)
        staff = StaffDialog(services, admin, window)
        staff.resize(820, 400)
        staff.show()
        settle(app, window, 5)
        for row, view in enumerate(staff.model.objects()):
            if view.username == "wang.fang":
                staff.view.selectRow(staff.proxy.mapFromSource(staff.model.index(row, 0)).row())
        staff.unlock_button.setFocus()
        settle(app, window, 5)
        staff.grab().save(str(out / f"staff-accounts-{suffix}.png"))
        staff.close()
    if only is None or "change-password" in only:
        if "li.lei" not in {v.username for v in services.auth.list_staff(admin)}:
            services.auth.create_staff(admin, "li.lei", "plum river lantern 7", Role.ADVISOR, "李雷")
        services.auth.reset_password(admin, "li.lei", "temporary pass 9")
        change = ChangePasswordDialog(services, "li.lei", "temporary pass 9", window)
        change.show()
        settle(app, window, 5)
        change.new.setText("password123")
        change.again.setText("password123")
        change.accept()  # refused: the sentence shows under the fields
        settle(app, window, 5)
        change.grab().save(str(out / f"change-password-{suffix}.png"))
        change.close()


def offscreen_screen(folder: Path, size: tuple[int, int]) -> None:
    """Qt's offscreen screen is 800x800: give it one larger than the shots, or the main
    window (which opens maximized on a screen it does not fit) is drawn at 800x800. Before
    the QApplication is made."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        screen = folder / "screen.json"
        width, height = size[0] + 200, size[1] + 200
        screen.write_text(f'{{"screens": [{{"name": "s", "x": 0, "y": 0, "width": {width}, "height": {height}}}]}}')
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"


def main(out: Path, extra: bool, size: tuple[int, int] = (1366, 768), only: set[str] | None = None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="suitcheck-shots-"))
    offscreen_screen(folder, size)
    os.environ.setdefault("SUITCHECK_AUDIT_KEY", str(folder / "audit.key"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    services = open_services(folder / "demo.db", init=True)
    seed_demo(services)
    accounts = {"staff", "change-password"}
    for language, suffix in (("zh_CN", "zh"), ("en", "en")):
        translations = Translations(app)
        translations.apply(language)
        actor = services.auth.login("demo-compliance", DEMO_PASSWORD)
        settings = QSettings(str(folder / f"{suffix}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(services, actor, settings, demo=True)
        window.resize(*size)
        window.show()
        settle(app, window)
        if only is not None and only <= accounts:
            account_dialogs(app, window, out, suffix, only)
            window.close()
            translations.apply("en")
            continue
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
        wait_for(app, lambda w=window: w.decision.result is not None and not w._check_timer.isActive())
        window.grab().save(str(out / f"main-window-{suffix}.png"))
        from suitcheck.gui.dialogs import AuditDialog, ImportDialog, LoginDialog, RatingDialog

        viewer = open_pdf_report(app, window, folder)
        viewer.grab().save(str(out / f"report-viewer-{suffix}.png"))
        viewer.close()
        queue = RatingDialog(services, actor, window)
        queue.resize(1100, 520)
        queue.show()
        settle(app, window, 5)
        for row, report in enumerate(queue.model.objects()):
            if report.open_findings:
                queue.view.selectRow(row)
        settle(app, window, 5)
        queue.grab().save(str(out / f"findings-queue-{suffix}.png"))
        queue.close()
        from suitcheck.gui.dialogs.report_review import ReviewDialog

        hk = next(r for r in services.reports.search(actor) if "港股" in r.title)
        review = ReviewDialog(services, actor, services.reports.review(actor, hk.id), window)
        review.resize(1280, 700)
        review.show()
        settle(app, window, 5)
        review.grab().save(str(out / f"import-review-{suffix}.png"))
        review.close()
        audit = AuditDialog(services, actor, window)
        audit.resize(1300, 640)
        audit.show()
        settle(app, window, 5)
        audit.grab().save(str(out / f"audit-view-{suffix}.png"))
        audit.close()
        account_dialogs(app, window, out, suffix, only)
        if extra:
            for name, dialog in (
                ("login", LoginDialog(services, window, demo=True)),
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
    size = (1366, 768)
    if "--size" in sys.argv:
        width, height = sys.argv[sys.argv.index("--size") + 1].split("x")
        size = (int(width), int(height))
    only = set(sys.argv[sys.argv.index("--only") + 1].split(",")) if "--only" in sys.argv else None
    main(target, "--all" in sys.argv, size, only)
