"""Attack: compliance changes things between an advisor's read and their write (session 24,
midtask-attack). Each race is made deterministic: compliance acts at a chosen point of the
advisor's work, through the services, on both backends where the PostgreSQL path differs."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.roles import Permission, Role
from suitcheck.services import Actor, Services, access, investors, reminders
from suitcheck.services.errors import Conflict, DecisionRefuses, InvalidInput, ServiceError
from tests.attack.test_attack_shared_store import desk_waits_for_the_trail_or_is_done
from tests.conftest import PASSWORD, TODAY, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report
from tests.ingest.test_level_attack import _report
from tests.services.test_policy_subjects import OLDER


def _entries(services: Services, compliance: Actor, action: str) -> list[Any]:
    return [e for e in services.audit.browse(compliance) if e.action == action]


def test_an_edit_from_a_form_shown_before_another_desks_change_is_refused(
    services: Services, compliance: Actor
) -> None:
    """A client edit sends every field its form shows, changed or not. Compliance put the
    client in the lowest category (and flagged special attention) while another officer's
    form, opened before, stood on screen; that officer corrected a typo in the name and
    saved: the form's old `lowest_category=False` lifted the flag compliance had just set,
    with the reason "typo in the name" (only compliance lifts it, for a reason about it).
    The edit names what it was shown; a record changed since is refused, nothing stored."""
    second = staff(services, Role.COMPLIANCE, "t-comp2")
    add_client(services, compliance, "E1", RiskProfile.C1)
    shown = services.investors.get(second, "E1")
    services.investors.update(compliance, "E1", lowest_category=True, special_attention=True, reason="guardian")
    edits = len(_entries(services, compliance, "client-edited"))
    with pytest.raises(Conflict, match="Another desk changed this client's record since it was shown"):
        services.investors.update(
            second,
            "E1",
            name="客户E1改",
            investor_class=shown.investor_class,
            lowest_category=shown.lowest_category,
            special_attention=shown.special_attention,
            reason="typo in the name",
            based_on=shown,
        )
    now = services.investors.get(compliance, "E1")
    assert (now.name, now.lowest_category, now.special_attention) == ("客户E1", True, True)
    assert len(_entries(services, compliance, "client-edited")) == edits
    # Shown the record as it now stands, the same correction is stored, the flags kept.
    fresh = services.investors.get(second, "E1")
    services.investors.update(
        second,
        "E1",
        name="客户E1改",
        investor_class=fresh.investor_class,
        lowest_category=fresh.lowest_category,
        special_attention=fresh.special_attention,
        reason="typo in the name",
        based_on=fresh,
    )
    now = services.investors.get(compliance, "E1")
    assert (now.name, now.lowest_category, now.special_attention) == ("客户E1改", True, True)


@pytest.mark.parametrize("meanwhile", ["report raised to R5", "client re-assessed C2"])
def test_an_override_is_recorded_only_for_the_warning_the_client_was_given(
    sqlite_services: Services, tmp_path: Path, meanwhile: str
) -> None:
    """The desk offered the warning under its check: "this R4 report is above your C3
    profile". Compliance raised the report to R5 (or the client was re-assessed C2) while
    the clerk read the warning out; the client confirmed and the clerk recorded. The
    override was recorded for R5 (or C2): the trail said the client confirmed a warning
    about facts they were never told, and the report opened under it. The override names
    the decision it was offered under; other facts now are refused, nothing recorded."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "O3", RiskProfile.C3)
    policy = services.policy.update(compliance, allow_escalation=True)
    shown = services.access.check(advisor, "O3", r4)
    assert (shown.decision.outcome, shown.decision.level, shown.decision.profile) == (
        Outcome.ALLOW_AFTER_WARNING,
        RiskLevel.R4,
        RiskProfile.C3,
    )
    if meanwhile == "report raised to R5":
        services.reports.set_level(compliance, r4, RiskLevel.R5, note="options on the index")
    else:
        services.investors.assess(compliance, "O3", RiskProfile.C2, TODAY, note="branch form")
    still = services.access.check(advisor, "O3", r4)
    assert still.decision.outcome is Outcome.ALLOW_AFTER_WARNING  # a warning still, but about other facts
    assert still.may_override
    with pytest.raises(InvalidInput, match="changed since the warning was shown; nothing was recorded"):
        services.access.record_override(
            advisor,
            "O3",
            r4,
            warning_version=policy.warning_version,
            client_confirmed=True,
            shown=shown.decision,
        )
    assert not _entries(services, compliance, "override")
    with pytest.raises(DecisionRefuses):
        services.access.open_report(advisor, "O3", r4)
    # The warning given again for the decision now: recorded with the facts it was given for.
    done = services.access.record_override(
        advisor, "O3", r4, warning_version=policy.warning_version, client_confirmed=True, shown=still.decision
    )
    assert (done.decision.level, done.decision.profile) == (still.decision.level, still.decision.profile)
    assert done.may_open


