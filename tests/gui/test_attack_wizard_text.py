"""The assessment wizard given a questionnaire whose texts and ids hold markup: the client
must read what the file holds, the words the confirmation sheet prints."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from suitcheck.gui.dialogs.assessment_wizard import AssessmentWizard
from suitcheck.services import Services
from tests.domain.test_questionnaire import raw
from tests.gui.conftest import login


def test_question_texts_and_ids_are_shown_as_written_never_as_markup(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services
) -> None:
    """Was BROKE: the wizard showed a question's texts in labels that take markup when the
    text looks like it (Qt's AutoText): a question written 您<font color="#ffffff">不</font>能
    承受本金损失吗？ showed the client 您能承受本金损失吗？ (the 不 drawn white on white), while
    the record and the confirmation sheet hold the question with 不. And the result page
    put a knock-out question's id into its markup unescaped, and an answer's & (R&D) was
    taken for a button's shortcut mark (shown RD, D underlined). All are shown as written."""
    compliance = login(demo_services, "demo-compliance")
    data = raw()
    hidden = '您<font color="#ffffff">不</font>能承受本金损失吗？'
    data["questions"][1]["text"] = hidden
    data["questions"][1]["text_en"] = 'Can you <span style="display:none">not</span> bear a loss?'
    data["questions"][1]["answers"][0]["text"] = "R&D 人员"  # an & marks a shortcut key in a button's text
    knockout = data["questions"][0]
    assert knockout["answers"][1]["knockout"] is True
    knockout["id"] = "<s>capacity</s>"
    demo_services.questionnaire.import_definition(compliance, json.dumps(data))
    wizard = AssessmentWizard(demo_services, compliance, demo_services.investors.get(compliance, "880008"))
    qtbot.addWidget(wizard)
    page = wizard.question_pages[1]
    shown = [label for label in page.findChildren(QLabel) if label.text() in (hidden, data["questions"][1]["text_en"])]
    assert len(shown) == 2
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in shown)
    assert "R&&D 人员" in page.buttons[0].text()  # shown as R&D, not RD with D underlined
    wizard.question_pages[0].choose(1)  # the knock-out answer
    for later in wizard.question_pages[1:]:
        later.choose(0)
    wizard.result_page.initializePage()
    assert "&lt;s&gt;capacity&lt;/s&gt;" in wizard.result_page.summary.text()
