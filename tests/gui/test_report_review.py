"""Import review: compliance sees the extracted details beside the text and corrects them with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from suitcheck.domain.codes import AuditAction
from suitcheck.gui.dialogs import ImportDialog, RatingDialog, ReviewDialog
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from tests.fixtures import import_text_report, report_text
from tests.gui.conftest import change_answered, login


@pytest.fixture
def compliance(demo_services: Services) -> Actor:
    return login(demo_services, "demo-compliance")


def _dialog(qtbot, services: Services, actor: Actor, report_id: int) -> ReviewDialog:  # type: ignore[no-untyped-def]
    dialog = ReviewDialog(services, actor, services.reports.review(actor, report_id))
    qtbot.addWidget(dialog)
    return dialog


def _corrections(services: Services, actor: Actor) -> list[dict[str, object]]:
    entries = services.audit.browse(actor, AuditFilter(action=AuditAction.REPORT_CORRECTED))
    return [json.loads(e.facts) for e in entries]


def test_the_form_shows_the_extracted_details_beside_the_text(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, compliance: Actor, tmp_path: Path
) -> None:
    rid = import_text_report(demo_services, compliance, tmp_path, title="复核\x1b[31m标题")
    dialog = _dialog(qtbot, demo_services, compliance, rid)
    assert dialog.title.text() == "复核\x1b[31m标题"
    assert dialog.date.text() == "2025-03-18"
    analysts = dialog.findChild(QLabel, "reviewAnalysts").text().splitlines()
    assert len(analysts) == 3  # one analyst a line, not one line with \x0a between them
    assert "S1230521020001" in analysts[0]
    assert "\\x0a" not in "".join(analysts)
    assert "stated in the report (R3)" in dialog.findChild(QLabel, "reviewLevelSource").text()
    assert dialog.level.currentData() == "R3"
    text = dialog.text.toPlainText()
    assert "新一代封装产品" in text
    assert "\x1b" not in text  # control characters are shown escaped, never interpreted
    assert "\n" in text  # but the report's lines stay lines
    assert "\\x0a" not in text


def test_save_corrects_the_title_with_the_reason(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, compliance: Actor, tmp_path: Path
) -> None:
    rid = import_text_report(demo_services, compliance, tmp_path)
    dialog = _dialog(qtbot, demo_services, compliance, rid)
    dialog.title.setText("更正后的标题")
    dialog.reason.setText("封面标题抽取不全")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    change_answered(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert demo_services.reports.get(compliance, rid).title == "更正后的标题"
    (facts,) = _corrections(demo_services, compliance)
    assert (facts["field"], facts["new"], facts["reason"]) == ("title", "更正后的标题", "封面标题抽取不全")


def test_save_without_a_reason_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, compliance: Actor, tmp_path: Path, message_boxes
) -> None:
    rid = import_text_report(demo_services, compliance, tmp_path)
    before = demo_services.reports.get(compliance, rid)
    dialog = _dialog(qtbot, demo_services, compliance, rid)
    dialog.show()
    dialog.title.setText("更正后的标题")
    dialog.publisher.setText("别的机构")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    change_answered(qtbot, dialog)
    assert "Say why" in dialog.message.text()  # said in the dialog
    assert message_boxes == []
    assert dialog.isVisible()  # still open, the edits kept for a second try
    assert (dialog.title.text(), dialog.publisher.text()) == ("更正后的标题", "别的机构")
    assert dialog.title.isEnabled()
    assert demo_services.reports.get(compliance, rid) == before
    assert _corrections(demo_services, compliance) == []


def test_a_bad_date_is_refused_before_anything_is_saved(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, compliance: Actor, tmp_path: Path, message_boxes
) -> None:
    rid = import_text_report(demo_services, compliance, tmp_path)
    before = demo_services.reports.get(compliance, rid)
    dialog = _dialog(qtbot, demo_services, compliance, rid)
    dialog.title.setText("更正后的标题")
    dialog.date.setText("18/03/2025")
    dialog.reason.setText("日期有误")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    change_answered(qtbot, dialog)
    assert "YYYY-MM-DD" in dialog.message.text()
    assert demo_services.reports.get(compliance, rid) == before


def test_a_refusal_after_a_saved_field_keeps_that_field_saved_once(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """The date is saved, then the empty title is refused (the save runs on a worker, field
    by field): the dialog says why, and Save again after mending the title saves the title
    only, not the date a second time."""
    rid = import_text_report(demo_services, compliance, tmp_path)
    dialog = _dialog(qtbot, demo_services, compliance, rid)
    dialog.date.setText("2025-03-19")
    dialog.title.setText("")
    dialog.reason.setText("封面信息有误")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    change_answered(qtbot, dialog)
    assert "needs a title" in dialog.message.text()
    assert [f["field"] for f in _corrections(demo_services, compliance)] == ["published_on"]
    dialog.title.setText("更正后的标题")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    change_answered(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert sorted(str(f["field"]) for f in _corrections(demo_services, compliance)) == ["published_on", "title"]


def test_cancel_changes_nothing(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, compliance: Actor, tmp_path: Path
) -> None:
    rid = import_text_report(demo_services, compliance, tmp_path)
    before = demo_services.reports.get(compliance, rid)
    dialog = _dialog(qtbot, demo_services, compliance, rid)
    dialog.title.setText("更正后的标题")
    dialog.reason.setText("理由")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert demo_services.reports.get(compliance, rid) == before
    assert _corrections(demo_services, compliance) == []


def test_the_level_is_set_with_the_reason_as_note(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, compliance: Actor, tmp_path: Path
) -> None:
    rid = import_text_report(demo_services, compliance, tmp_path)
    dialog = _dialog(qtbot, demo_services, compliance, rid)
    dialog.level.setCurrentIndex(dialog.level.findData("R4"))
    dialog.reason.setText("按更高风险复核")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    change_answered(qtbot, dialog)
    assert demo_services.reports.get(compliance, rid).level_confirmed
    (entry,) = demo_services.audit.browse(compliance, AuditFilter(action=AuditAction.RATING_CHANGE))
    assert json.loads(entry.facts)["note"] == "按更高风险复核"


def test_import_and_rating_dialogs_open_the_review(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int] = []

    def fake_exec(dialog: ReviewDialog) -> int:
        opened.append(dialog.review.report.id)
        return 0

    monkeypatch.setattr(ReviewDialog, "exec", fake_exec)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(report_text(None, "导入复核测试报告"), encoding="utf-8")
    dialog = ImportDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    dialog.start([folder])
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    (result,) = dialog.model.objects()
    dialog.view.selectRow(0)
    assert dialog.review_button.isEnabled()
    dialog.review_button.click()
    assert opened == [result.report]

    rating = RatingDialog(demo_services, compliance)
    qtbot.addWidget(rating)
    row = next(i for i, r in enumerate(rating.model.objects()) if r.id == result.report)
    rating.view.selectRow(row)
    rating.findChild(QPushButton, "reviewReport").click()
    assert opened == [result.report, result.report]


def test_an_advisor_is_refused_the_review(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, compliance: Actor, tmp_path: Path, message_boxes
) -> None:
    from suitcheck.gui.dialogs import open_review

    rid = import_text_report(demo_services, compliance, tmp_path)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert not open_review(parent, demo_services, login(demo_services, "demo-advisor"), rid)
    assert "role" in message_boxes[-1][0]


def test_the_import_list_says_why_each_unrated_report_is_unrated(  # type: ignore[no-untyped-def]
    qtbot, qapp, demo_services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """Three things leave a report unrated, all with the code 'unrated': no level, two
    levels, a statement that cannot be read. The import list said 'No risk level is stated'
    for all three, also of a report stating two levels; it now gives the service's own
    sentence, in the desk's language."""
    from suitcheck.gui.i18n import Translations

    folder = tmp_path / "in"
    folder.mkdir()
    stated = report_text("中风险", "三种未评级之一")
    (folder / "a-none.txt").write_text(report_text(None, "三种未评级之二"), encoding="utf-8")
    (folder / "b-two.txt").write_text(stated + "\n本报告的风险等级为高风险。\n", encoding="utf-8")
    (folder / "c-unclear.txt").write_text(stated + "\n本报告的风险等级不为低风险。\n", encoding="utf-8")
    translations = Translations(qapp)
    assert translations.apply("zh_CN")
    try:
        dialog = ImportDialog(demo_services, compliance)
        qtbot.addWidget(dialog)
        dialog.start([folder])
        qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
        reasons = {Path(r.path).name: r.reason for r in dialog.model.objects()}
    finally:
        translations.apply("en")
    assert reasons == {
        "a-none.txt": "报告未注明风险等级；须经合规评级后方可阅读。",
        "b-two.txt": "报告对自身注明了两个不同的风险等级；须经合规评级后方可阅读。",
        "c-unclear.txt": "报告关于自身风险等级的表述无法读作单一等级；须经合规评级后方可阅读。",
    }
