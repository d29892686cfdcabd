"""The desk's other writes behind another program's lock on the store (a second process in
BEGIN EXCLUSIVE on the SQLite file, tests/gui/test_attack_desk_locked.py's Holder): staff
accounts, a change of password, the policy and its subject table, a report's rating and its
review's corrections. Each waits for the lock off the GUI thread: the dialog says it saves
with its fields (or its list and buttons) held, OK again, Escape and Cancel wait, the change
is recorded once when the lock goes, and a list shows what the service answers. Nothing here
measures time: the tests assert what the dialog shows and that its event loop ran.
(SQLite only: a dialog waits the same behind PostgreSQL's lock, the earlier dialogs' tests say
so, and the CI budget is tight.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit, QPushButton, QWidget

from suitcheck.domain.codes import AuditAction
from suitcheck.gui.dialogs import ChangePasswordDialog, PolicyDialog, RatingDialog, ReviewDialog, StaffDialog
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.dialogs.staff import AddStaffDialog, ResetPasswordDialog, _PasswordForm
from suitcheck.services import Services
from suitcheck.services.demo import seed_demo
from suitcheck.store import engine as store_engine
from tests.conftest import FAST_HASHER, Clock, make_services
from tests.gui.conftest import START_UP_MS, Confirmations, change_answered, login
from tests.gui.test_attack_desk_locked import (
    GIVES_UP_MS,
    WAITS_MS,
    Holder,
    checks,
    late_answers_land,
    the_loop_runs,
    ticking,
)

TEMPORARY = "temporary pass 1"
CHOSEN = "lantern orchard 42"


@pytest.fixture
def locked(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], Services]]:
    """`locked(busy_ms)`: a demo store whose lock waits last busy_ms; the locks a test took
    are let go at its end, and the background work waited for before the store closes."""
    made: list[Services] = []

    def build(busy_ms: int) -> Services:
        monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", busy_ms)
        services = make_services(str(tmp_path / "demo.db"), clock)
        services.auth = type(services.auth)(services.ctx, FAST_HASHER)
        seed_demo(services)
        made.append(services)
        return services

    yield build
    QThreadPool.globalInstance().waitForDone(START_UP_MS)
    for services in made:
        services.close()


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    held: list[Holder] = []
    yield held
    for holder in held:
        holder.release()


def button(dialog: QDialog, which: QDialogButtonBox.StandardButton) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    if which == QDialogButtonBox.StandardButton.Ok and box.button(which) is None:
        which = QDialogButtonBox.StandardButton.Save  # the review's
    return box.button(which)


OK_DIALOGS = ["add staff", "reset a password", "change password at login", "policy", "review corrections"]


def ok_dialog(services: Services, which: str) -> tuple[RecordingDialog, str]:
    """The dialog filled in as the user would, and the audit action its OK records."""
    admin, compliance = login(services, "demo-admin"), login(services, "demo-compliance")
    if which == "add staff":
        add = AddStaffDialog(services, admin)
        add.username.setText("new.clerk")
        add.password.setText(CHOSEN)
        add.again.setText(CHOSEN)
        return add, AuditAction.STAFF_CREATED.value
    if which == "reset a password":
        reset = ResetPasswordDialog(services, admin, "demo-advisor")
        reset.password.setText(TEMPORARY)
        reset.again.setText(TEMPORARY)
        return reset, AuditAction.PASSWORD_RESET.value
    if which == "change password at login":
        services.auth.reset_password(admin, "demo-advisor", TEMPORARY)
        change = ChangePasswordDialog(services, "demo-advisor", TEMPORARY)
        change.new.setText(CHOSEN)
        change.again.setText(CHOSEN)
        return change, AuditAction.PASSWORD_CHANGED.value
    if which == "policy":
        policy = PolicyDialog(services, compliance)
        policy.validity.setValue(365)
        return policy, AuditAction.POLICY_CHANGE.value
    report = services.reports.search(compliance, limit=1)[0]
    review = ReviewDialog(services, compliance, services.reports.review(compliance, report.id))
    review.title.setText("更正后的标题")
    review.reason.setText("封面标题抽取不全")
    return review, AuditAction.REPORT_CORRECTED.value


@pytest.mark.parametrize("which", OK_DIALOGS)
def test_a_dialog_saved_behind_a_lock_keeps_running_and_records_once(  # type: ignore[no-untyped-def]
    qtbot, locked, holders, confirmations: Confirmations, which: str
) -> None:
    """Was BROKE: adding a staff account, resetting or changing a password, storing a policy
    version and saving a review's corrections wrote on the GUI thread; behind another
    program's lock the dialog and the window behind it froze (up to the busy timeout), then
    said the store was locked. Now the dialog says it saves with its fields held, OK again,
    Escape and Cancel wait, and once the lock goes the change is recorded once and the
    dialog closes, accepted."""
    services = locked(WAITS_MS)
    dialog, action = ok_dialog(services, which)
    qtbot.addWidget(dialog)
    dialog.show()
    before = checks(services, action)
    holders.append(holder := Holder(services))
    ticks = ticking(dialog)
    ok = button(dialog, QDialogButtonBox.StandardButton.Ok)
    ok.click()
    the_loop_runs(qtbot, ticks)  # not frozen behind the store's lock
    ok.click()  # the hurried user: again, then Escape, then Cancel
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    button(dialog, QDialogButtonBox.StandardButton.Cancel).click()
    the_loop_runs(qtbot, ticks)
    assert status(dialog) == "Saving…"
    assert dialog.isVisible()
    assert not any(w.isEnabled() for w in dialog.findChildren(QLineEdit) if not w.isReadOnly())
    assert checks(services, action) == before
    holder.release()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=START_UP_MS)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert checks(services, action) == before + 1
    assert dialog.recorded is not None or which == "review corrections"


@pytest.mark.parametrize("which", OK_DIALOGS)
def test_a_dialog_a_lock_outlasts_says_so_with_its_fields_given_back(  # type: ignore[no-untyped-def]
    qtbot, locked, holders, confirmations: Confirmations, which: str
) -> None:
    """The lock outlasts the busy timeout: the dialog stays open and says the store is
    locked in its own message line (no box over it), its fields given back as they were
    (a password typed twice is asked again), nothing recorded; OK again records it."""
    services = locked(GIVES_UP_MS)
    dialog, action = ok_dialog(services, which)
    qtbot.addWidget(dialog)
    dialog.show()
    typed = {w: w.text() for w in dialog.findChildren(QLineEdit) if not w.isReadOnly()}
    before = checks(services, action)
    holders.append(holder := Holder(services))
    button(dialog, QDialogButtonBox.StandardButton.Ok).click()
    change_answered(qtbot, dialog)
    assert "locked by another program" in status(dialog)
    assert dialog.isVisible()
    assert len(confirmations.shown) == (1 if which == "policy" else 0)  # the policy's question; no error box
    passwords = ("newPassword", "repeatPassword")
    for field in dialog.findChildren(QLineEdit):
        if field.isReadOnly():
            continue
        assert field.isEnabled()
        assert field.text() == ("" if field.objectName() in passwords else typed[field])
    assert checks(services, action) == before
    holder.release()
    for field in dialog.findChildren(QLineEdit):
        if field.objectName() in passwords:
            field.setText(TEMPORARY if which == "reset a password" else CHOSEN)
    button(dialog, QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=START_UP_MS)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert checks(services, action) == before + 1


LIST_ACTIONS = ["disable an account", "enable an account", "unlock an account", "rate a report", "subject table"]


def list_action(
    services: Services, which: str, folder: Path
) -> tuple[RecordingDialog, Callable[[], None], QWidget, str]:
    """The dialog with its list, the user's press of the action's button (a question it
    asks is answered yes), the button (a click gives it the keyboard) and the audit action
    it records."""
    admin, compliance = login(services, "demo-admin"), login(services, "demo-compliance")
    if which in ("disable an account", "enable an account", "unlock an account"):
        if which == "enable an account":
            services.auth.set_disabled(admin, "demo-advisor", True)
        if which == "unlock an account":
            services.auth.reset_password(admin, "demo-advisor", TEMPORARY)  # then locked out by guesses
            for _ in range(5):
                with pytest.raises(Exception, match="(?i)password|locked"):
                    services.auth.login("demo-advisor", "a wrong guess")
        staff = StaffDialog(services, admin)
        select_account(staff, "demo-advisor")
        name = {"disable an account": "disable", "enable an account": "enable", "unlock an account": "unlock"}[which]
        pressed: QPushButton = getattr(staff, f"{name}_button")
        action = {
            "disable an account": AuditAction.STAFF_DISABLED,
            "enable an account": AuditAction.STAFF_ENABLED,
            "unlock an account": AuditAction.STAFF_UNLOCKED,
        }[which]
        return staff, pressed.click, pressed, action.value
    if which == "rate a report":
        rating = RatingDialog(services, compliance)
        row = next(i for i, r in enumerate(rating.model.objects()) if r.level is None)
        rating.view.selectRow(row)
        rating.note.setText("按研究部确认")
        set_level = rating.findChild(QPushButton, "setLevel")
        assert set_level is not None
        return rating, set_level.click, set_level, AuditAction.RATING_CHANGE.value
    policy = PolicyDialog(services, compliance)
    table = folder / "subjects.csv"
    table.write_text("股票,R3\n创业板,R4\n期货,R5\n", encoding="utf-8")
    return policy, lambda: policy.load_file(table), policy.load_button, AuditAction.POLICY_CHANGE.value


def select_account(dialog: StaffDialog, username: str) -> None:
    row = next(i for i, v in enumerate(dialog.model.objects()) if v.username == username)
    dialog.view.setCurrentIndex(dialog.proxy.mapFromSource(dialog.model.index(row, 0)))


def shown(dialog: RecordingDialog) -> object:
    """What the dialog's list shows now: the accounts' states, the reports to rate, the
    subject table's keywords."""
    if isinstance(dialog, StaffDialog):
        return {v.username: (v.disabled, v.locked) for v in dialog.model.objects()}
    if isinstance(dialog, RatingDialog):
        return [r.id for r in dialog.model.objects()]
    assert isinstance(dialog, PolicyDialog)
    return (dialog.version, dialog.subjects.rowCount())


