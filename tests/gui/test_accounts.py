"""Accounts in the desktop: the forced password change after an administrator's reset (at
the login screen and the lock screen), and the staff table with its actions and refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox, QPushButton, QWidget

from suitcheck.domain.roles import Role
from suitcheck.gui.dialogs import ChangePasswordDialog, LockDialog, LoginDialog, StaffDialog
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.dialogs.staff import AddStaffDialog, ResetPasswordDialog
from suitcheck.gui.i18n import Translations
from suitcheck.gui.models import StaffTableModel
from suitcheck.services import Services
from suitcheck.services.auth import MAX_FAILED_LOGINS, PasswordChangeRequired
from suitcheck.services.errors import AuthenticationFailed
from tests.gui.conftest import change_answered, login, password_answered
from tests.gui.modal import on_next_modal

TEMPORARY = "temporary pass 1"
CHOSEN = "lantern orchard 42"


@pytest.fixture
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    translations = Translations(qapp)
    assert translations.apply("zh_CN")
    yield
    translations.apply("en")


def ok(dialog: QWidget, qtbot=None) -> None:  # type: ignore[no-untyped-def]
    """Press OK; a dialog that records its change off the GUI thread is waited for."""
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    if isinstance(dialog, RecordingDialog):
        change_answered(qtbot, dialog)


def cancel(dialog: QWidget) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Cancel).click()


def reset_advisor(services: Services) -> None:
    services.auth.reset_password(login(services, "demo-admin"), "demo-advisor", TEMPORARY)


def type_passwords(dialog: QWidget, first: str, second: str | None = None) -> None:
    assert isinstance(dialog, (ChangePasswordDialog, AddStaffDialog, ResetPasswordDialog))
    new = dialog.new if isinstance(dialog, ChangePasswordDialog) else dialog.password
    new.setText(first)
    dialog.again.setText(first if second is None else second)


def login_dialog(qtbot, services: Services, password: str) -> LoginDialog:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(services, demo=True)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "demo-advisor")
    qtbot.keyClicks(dialog.password, password)
    return dialog


# -- forced change at login --------------------------------------------------------------


def test_reset_by_admin_then_login_forces_a_change_and_logs_in(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    reset_advisor(demo_services)
    dialog = login_dialog(qtbot, demo_services, TEMPORARY)
    shown: list[str] = []

    def choose(change: QWidget) -> None:
        assert isinstance(change, ChangePasswordDialog)
        shown.append(change.findChild(QLabel, "passwordRule").text())
        type_passwords(change, CHOSEN)
        ok(change, qtbot)

    on_next_modal(choose)
    ok(dialog)
    password_answered(qtbot, dialog)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.actor is not None
    assert dialog.actor.username == "demo-advisor"
    assert shown
    assert "10 characters" in shown[0]
    assert "user name" in shown[0]  # the rule in plain words
    assert demo_services.auth.login("demo-advisor", CHOSEN).username == "demo-advisor"
    with pytest.raises(AuthenticationFailed):
        demo_services.auth.login("demo-advisor", TEMPORARY)  # the temporary password is gone
    admin = login(demo_services, "demo-admin")
    advisor = next(v for v in demo_services.auth.list_staff(admin) if v.username == "demo-advisor")
    assert not advisor.must_change_password
    assert advisor.last_login is not None  # recorded as a login


def test_cancelling_the_change_returns_to_login_without_logging_in(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    reset_advisor(demo_services)
    dialog = login_dialog(qtbot, demo_services, TEMPORARY)

    def half_way(change: QWidget) -> None:
        type_passwords(change, CHOSEN)  # typed, then thought better of it
        cancel(change)

    on_next_modal(half_way)
    ok(dialog)
    password_answered(qtbot, dialog)
    assert dialog.actor is None
    assert dialog.result() != LoginDialog.DialogCode.Accepted
    assert "not changed" in dialog.message.text()
    assert "not logged in" in dialog.message.text()
    assert dialog.password.text() == ""
    with pytest.raises(PasswordChangeRequired):
        demo_services.auth.login("demo-advisor", TEMPORARY)  # nothing changed
    with pytest.raises(AuthenticationFailed):
        demo_services.auth.login("demo-advisor", CHOSEN)


def test_a_weak_or_mismatched_password_keeps_the_dialog_with_the_sentence(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    reset_advisor(demo_services)
    dialog = login_dialog(qtbot, demo_services, TEMPORARY)
    said: list[str] = []

    def attempts(change: QWidget) -> None:
        assert isinstance(change, ChangePasswordDialog)
        for first, second in (
            ("short", None),  # too short
            ("password123", None),  # common
            ("demo-advisor-2026", None),  # contains the user name
            (TEMPORARY, None),  # the temporary one again
            (CHOSEN, CHOSEN + "x"),  # typed differently twice
        ):
            type_passwords(change, first, second)
            ok(change, qtbot)
            assert change.isVisible()
            assert change.actor is None
            said.append(change.message.text())
            assert change.new.text() == change.again.text() == ""
        type_passwords(change, CHOSEN)
        ok(change, qtbot)

    on_next_modal(attempts)
    ok(dialog)
    password_answered(qtbot, dialog)
    assert said == [
        "A password needs at least 10 characters (a few words make a good one).",
        "This password is on the list of common or leaked passwords; choose another.",
        "A password must not be or contain the user name.",
        "The new password must differ from the old one.",
        "The two passwords differ; type the same new password twice.",
    ]
    assert dialog.actor is not None
    assert dialog.actor.username == "demo-advisor"


def test_the_forced_change_speaks_chinese(qtbot, chinese, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    reset_advisor(demo_services)
    dialog = login_dialog(qtbot, demo_services, TEMPORARY)
    seen: list[str] = []

    def weak_then_cancel(change: QWidget) -> None:
        assert isinstance(change, ChangePasswordDialog)
        seen.extend([change.windowTitle(), change.findChild(QLabel, "passwordRule").text()])
        type_passwords(change, "password123")
        ok(change, qtbot)
        seen.append(change.message.text())
        cancel(change)

    on_next_modal(weak_then_cancel)
    ok(dialog)
    password_answered(qtbot, dialog)
    seen.append(dialog.message.text())
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in seen), seen
    assert "常见" in seen[2]


def test_a_temporary_password_replaced_meanwhile_returns_to_login(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    reset_advisor(demo_services)
    dialog = login_dialog(qtbot, demo_services, TEMPORARY)

    def reset_again_then_choose(change: QWidget) -> None:
        demo_services.auth.reset_password(login(demo_services, "demo-admin"), "demo-advisor", "another temporary 2")
        type_passwords(change, CHOSEN)
        ok(change, qtbot)

    on_next_modal(reset_again_then_choose)
    ok(dialog)
    password_answered(qtbot, dialog)
    assert dialog.actor is None
    assert "wrong" in dialog.message.text()
    with pytest.raises(PasswordChangeRequired):
        demo_services.auth.login("demo-advisor", "another temporary 2")


def test_the_lock_screen_takes_a_reset_password_only_through_a_change(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    """An administrator reset the password while the user was away: the temporary one
    unlocks only by choosing a new one; cancelling leaves the screen locked."""
    advisor = login(demo_services, "demo-advisor")
    reset_advisor(demo_services)
    lock = LockDialog(demo_services, advisor)
    qtbot.addWidget(lock)
    lock.show()
    unlock = next(b for b in lock.findChildren(QPushButton) if b.text() == "Unlock")
    on_next_modal(cancel)
    qtbot.keyClicks(lock.password, TEMPORARY)
    unlock.click()
    qtbot.waitUntil(lambda: "not logged in" in lock.message.text(), timeout=10_000)  # checked off the GUI thread
    assert lock.result() != LockDialog.DialogCode.Accepted

    def choose(change: QWidget) -> None:
        type_passwords(change, CHOSEN)
        ok(change, qtbot)

    on_next_modal(choose)
    qtbot.keyClicks(lock.password, TEMPORARY)
    unlock.click()
    qtbot.waitUntil(lambda: lock.result() == LockDialog.DialogCode.Accepted, timeout=10_000)
    assert demo_services.auth.login("demo-advisor", CHOSEN).username == "demo-advisor"


# -- the staff table ---------------------------------------------------------------------


def staff_dialog(qtbot, services: Services, user: str = "demo-admin") -> StaffDialog:  # type: ignore[no-untyped-def]
    dialog = StaffDialog(services, login(services, user))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def select(dialog: StaffDialog, username: str) -> None:
    row = next(i for i, v in enumerate(dialog.model.objects()) if v.username == username)
    index = dialog.proxy.mapFromSource(dialog.model.index(row, 0))
    dialog.view.setCurrentIndex(index)


def shown_row(dialog: StaffDialog, username: str) -> dict[str, str]:
    model = dialog.model
    row = next(i for i, v in enumerate(model.objects()) if v.username == username)
    return {
        str(model.headerData(c, Qt.Orientation.Horizontal)): str(model.index(row, c).data())
        for c in range(model.columnCount())
    }


def enabled(dialog: StaffDialog) -> set[str]:
    buttons = {
        "disable": dialog.disable_button,
        "enable": dialog.enable_button,
        "unlock": dialog.unlock_button,
        "reset": dialog.reset_button,
    }
    return {name for name, button in buttons.items() if button.isEnabled()}


def lock_out(services: Services, username: str) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationFailed):
            services.auth.login(username, "a wrong guess")


def test_the_staff_table_shows_each_account_and_its_state(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    demo_services.auth.login("demo-advisor", "demo", record_success=True)
    lock_out(demo_services, "demo-compliance")
    dialog = staff_dialog(qtbot, demo_services)
    assert [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "User name",
        "Display name",
        "Role",
        "State",
        "Last login (UTC+8)",
    ]
    advisor = shown_row(dialog, "demo-advisor")
    assert advisor["Role"] == "advisor"
    assert advisor["State"] == "active"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", advisor["Last login (UTC+8)"])
    assert shown_row(dialog, "demo-compliance")["State"] == "locked"
    assert shown_row(dialog, "demo-compliance")["Last login (UTC+8)"] == "—"
    assert shown_row(dialog, "demo-admin")["Role"] == "administrator"
    assert dialog.add_button.isEnabled()
    assert enabled(dialog) == set()  # nothing selected: no row action


def test_buttons_apply_only_to_the_selected_account(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    lock_out(demo_services, "demo-compliance")
    admin = login(demo_services, "demo-admin")
    demo_services.auth.create_staff(admin, "gone.clerk", "plum river lantern 7", Role.ADVISOR)
    demo_services.auth.set_disabled(admin, "gone.clerk", True)
    dialog = staff_dialog(qtbot, demo_services)
    assert enabled(dialog) == set()
    assert dialog.add_button.isEnabled()
    select(dialog, "demo-admin")
    assert enabled(dialog) == set()  # neither disable nor reset oneself
    select(dialog, "demo-advisor")
    assert enabled(dialog) == {"disable", "reset"}
    select(dialog, "demo-compliance")
    assert enabled(dialog) == {"disable", "unlock", "reset"}
    select(dialog, "gone.clerk")
    assert enabled(dialog) == {"enable", "reset"}


def test_add_an_account(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    dialog = staff_dialog(qtbot, demo_services)
    said: list[str] = []

    def fill(add: QWidget) -> None:
        assert isinstance(add, AddStaffDialog)
        add.username.setText("new.clerk")
        add.display.setText("新 职员")
        add.role.setCurrentIndex(add.role.findData("compliance"))
        type_passwords(add, "short")
        ok(add, qtbot)
        said.append(add.message.text())
        type_passwords(add, "river stone 12", "river stone 13")
        ok(add, qtbot)
        said.append(add.message.text())
        type_passwords(add, "river stone 12")
        ok(add, qtbot)

    on_next_modal(fill)
    dialog.add_button.click()
    assert said == [
        "A password needs at least 10 characters (a few words make a good one).",
        "The two passwords differ; type the same password twice.",
    ]
    row = shown_row(dialog, "new.clerk")
    assert row["Display name"] == "新 职员"
    assert row["Role"] == "compliance"
    assert row["State"] == "active"
    assert dialog.selected() is not None
    assert dialog.selected().username == "new.clerk"
    assert dialog.message.text() == "Account new.clerk added as compliance."
    assert demo_services.auth.login("new.clerk", "river stone 12").role is Role.COMPLIANCE


def confirm_box(answer: str) -> object:
    def click(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert "new.clerk" in box.text() or "demo-advisor" in box.text()
        next(b for b in box.buttons() if b.text() == answer).click()

    return click


def test_disable_asks_first_and_enable_undoes_it(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    dialog = staff_dialog(qtbot, demo_services)
    select(dialog, "demo-advisor")
    on_next_modal(confirm_box("Cancel"))  # type: ignore[arg-type]
    dialog.disable_button.click()
    assert shown_row(dialog, "demo-advisor")["State"] == "active"
    assert demo_services.auth.login("demo-advisor", "demo")
    on_next_modal(confirm_box("Disable"))  # type: ignore[arg-type]
    dialog.disable_button.click()
    change_answered(qtbot, dialog)
    assert shown_row(dialog, "demo-advisor")["State"] == "disabled"
    assert dialog.message.text() == "Account demo-advisor disabled."
    assert enabled(dialog) == {"enable", "reset"}  # the selection stays on the account
    with pytest.raises(AuthenticationFailed, match="disabled"):
        demo_services.auth.login("demo-advisor", "demo")
    dialog.enable_button.click()
    change_answered(qtbot, dialog)
    assert shown_row(dialog, "demo-advisor")["State"] == "active"
    assert demo_services.auth.login("demo-advisor", "demo")


def test_unlock_a_locked_account(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    lock_out(demo_services, "demo-advisor")
    dialog = staff_dialog(qtbot, demo_services)
    select(dialog, "demo-advisor")
    dialog.unlock_button.click()
    change_answered(qtbot, dialog)
    assert shown_row(dialog, "demo-advisor")["State"] == "active"
    assert "unlocked" in dialog.message.text()
    assert not dialog.unlock_button.isEnabled()
    assert demo_services.auth.login("demo-advisor", "demo")


def test_reset_password_gives_a_temporary_one_that_must_be_changed(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    lock_out(demo_services, "demo-advisor")
    dialog = staff_dialog(qtbot, demo_services)
    select(dialog, "demo-advisor")
    intro: list[str] = []

    def reset(box: QWidget) -> None:
        assert isinstance(box, ResetPasswordDialog)
        intro.append(box.findChild(QLabel, "resetIntro").text())
        type_passwords(box, "demo-advisor 2026")  # refused: contains the user name
        ok(box, qtbot)
        intro.append(box.message.text())
        type_passwords(box, TEMPORARY)
        ok(box, qtbot)

    on_next_modal(reset)
    dialog.reset_button.click()
    assert "demo-advisor" in intro[0]
    assert "next login" in intro[0]
    assert intro[1] == "A password must not be or contain the user name."
    assert shown_row(dialog, "demo-advisor")["State"] == "must change password"  # and no longer locked
    assert "must choose a new one at their next login" in dialog.message.text()
    with pytest.raises(PasswordChangeRequired):
        demo_services.auth.login("demo-advisor", TEMPORARY)


def test_cancelling_a_reset_changes_nothing(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    dialog = staff_dialog(qtbot, demo_services)
    select(dialog, "demo-advisor")
    on_next_modal(cancel)
    dialog.reset_button.click()
    assert shown_row(dialog, "demo-advisor")["State"] == "active"
    assert demo_services.auth.login("demo-advisor", "demo").username == "demo-advisor"


def test_non_admins_get_the_services_refusal(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    dialog = staff_dialog(qtbot, demo_services, "demo-compliance")
    assert dialog.model.rowCount() == 0
    assert dialog.message.text() == "Your role (compliance) may not do this (manage staff accounts)."
    assert not dialog.add_button.isEnabled()
    assert enabled(dialog) == set()


def test_non_admins_see_no_staff_menu_entry(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    assert not window_for("demo-compliance").staff_action.isVisible()


def test_an_admin_disabled_meanwhile_is_refused_and_sees_why(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    """Another administrator disables this one while the dialog is open: the next action
    is refused by the service, the sentence shown, and the table emptied."""
    admin = login(demo_services, "demo-admin")
    demo_services.auth.create_staff(admin, "second.admin", "plum river lantern 7", Role.ADMIN)
    lock_out(demo_services, "demo-advisor")
    dialog = staff_dialog(qtbot, demo_services, "demo-admin")
    select(dialog, "demo-advisor")
    second = demo_services.auth.login("second.admin", "plum river lantern 7")
    demo_services.auth.set_disabled(second, "demo-admin", True)
    dialog.unlock_button.click()
    change_answered(qtbot, dialog)
    assert "disabled" in dialog.message.text()
    assert dialog.model.rowCount() == 0
    assert enabled(dialog) == set()
    assert not dialog.add_button.isEnabled()
    with pytest.raises(AuthenticationFailed):
        demo_services.auth.login("demo-advisor", "demo")  # still locked: nothing was done


def test_the_staff_dialog_speaks_chinese(qtbot, chinese, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    lock_out(demo_services, "demo-advisor")
    dialog = staff_dialog(qtbot, demo_services)
    texts = [dialog.windowTitle()] + [
        str(dialog.model.headerData(c, Qt.Orientation.Horizontal)) for c in range(StaffTableModel.LAST_LOGIN + 1)
    ]
    texts += [shown_row(dialog, "demo-advisor")[texts[1 + StaffTableModel.STATE]]]
    texts += [b.text() for b in (dialog.add_button, dialog.disable_button, dialog.unlock_button, dialog.reset_button)]
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in texts), texts
    refused = staff_dialog(qtbot, demo_services, "demo-compliance")
    assert "管理员工账号" in refused.message.text()
    assert "合规" in refused.message.text()
    assert QCoreApplication.translate("AccountStates", "must change password") != "must change password"


def test_every_permission_a_refusal_names_has_words(chinese) -> None:  # type: ignore[no-untyped-def]
    from suitcheck.domain.roles import Permission
    from suitcheck.gui import texts

    for permission in Permission:
        assert re.search(r"[\u4e00-\u9fff]", texts.permission_text(permission.value)), permission