def _list_entries(services: Services, compliance: Actor) -> list[dict[str, Any]]:
    return [json.loads(e.facts) for e in _entries(services, compliance, "distribution-list")]


def test_a_shown_list_records_the_level_it_was_made_at_not_one_set_after(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`eligible` without --out lists the clients in one snapshot, then records the list
    in a second transaction, reading the report and the policy again there. Compliance
    raised the R3 report to R4 in between: the entry said "distribution list at R4" for a
    list holding a C3 client (one `check` blocks), after the rating in the trail. The list
    is made against one state, said in its entry (`as_of`, the newest entry it saw); a
    report, policy or client change since that the list does not survive is refused."""
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "L3", RiskProfile.C3)
    real = investors.make_view
    raise_it = [False, True]  # popped: raised while the first list is read only

    def raised_meanwhile(*a: Any, **kw: Any) -> Any:
        view = real(*a, **kw)
        if raise_it.pop():
            services.reports.set_level(compliance, r3, RiskLevel.R4, note="Hong Kong listing")  # another desk
        return view

    monkeypatch.setattr(access, "make_view", raised_meanwhile)  # as the list makes each client's view
    with pytest.raises(ServiceError, match="distribution list was made from changed while it was being made"):
        services.access.eligible_shown(advisor, r3)
    assert not _list_entries(services, compliance)
    # Made again against the report as it now stands: the C3 client is not on it.
    assert services.access.eligible_shown(advisor, r3) == []
    (entry,) = _list_entries(services, compliance)
    assert entry["level"] == "R4"
    (rating,) = _entries(services, compliance, "rating-change")
    (made,) = _entries(services, compliance, "distribution-list")
    assert rating.seq <= entry["as_of"] < made.seq  # made against the rating


def _write_with_change(services: Services, actor: Actor, report: int, out: Path, change: Any) -> Any:
    """write_eligible with `change` made at another desk once the first rows are written."""
    done: list[bool] = []

    def progress(_count: int) -> None:
        if not done:
            done.append(True)
            change()

    return services.access.write_eligible(actor, report, out, progress=progress)


@pytest.mark.parametrize("change", ["re-assessed C2", "professional made ordinary"])
def test_a_written_list_holds_no_client_reassessed_below_it_while_it_was_written(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path, change: str
) -> None:
    """The distribution list (`eligible --out`, the desk's dialog) is written from one
    snapshot and recorded afterwards. A C4 client re-assessed C2 while an R4 report's list
    was being written stayed on the list, recorded after the re-assessment in the trail:
    the firm sent an R4 report to a C2 client, and the trail says it listed them when they
    were C2. Refused now, no file; a change the list survives is recorded with `as_of`."""
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    if change == "re-assessed C2":
        add_client(services, compliance, "W4", RiskProfile.C4)
        meanwhile: Any = lambda: services.investors.assess(  # noqa: E731
            compliance, "W4", RiskProfile.C2, TODAY, note="branch form"
        )
    else:  # no profile: the rules' SQL gives NULL, not false, for them
        add_client(services, compliance, "W4", None, None, investor_class=InvestorClass.PROFESSIONAL)
        meanwhile = lambda: services.investors.update(  # noqa: E731
            compliance, "W4", investor_class=InvestorClass.ORDINARY, reason="below the thresholds"
        )
    add_client(services, compliance, "W5", RiskProfile.C5)
    out = tmp_path / "list.csv"
    with pytest.raises(ServiceError, match="distribution list was made from changed while it was being made"):
        _write_with_change(services, advisor, r4, out, meanwhile)
    assert not out.exists()
    assert not _list_entries(services, compliance)
    # A client who stays eligible (C5 re-assessed C4) does not stop the list.
    written = _write_with_change(
        services,
        advisor,
        r4,
        out,
        lambda: services.investors.assess(compliance, "W5", RiskProfile.C4, TODAY, note="branch form"),
    )
    assert written.count == 1
    (entry,) = _list_entries(services, compliance)
    assert entry["file_sha256"] == written.sha256
    assert isinstance(entry["as_of"], int)


def test_a_list_is_not_recorded_for_staff_disabled_while_it_was_written(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """The permission was checked when the list began; an administrator disabled the
    advisor while the file was being written, and the list was still placed and recorded,
    after the `staff-disabled` entry in the trail. Now the staff row is read again under
    the trail's lock: the refusal is recorded, no file, no list entry."""
    admin, advisor = staff(services, Role.ADMIN, "t-root"), staff(services, Role.ADVISOR)
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "S4", RiskProfile.C4)
    out = tmp_path / "list.csv"
    disable = lambda: services.auth.set_disabled(admin, advisor.username, True)  # noqa: E731
    with pytest.raises(ServiceError) as refused:
        _write_with_change(services, advisor, r4, out, disable)
    assert "distribution list" not in str(refused.value)  # the account's refusal, not a list that moved
    assert not out.exists()
    assert not _list_entries(services, compliance)
    assert _entries(services, compliance, "refused") or _entries(services, compliance, "login-failed")


def test_a_reminder_list_names_the_policy_its_rows_were_listed_under(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reminders --out` listed the clients in one transaction and read the policy again in
    another for the file's title and its audit entry. Compliance shortened the validity to
    365 days in between: the file and the entry said "policy version 2" over rows listed
    under version 1's 730 days, leaving off a client assessed 400 days ago whom version 2
    makes expired. The rows, the policy and the day are read in one snapshot."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "M1", RiskProfile.C3, days_ago=400)
    add_client(services, compliance, "M2", RiskProfile.C3, days_ago=720)  # expiring soon under 730 days
    real = reminders._reminder
    changed: list[bool] = []

    def policy_changed_meanwhile(*a: Any, **kw: Any) -> Any:
        if not changed:
            changed.append(True)
            services.policy.update(compliance, validity_days=365)  # another desk, committed
        return real(*a, **kw)

    monkeypatch.setattr(reminders, "_reminder", policy_changed_meanwhile)
    out = tmp_path / "reminders.csv"
    written = services.reminders.write(compliance, out)
    assert changed
    (entry,) = _entries(services, compliance, "reminder-list")
    facts = json.loads(entry.facts)
    assert (written.count, facts["policy_version"]) == (1, 1)  # M2 only, under version 1


def _other_desk_meanwhile(first: Services, action: Any) -> tuple[Any, list[threading.Thread]]:
    """A hook that starts `action` at another desk (a thread) once, and returns when it has
    committed, or waits for this desk's chain lock (then it follows this desk's change)."""
    desk: list[threading.Thread] = []

    def waiting_or_done() -> bool:
        return desk_waits_for_the_trail_or_is_done(first, desk[0])

    def meanwhile() -> None:
        if desk:
            return
        desk.append(threading.Thread(target=action))
        desk[0].start()
        for _ in range(2_000):  # until it has committed, or waits for this desk's lock
            if waiting_or_done():
                break
            threading.Event().wait(0.005)

    return meanwhile, desk


def _before_statement(services: Services, starts: str, action: Any) -> Any:
    """Run `action` right before this desk's statements that start with `starts`."""

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if " ".join(statement.split()).startswith(starts):
            action()

    event.listen(services.store.engine, "before_cursor_execute", before)
    return before


def test_a_rating_records_the_level_it_replaced(pg_target: str, clock: Clock, tmp_path: Path) -> None:
    """PostgreSQL (read committed): a rating read the report, then took the chain lock only
    to append. A second officer raised the R3 report to R5 in between; the first one's R4
    was stored over it, recorded as "R3 -> R4" after the "R3 -> R5" entry: the trail never
    said R5 was lowered, and the correction record kept the wrong old level. The rating now
    takes the chain lock before it reads: the other officer's rating waits and follows it."""
    first = make_services(pg_target, clock)
    officer = staff(first, Role.COMPLIANCE)
    report = import_text_report(first, officer, tmp_path, level="中风险")
    second = make_services(pg_target, clock)
    officer2 = second.auth.login(officer.username, PASSWORD)
    meanwhile, desk = _other_desk_meanwhile(
        first, lambda: second.reports.set_level(officer2, report, RiskLevel.R5, note="options")
    )
    hook = _before_statement(first, "UPDATE report SET level", meanwhile)  # read, about to store
    try:
        first.reports.set_level(officer, report, RiskLevel.R4, note="ChiNext")
        desk[0].join()
        ratings = sorted(_entries(first, officer, "rating-change"), key=lambda e: e.seq)
        changes = [(json.loads(e.facts)["old"], json.loads(e.facts)["new"]) for e in ratings]
        assert changes == [("R3", "R4"), ("R4", "R5")]  # each old level the one the entry before left
        assert first.reports.get(officer, report).level is RiskLevel.R5
        assert first.audit.verify(officer).ok
    finally:
        event.remove(first.store.engine, "before_cursor_execute", hook)
        second.close()
        first.close()


def test_a_policy_change_never_undoes_one_stored_meanwhile(pg_target: str, clock: Clock) -> None:
    """PostgreSQL (read committed): a policy change read the current version, then numbered
    its own after the newest. Another officer stored warning_days=20 in between: this one
    was stored as the next version built on the version before it, silently undoing the
    other change (the trail said it changed only the special-attention age), even with
    `based_on`. It now takes the chain lock before it reads: the other change follows it."""
    first = make_services(pg_target, clock)
    officer = staff(first, Role.COMPLIANCE)
    second = make_services(pg_target, clock)
    officer2 = second.auth.login(officer.username, PASSWORD)
    shown = first.policy.current().version
    meanwhile, desk = _other_desk_meanwhile(first, lambda: second.policy.update(officer2, warning_days=20))
    hook = _before_statement(first, "SELECT max(policy", meanwhile)  # the current version read
    try:
        first.policy.update(officer, special_attention_age=65, based_on=shown)
        desk[0].join()
        now = first.policy.current()
        assert (now.warning_days, now.special_attention_age) == (20, 65)
        assert first.audit.verify(officer).ok
    finally:
        event.remove(first.store.engine, "before_cursor_execute", hook)
        second.close()
        first.close()


def test_a_subject_reread_is_stored_under_the_policy_in_force_where_its_entry_goes(
    pg_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: `report reread --apply` compared the policy with the preview's and then
    stored the change, taking the chain lock only to append. Another officer stored a new
    policy version in between: the re-read, made with the subject table of the version
    before, came after that policy change in the trail (its entry naming the version no
    longer in force there). It now takes the lock first: the policy change follows it."""
    first = make_services(pg_target, clock)
    officer = staff(first, Role.COMPLIANCE)
    first.policy.import_subjects(officer, OLDER)  # an earlier release's table: no 科创50
    path = tmp_path / "科创50.txt"
    path.write_text(_report("本报告的风险等级为中风险。\n", title="科创50成份股季度调整点评", kind="行业点评"))
    (imported,) = first.reports.import_paths(officer, [path])
    first.policy.default_subjects(officer)
    preview = first.reread.preview(officer)
    assert len(preview.changes) == 1
    second = make_services(pg_target, clock)
    officer2 = second.auth.login(officer.username, PASSWORD)
    meanwhile, desk = _other_desk_meanwhile(first, lambda: second.policy.update(officer2, warning_days=20))
    armed: list[bool] = []

    def locked(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().startswith("SELECT report.") and "FOR UPDATE" in statement:
            armed.append(True)  # the change's report row is locked: its policy comparison next

    real_policy = first.ctx.policy

    def policy_compared(*args: Any) -> Any:
        policy = real_policy(*args)
        if armed:
            meanwhile()  # another officer stores a version right after this desk compared
        return policy

    event.listen(first.store.engine, "after_cursor_execute", locked)
    monkeypatch.setattr(first.ctx, "policy", policy_compared)
    try:
        applied = first.reread.apply(officer, preview)
        desk[0].join()
        assert applied.applied == preview.changes
        (reread,) = _entries(first, officer, "report-reread")
        changes = sorted(_entries(first, officer, "policy-change"), key=lambda e: e.seq)
        in_force = max(json.loads(e.facts)["version"] for e in changes if e.seq < reread.seq)
        assert json.loads(reread.facts)["policy_version"] == in_force == preview.policy_version
        assert first.audit.verify(officer).ok
    finally:
        event.remove(first.store.engine, "after_cursor_execute", locked)
        second.close()
        first.close()
    assert imported.report is not None


@pytest.mark.parametrize("what", ["open", "override"])
def test_a_report_is_not_handed_out_to_staff_disabled_after_the_permission_was_checked(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    """An opening checks the permission, reads and extracts the report's file (seconds for
    a long PDF, outside the lock), then decides and records under the lock; an override
    checks it before its transaction. An administrator disabled the advisor in between: the
    report's content was handed out, and the opening (or the override) recorded after the
    `staff-disabled` entry. The staff row is read again under the lock, as a check does."""
    services = sqlite_services
    compliance, admin = staff(services, Role.COMPLIANCE), staff(services, Role.ADMIN, "t-root")
    advisor = staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "D4", RiskProfile.C4 if what == "open" else RiskProfile.C3)
    policy = services.policy.update(compliance, allow_escalation=True)
    shown = services.access.check(advisor, "D4", report)
    real = services.ctx.require
    wanted = Permission.OPEN_REPORT if what == "open" else Permission.RECORD_OVERRIDE
    disabled: list[bool] = []

    def then_disabled(actor: Actor, permission: Permission, **target: Any) -> Actor:
        current = real(actor, permission, **target)
        if permission is wanted and not disabled:
            disabled.append(True)
            services.auth.set_disabled(admin, advisor.username, True)  # at another desk, meanwhile
        return current

    def act() -> object:
        if what == "open":
            return services.access.open_report(advisor, "D4", report)
        return services.access.record_override(
            advisor, "D4", report, warning_version=policy.warning_version, client_confirmed=True, shown=shown.decision
        )

    monkeypatch.setattr(services.ctx, "require", then_disabled)
    with pytest.raises(ServiceError):
        act()
    assert disabled
    assert not _entries(services, compliance, what)
    assert _entries(services, compliance, "refused")


def test_a_confirmation_sheet_is_not_given_for_an_assessment_replaced_while_it_was_printed(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The confirmation sheet (the client signs what they may receive) is read in one
    snapshot, rendered, then recorded. A second officer put the client in the lowest
    category while it was rendered: the sheet still said C4, "may receive R4", and its entry
    came after the change in the trail. Refused now; written again, it says C1."""
    import suitcheck.audit.assessment_sheet as sheet

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "SH4", RiskProfile.C4)
    real = sheet.render
    changed: list[bool] = []

    def changed_while_rendered(data: Any) -> bytes:
        if not changed:
            changed.append(True)
            services.investors.assess(
                compliance, "SH4", RiskProfile.C1, TODAY, lowest_category=True, note="cannot bear any loss"
            )
        return real(data)

    monkeypatch.setattr(sheet, "render", changed_while_rendered)
    out = tmp_path / "sheet.pdf"
    with pytest.raises(ServiceError, match="changed while the confirmation sheet was being written"):
        services.investors.write_confirmation(compliance, "SH4", out)
    assert not out.exists()
    assert not _entries(services, compliance, "assessment-sheet")
    services.investors.write_confirmation(compliance, "SH4", out)
    (entry,) = _entries(services, compliance, "assessment-sheet")
    assert json.loads(entry.facts)["profile"] == "C1"