def status(dialog: RecordingDialog) -> str:
    """The dialog's line for "Saving…", a refusal or what was done."""
    if isinstance(dialog, RatingDialog):
        return dialog.status.text()
    assert isinstance(dialog, (_PasswordForm, ChangePasswordDialog, PolicyDialog, ReviewDialog, StaffDialog))
    return dialog.message.text()


@pytest.mark.parametrize("which", LIST_ACTIONS)
def test_a_list_action_behind_a_lock_holds_the_list_and_shows_what_the_service_answers(  # type: ignore[no-untyped-def]
    qtbot, locked, holders, confirmations: Confirmations, tmp_path: Path, which: str
) -> None:
    """Was BROKE: disabling, enabling or unlocking an account, rating a report and storing a
    new subject table wrote on the GUI thread; behind another program's lock the dialog
    froze. Now the dialog says it saves, its list and buttons are held (pressing again asks
    nothing more, Escape waits), and once the lock goes the change is recorded once and the
    list shows what the service has now, the dialog still open."""
    services = locked(WAITS_MS)
    dialog, press, pressed, action = list_action(services, which, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    pressed.setFocus()  # the user's click on it
    before, was = checks(services, action), shown(dialog)
    holders.append(holder := Holder(services))
    ticks = ticking(dialog)
    press()
    the_loop_runs(qtbot, ticks)  # not frozen behind the store's lock
    asked = len(confirmations.asked)
    press()  # again (the button is held: nothing more asked or sent), then Escape
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    the_loop_runs(qtbot, ticks)
    assert len(confirmations.asked) == asked
    assert status(dialog) == "Saving…"
    assert dialog.isVisible()
    box = dialog.findChild(QDialogButtonBox)  # the policy's OK and Cancel wait instead (tested above)
    held = [w for w in dialog.findChildren(QPushButton) if w.isVisible() and not (box and box.isAncestorOf(w))]
    assert held
    assert not any(w.isEnabled() for w in held)
    view = dialog.subjects if isinstance(dialog, PolicyDialog) else dialog.view  # type: ignore[attr-defined]
    assert not view.isEnabled()
    assert shown(dialog) == was
    holder.release()
    change_answered(qtbot, dialog)
    assert dialog.isVisible()
    assert checks(services, action) == before + 1
    assert status(dialog) != "Saving…"
    assert shown(dialog) != was  # read again from the service
    assert view.isEnabled()
    assert len(confirmations.shown) == asked  # no error box
    focus = QApplication.focusWidget()  # the keyboard is given back to the dialog
    assert focus is not None
    assert dialog.isAncestorOf(focus)


@pytest.mark.parametrize("which", ["add staff", "disable an account", "rate a report"])
def test_a_session_ended_while_a_change_waits_for_the_lock_takes_no_late_answer(  # type: ignore[no-untyped-def]
    qtbot, locked, holders, confirmations: Confirmations, tmp_path: Path, which: str
) -> None:
    """The user saves behind the lock and the session ends (Switch user closes every dialog
    with done(), as end_session does). The change was sent and is recorded once when the
    lock goes, but its answer finishes nothing for the next user: the dialog stays rejected
    and closed, and a list says nothing of it."""
    services = locked(WAITS_MS)
    if which == "add staff":
        dialog, action = ok_dialog(services, which)
        press = button(dialog, QDialogButtonBox.StandardButton.Ok).click
    else:
        dialog, press, _, action = list_action(services, which, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    before = checks(services, action)
    holders.append(holder := Holder(services))
    ticks = ticking(dialog)
    press()
    the_loop_runs(qtbot, ticks)
    said = status(dialog)
    assert said == "Saving…"
    dialog.done(QDialog.DialogCode.Rejected)  # the session ends
    late_answers_land(holder)
    assert checks(services, action) == before + 1  # sent before the session ended: recorded
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.isVisible()
    assert status(dialog) == ""  # neither "disabled", nor "is now R…", nor a refusal
