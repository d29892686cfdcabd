"""Every word a user sees in the Chinese UI is Chinese: service and store sentences
(through gui/messages.py templates), audit actions, decisions and findings."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from suitcheck.domain.codes import AuditAction
from suitcheck.gui import messages, texts
from suitcheck.gui.i18n import Translations
from suitcheck.services import Services
from tests.gui.conftest import password_answered
from tests.gui.message_sources import SRC, user_sentences


@pytest.fixture
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    translations = Translations(qapp)
    assert translations.apply("zh_CN")
    yield
    translations.apply("en")


def test_every_service_sentence_has_a_template() -> None:
    sentences = user_sentences()
    assert len(sentences) > 40  # the scan found them
    missing = {text: where for text, where in sentences.items() if text not in messages.TEMPLATES}
    assert not missing, (
        "Sentences a user can see have no template in src/suitcheck/gui/messages.py "
        "(add them, then run scripts/update_translations.py and translate):\n"
        + "\n".join(f"  {where}: {text}" for text, where in missing.items())
    )


def test_every_template_is_translated_with_the_same_parameters(chinese) -> None:  # type: ignore[no-untyped-def]
    for template in messages.TEMPLATES:
        zh = QCoreApplication.translate(messages.CONTEXT, template)
        assert zh != template, template
        assert re.search(r"[\u4e00-\u9fff]", zh), template
        assert sorted(re.findall(r"\{(\w+)\}", zh)) == sorted(re.findall(r"\{(\w+)\}", template)), template


def test_a_service_sentence_is_shown_in_chinese_with_its_values(chinese) -> None:  # type: ignore[no-untyped-def]
    assert messages.message_text("A password needs at least 4 characters.") == "密码至少需要 4 个字符。"
    assert messages.message_text("No staff account is named 'li.lei'.") == "没有名为“li.lei”的员工账户。"
    shown = messages.message_text("This report may not be opened for this client: the decision is block.")
    assert shown == "不得为该客户打开此研报：判定为 禁止阅读。"
    # The verifier's sentences too (they were shown in English), one naming an entry twice.
    shown = messages.message_text("entry 23 does not link to the entry before it (prev_hash differs)")
    assert shown == "第 23 条与前一条接不上（prev_hash 不同）"
    sealed = (
        "the seal at entry 30 (installation ab12, epoch 2) no longer matches the trail before it: an entry "
        "between 20 and 30 was changed, inserted or removed after it was signed, or the seal is not signed by "
        "that epoch's key"
    )
    assert messages.message_text(sealed).startswith("第 30 条的封签（安装 ab12，第 2 期）")
    # A sentence nobody catalogued is shown as it is, never lost.
    assert messages.message_text("Something new happened.") == "Something new happened."


def test_an_unknown_sentence_stays_english_in_the_english_ui() -> None:
    assert messages.message_text("The start date is after the end date.") == "The start date is after the end date."


def _literal_actions() -> dict[str, str]:
    """Audit actions written as bare strings in services (each should be an AuditAction)."""
    codes: dict[str, str] = {}
    for path in (SRC / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "audit":
                if len(node.args) < 3:
                    continue
                for value in ast.walk(node.args[2]):
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        codes.setdefault(value.value, f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "action" for t in node.targets):
                for value in ast.walk(node.value):  # action = "open" if granted else "open-refused"
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        codes.setdefault(value.value, f"{path.name}:{node.lineno}")
    return codes


def test_services_record_actions_as_enum_members() -> None:
    """An action written as a string would escape the AuditAction list (and its words)."""
    assert not _literal_actions(), _literal_actions()


def test_every_audit_action_has_words(chinese) -> None:  # type: ignore[no-untyped-def]
    missing = [a for a in AuditAction if a not in texts.ACTIONS]
    assert not missing, f"audit actions without words in gui/texts.py ACTIONS: {missing}"
    for action in AuditAction:
        assert re.search(r"[\u4e00-\u9fff]", texts.action_text(action.value)), action
    assert texts.action_text("no-such-action") == "no-such-action"  # an unknown code is shown as it is


def test_audit_action_values_are_the_recorded_codes() -> None:
    """The values are in hashed audit entries: renaming one would break every old trail."""
    assert {a.value for a in AuditAction} >= {
        "check", "open", "open-refused", "override", "login", "login-failed", "export", "seal",
        "installation-registered", "record-sealed", "rating-change", "report-corrected",
    }  # fmt: skip


def test_every_action_in_a_store_is_an_audit_action(demo_services: Services, tmp_path: Path) -> None:
    compliance = demo_services.auth.login("demo-compliance", "demo")
    demo_services.audit.export(compliance, tmp_path / "all.jsonl", "jsonl")  # seals the trail
    recorded = {e.action for e in demo_services.audit.browse(compliance, limit=10_000)}
    assert {"seal", "installation-registered", "staff-created"} <= recorded
    assert all(AuditAction(code).value == code for code in recorded)


def test_every_finding_code_has_words(chinese) -> None:  # type: ignore[no-untyped-def]
    codes = set()
    for path in SRC.rglob("*.py"):
        codes |= set(re.findall(r"^FINDING_\w+\s*=\s*\"([\w-]+)\"", path.read_text(encoding="utf-8"), re.M))
    assert "level-below-subject" in codes
    for code in codes:
        assert code in texts.FINDINGS, f"finding {code!r} has no words in gui/texts.py FINDINGS"
        assert re.search(r"[\u4e00-\u9fff]", texts.finding_text(code)), code


def test_login_failure_is_chinese_in_the_chinese_ui(qtbot, chinese, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    from suitcheck.gui.dialogs import LoginDialog

    dialog = LoginDialog(demo_services, demo=True)
    qtbot.addWidget(dialog)
    dialog.username.setText("demo-advisor")
    dialog.password.setText("wrong")
    dialog.accept()
    password_answered(qtbot, dialog)
    assert dialog.message.text() == "用户名或密码错误（连续 5 次登录失败后，账户将锁定 15 分钟）。"
    assert "合规" in dialog.findChild(type(dialog.message), "demoLogins").text()  # role names too


def test_audit_view_shows_actions_and_decisions_in_chinese(qtbot, chinese, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from suitcheck.gui.dialogs import AuditDialog
    from suitcheck.gui.models import AuditTableModel
    from suitcheck.services.reports import ReportFilter

    advisor = demo_services.auth.login("demo-advisor", "demo")
    report = demo_services.reports.search(advisor, ReportFilter(), limit=1)[0]
    demo_services.access.check(advisor, "880003", report.id)
    compliance = demo_services.auth.login("demo-compliance", "demo")
    dialog = AuditDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    dialog.since.setDate(QDate(2000, 1, 1))
    dialog.until.setDate(QDate(2100, 1, 1))
    dialog.reload()
    model = dialog.model
    assert model.rowCount() > 0
    shown = {model.index(r, AuditTableModel.ACTION).data() for r in range(model.rowCount())}
    assert "核查" in shown
    assert not shown & set(texts.ACTIONS)
    decisions = {model.index(r, AuditTableModel.DECISION).data() for r in range(model.rowCount())} - {""}
    assert decisions
    assert all(re.search(r"[\u4e00-\u9fff]", d) for d in decisions)
    labels = [dialog.decision.itemText(i) for i in range(dialog.decision.count())]
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels)
    dialog.action.setCurrentIndex(dialog.action.findData("check"))
    assert {model.index(r, AuditTableModel.ACTION).data() for r in range(model.rowCount())} == {"核查"}


def test_audit_view_opens_on_the_firms_last_thirty_days(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    # The range ended on the desktop's date, not the firm's (Beijing) day every other range
    # uses: opened at 05:00 Beijing time on a desk set to UTC, today's entries were not listed.
    import datetime as dt

    from suitcheck.gui.dialogs import AuditDialog
    from suitcheck.gui.widgets import qdate

    compliance = demo_services.auth.login("demo-compliance", "demo")
    today = demo_services.ctx.today()
    dialog = AuditDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    assert (qdate(dialog.since), qdate(dialog.until)) == (today - dt.timedelta(days=30), today)
    assert dialog.model.rowCount() > 0  # the demo's entries and this login, all of today


def test_the_source_scan_sees_f_strings_and_reprs(tmp_path: Path) -> None:
    services = tmp_path / "suitcheck" / "services"
    services.mkdir(parents=True)
    (services / "x.py").write_text(
        "def f(name, n):\n"
        "    raise InvalidInput(f'No staff account is named {name!r} ({n} tries).')\n"
        "    failure = 'The user name or password is wrong.'\n"
        "_PROBLEMS = {1: f'A password needs at least {n} characters.'}\n"
        "class PasswordChangeRequired(AuthenticationFailed): pass\n"
        "def g():\n"
        "    raise PasswordChangeRequired('Choose a new password first.')\n",
        encoding="utf-8",
    )
    for folder in ("audit", "store"):
        (tmp_path / "suitcheck" / folder).mkdir()
    (tmp_path / "suitcheck" / "store" / "engine.py").write_text("", encoding="utf-8")
    found = user_sentences(tmp_path / "suitcheck")
    assert set(found) == {
        "No staff account is named '{name}' ({n} tries).",
        "The user name or password is wrong.",
        "A password needs at least {n} characters.",
        "Choose a new password first.",
    }


def test_verification_problems_are_shown_in_chinese(chinese) -> None:  # type: ignore[no-untyped-def]
    """What `audit verify` reports (the chain's and an export's cells') reaches the Chinese UI
    in Chinese, with its numbers."""
    assert messages.message_text("entry 7 was altered (its content no longer matches its hash)") == (
        "第 7 条被改动（内容与其哈希不再相符）"
    )
    shown = messages.message_text(
        "row 12's record, split over 4 cells, does not join into valid JSON: "
        "a continuation cell was edited, removed or reordered"
    )
    assert shown.startswith("第 12 行的记录分在 4 个单元格中")
    assert messages.message_text("entry 5 has a field of the wrong type; it was edited") == (
        "第 5 条有类型不对的字段：它被改动过"
    )


def test_a_report_import_stopped_by_the_store_is_shown_in_chinese(chinese) -> None:  # type: ignore[no-untyped-def]
    """The store's sentence with where the import stopped after it (services.reports)."""
    from suitcheck.services.reports import _stopped_at

    reached = "The database server for postgresql+psycopg://desk@db/suitcheck cannot be reached."
    for left in (1, 3):
        shown = messages.message_text(f"{reached} {_stopped_at('weekly-2.pdf', left)}")
        assert shown.startswith("无法连接 postgresql+psycopg://desk@db/suitcheck 的数据库服务器。"), shown
        assert "导入在" in shown, shown
        assert "weekly-2.pdf" in shown, shown
        assert not re.search(r"[A-Za-z]{4,} [a-z]", shown.replace("postgresql+psycopg", "")), shown


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_audit_log_dashboard_and_review_fit_1024x768(  # type: ignore[no-untyped-def]
    qtbot, qapp, demo_services: Services, monkeypatch, language
) -> None:
    # Opened at 1100 and 1300 px wide, the audit log's 'Verify export file…' and hash column,
    # the dashboard's right half and a report review's text were off a clerk's 1024x768
    # screen (looked at under Xvfb); the English audit log could not be narrower than 1,190.
    from PySide6.QtCore import QRect

    from suitcheck.gui import widgets
    from suitcheck.gui.dialogs import AuditDialog
    from suitcheck.gui.dialogs.dashboard import DashboardDialog
    from suitcheck.gui.dialogs.report_review import ReviewDialog

    monkeypatch.setattr(widgets, "screen_area", lambda widget: QRect(0, 0, 1024, 740))
    translations = Translations(qapp)
    assert translations.apply(language)
    try:
        compliance = demo_services.auth.login("demo-compliance", "demo")
        review = demo_services.reports.review(compliance, 5)
        for dialog in (
            AuditDialog(demo_services, compliance),
            DashboardDialog(demo_services, compliance),
            ReviewDialog(demo_services, compliance, review),
        ):
            qtbot.addWidget(dialog)
            dialog.show()
            if isinstance(dialog, DashboardDialog):
                qtbot.waitUntil(lambda d=dialog: d.figures is not None, timeout=10_000)
            assert dialog.width() <= 1024, (type(dialog).__name__, dialog.width())
            assert dialog.height() <= 740, (type(dialog).__name__, dialog.height())
            assert dialog.minimumSizeHint().width() <= 1024, type(dialog).__name__
            dialog.close()
    finally:
        translations.apply("en")


def test_report_findings_are_shown_in_chinese_with_their_detail(chinese, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    # A finding's detail is written in English by the services; the Chinese report list's
    # tooltip, the findings queue and the review dialog showed '低于主题对应等级 (stated R3,
    # subject implies R4 (subject table of policy version 2))'.
    compliance = demo_services.auth.login("demo-compliance", "demo")
    rows = [(word, level.code) for word, level in demo_services.policy.current().subjects]
    demo_services.policy.set_subjects(compliance, [*rows, ("银行业", "R4")])
    demo_services.reread.apply(compliance, demo_services.reread.preview(compliance))
    shown = []
    for report in (1, 5):  # re-read above its subject; stated below it at import
        for f in demo_services.reports.get(compliance, report).open_findings:
            shown.append(messages.finding_line(f.code, f.detail))
    words = "研报所述风险等级低于其主题对应的等级；按较高等级（就高）处理。"
    assert shown == [
        f"{words} (研报自述 R3，主题对应 R4（第 2 版政策的主题关键词表）)",
        f"{words} (研报自述 R3，主题对应 R4)",
    ], shown
    rated = "rated R2 by compliance, subject implies R4: 经复核，主题为港股通标的"
    expected = f"{words} (合规评定为 R2，主题对应 R4：经复核，主题为港股通标的)"
    assert messages.finding_line("level-below-subject", rated) == expected


def test_chinese_names_the_subject_table_one_way() -> None:
    # The policy dialog and a decision's reason say 主题 (关键词表); the re-read menu, dialog,
    # audit action and column said 标的表 / 标的对应等级, and the rating dialog 研究对象: a
    # compliance officer changing the 主题关键词表 looked for it under another name.
    import xml.etree.ElementTree as ET

    ts = SRC / "resources" / "translations" / "suitcheck_zh_CN.ts"
    other = {}
    for message in ET.parse(ts).getroot().iter("message"):
        source, translation = message.findtext("source") or "", message.findtext("translation") or ""
        if re.search(r"\bsubject", source, re.I) and re.search("标的|研究对象", translation):
            other[source] = translation
    assert not other, other


def test_the_chinese_audit_view_names_the_system_as_a_label(qtbot, chinese, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    """Was BROKE: entries the program made itself (seals, the demo's seeding) were listed
    under "system" in the Chinese audit view, as if a staff member had that user name. It
    is a label, shown in the desk's language, in full-width brackets (which no user name
    may hold) and grey; staff are listed by their user names as they are, and the raw
    value (what the filter and sorting use) stays the recorded one."""
    from PySide6.QtCore import QDate

    from suitcheck.gui.dialogs import AuditDialog
    from suitcheck.gui.models import AuditTableModel, RawRole
    from suitcheck.services.auth import RESERVED_USERNAMES

    assert set(texts.STAFF_LABELS) == set(RESERVED_USERNAMES)  # every name no staff may take has a label
    compliance = demo_services.auth.login("demo-compliance", "demo")
    dialog = AuditDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    dialog.since.setDate(QDate(2000, 1, 1))
    dialog.reload()
    model = dialog.model
    rows = [model.index(r, AuditTableModel.STAFF) for r in range(model.rowCount())]
    by_system = [i for i in rows if i.data(RawRole) == "system"]
    assert by_system  # the demo's seals
    assert {i.data() for i in by_system} == {"（系统）"}
    assert all(i.data(Qt.ItemDataRole.ForegroundRole) is not None for i in by_system)  # grey
    staff = [i for i in rows if i.data(RawRole) == "demo-compliance"]
    assert {i.data() for i in staff} == {"demo-compliance"}
    assert all(i.data(Qt.ItemDataRole.ForegroundRole) is None for i in staff)
