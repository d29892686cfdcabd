"""Re-reading imported reports with a new subject table: what was read under an older
table is matched with the new one only once compliance has previewed and applied the
re-reading, each change audited; the file re-read is the stored original its sealed row
names, never the stored text or a preview handed back."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from suitcheck.services.report_reread import CHANGED_MEANWHILE, FILE_DAMAGED, NOT_SEALED, RereadApplied
from suitcheck.services.reports import sealed_report_facts
from suitcheck.store.models import ReportCorrection
from tests.cli.test_cli import assert_clean_error, run
from tests.conftest import PASSWORD, Clock, add_client, copy_keyring, make_services, staff
from tests.ingest.test_level_attack import _report
from tests.services.test_policy_subjects import OLDER


def _import(services: Services, compliance: Actor, folder: Path, title: str, level: str = "中风险") -> int:
    path = folder / f"{title}.txt"
    path.write_text(_report(f"本报告的风险等级为{level}。\n", title=title, kind="行业点评"), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.report is not None, result
    return result.report


def _entries(services: Services, compliance: Actor) -> list[dict[str, object]]:
    return [
        {"report": e.report_id, **json.loads(e.facts)}
        for e in services.audit.browse(compliance, limit=100)
        if e.action == "report-reread"
    ]


def _corrections(services: Services) -> list[tuple[int, str, str | None, str | None]]:
    with services.store.session(read_only=True) as session:
        rows = session.execute(select(ReportCorrection).order_by(ReportCorrection.id)).scalars()
        return [(c.report_id, c.field, c.old_value, c.new_value) for c in rows]


def _open_codes(services: Services, compliance: Actor, report: int) -> set[str]:
    return {f.code for f in services.reports.get(compliance, report).open_findings}


@pytest.fixture
def older(services: Services, compliance: Actor) -> None:
    """The store has the table of an earlier release: no 科创50."""
    services.policy.import_subjects(compliance, OLDER)


@pytest.mark.usefixtures("older")
def test_a_report_read_under_the_older_table_is_matched_higher_once_reread_and_applied(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    add_client(services, compliance, "C3", RiskProfile.C3)
    assert services.access.check(advisor, "C3", report).decision.allowed  # R3, the older table's reading
    version = services.policy.default_subjects(compliance).version

    preview = services.reread.preview(compliance)
    assert (preview.policy_version, preview.total, preview.read, preview.cancelled) == (version, 1, 1, False)
    (change,) = preview.changes
    assert (change.report, change.level, change.old, change.new) == (report, RiskLevel.R3, None, RiskLevel.R4)
    assert (change.matched_before, change.matched_after, change.flagged) == (RiskLevel.R3, RiskLevel.R4, True)
    # A preview stores nothing: the report is still matched as before.
    assert services.reports.get(compliance, report).matching_level is RiskLevel.R3
    assert services.access.check(advisor, "C3", report).decision.allowed
    assert _entries(services, compliance) == []

    applied = services.reread.apply(compliance, preview)
    assert (applied.applied, applied.problems, applied.stopped, applied.cancelled) == ((change,), (), None, False)
    view = services.reports.get(compliance, report)
    assert (view.level, view.suggested_level, view.matching_level) == (RiskLevel.R3, RiskLevel.R4, RiskLevel.R4)
    assert view.record_intact
    assert _open_codes(services, compliance, report) == {"level-below-subject"}
    assert not services.access.check(advisor, "C3", report).decision.allowed
    (entry,) = _entries(services, compliance)
    assert entry["report"] == report
    assert {k: entry[k] for k in ("subject_before", "subject_after", "matched_before", "matched_after")} == {
        "subject_before": None,
        "subject_after": "R4",
        "matched_before": "R3",
        "matched_after": "R4",
    }
    assert (entry["policy_version"], entry["findings_added"]) == (version, ["level-below-subject"])
    assert _corrections(services)[-1] == (report, "suggested_level", None, "R4")
    assert services.audit.verify(compliance).ok
    # Done: the next preview finds nothing to change.
    assert services.reread.preview(compliance).changes == ()


@pytest.mark.usefixtures("older")
def test_a_keyword_taken_out_lowers_the_subject_and_settles_its_finding(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "创业板成份股调整点评")  # 创业板 R4, stated R3
    assert _open_codes(services, compliance, report) == {"level-below-subject"}
    services.policy.import_subjects(compliance, "期货,R5\n股票,R3\n")
    (change,) = services.reread.preview(compliance).changes
    assert (change.old, change.new, change.matched_before, change.matched_after) == (
        RiskLevel.R4,
        None,
        RiskLevel.R4,
        RiskLevel.R3,
    )
    services.reread.apply(compliance, services.reread.preview(compliance))
    assert services.reports.get(compliance, report).matching_level is RiskLevel.R3
    assert _open_codes(services, compliance, report) == set()
    assert _entries(services, compliance)[0]["findings_settled"] == ["level-below-subject"]


@pytest.mark.usefixtures("older")
def test_a_level_compliance_rated_stays_and_is_flagged_below_the_new_subject(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    services.reports.set_level(compliance, report, RiskLevel.R3, "复核后确认中风险")
    add_client(services, compliance, "C3", RiskProfile.C3)
    services.policy.default_subjects(compliance)
    preview = services.reread.preview(compliance)
    (change,) = preview.changes
    assert (change.confirmed, change.matched_before, change.matched_after) == (True, RiskLevel.R3, RiskLevel.R3)
    services.reread.apply(compliance, preview)
    view = services.reports.get(compliance, report)
    assert (view.level, view.suggested_level, view.matching_level) == (RiskLevel.R3, RiskLevel.R4, RiskLevel.R3)
    assert _open_codes(services, compliance, report) == {"rated-below-subject"}
    assert services.access.check(advisor, "C3", report).decision.allowed  # compliance's rating holds


@pytest.mark.usefixtures("older")
def test_a_policy_changed_since_the_preview_stores_nothing(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    services.policy.default_subjects(compliance)
    preview = services.reread.preview(compliance)
    services.policy.import_subjects(compliance, OLDER)  # another officer puts the older table back
    with pytest.raises(InvalidInput, match="changed since the preview"):
        services.reread.apply(compliance, preview)
    assert services.reports.get(compliance, report).suggested_level is None
    assert _entries(services, compliance) == []


@pytest.mark.usefixtures("older")
def test_a_report_rated_since_the_preview_is_left_and_the_others_are_stored(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    rated = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    other = _import(services, compliance, tmp_path, "科创50指数基金跟踪")
    services.policy.default_subjects(compliance)
    preview = services.reread.preview(compliance)
    assert [c.report for c in preview.changes] == [rated, other]
    services.reports.set_level(compliance, rated, RiskLevel.R4)
    applied = services.reread.apply(compliance, preview)
    assert [c.report for c in applied.applied] == [other]
    assert [(p.report, p.code) for p in applied.problems] == [(rated, CHANGED_MEANWHILE)]
    assert services.reports.get(compliance, rated).suggested_level is None


@pytest.mark.usefixtures("older")
def test_a_preview_handed_back_with_another_level_is_not_stored(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    services.policy.default_subjects(compliance)
    preview = services.reread.preview(compliance)
    (change,) = preview.changes
    forged = dataclasses.replace(preview, changes=(dataclasses.replace(change, new=RiskLevel.R1),))
    applied = services.reread.apply(compliance, forged)
    assert applied.applied == ()
    assert [p.code for p in applied.problems] == [CHANGED_MEANWHILE]
    assert services.reports.get(compliance, report).suggested_level is None


@pytest.mark.usefixtures("older")
def test_the_stored_text_edited_in_sql_is_not_what_is_read(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE report_content SET text = 'x' WHERE report_id = :id"), {"id": report})
    services.policy.default_subjects(compliance)
    (change,) = services.reread.preview(compliance).changes
    assert change.new is RiskLevel.R4  # read from the original file


@pytest.mark.usefixtures("older")
def test_a_file_or_a_row_changed_outside_suitcheck_is_not_reread_nor_resealed(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    damaged = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    forged = _import(services, compliance, tmp_path, "科创50指数基金跟踪")
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE report_content SET original = :data WHERE report_id = :id"),
            {"data": "科创50 not the file".encode(), "id": damaged},
        )
        conn.execute(text("UPDATE report SET suggested_level = 1 WHERE id = :id"), {"id": forged})
    services.policy.default_subjects(compliance)
    preview = services.reread.preview(compliance)
    assert preview.changes == ()
    assert {(p.report, p.code) for p in preview.problems} == {(damaged, FILE_DAMAGED), (forged, NOT_SEALED)}
    services.reread.apply(compliance, preview)
    view = services.reports.get(compliance, forged)
    assert not view.record_intact  # still failing its seal: re-reading launders nothing
    add_client(services, compliance, "C5", RiskProfile.C5)
    assert not services.access.check(advisor, "C5", forged).decision.allowed


@pytest.mark.usefixtures("older")
def test_only_compliance_rereads_and_one_who_loses_it_halfway_stores_no_more(
    services: Services, compliance: Actor, advisor: Actor, admin: Actor, tmp_path: Path
) -> None:
    first = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    second = _import(services, compliance, tmp_path, "科创50指数基金跟踪")
    services.policy.default_subjects(compliance)
    with pytest.raises(PermissionDenied):
        services.reread.preview(advisor)
    preview = services.reread.preview(compliance)
    with pytest.raises(PermissionDenied):
        services.reread.apply(advisor, preview)

    def disable(number: int, _total: int) -> None:
        if number == 1:
            services.auth.set_disabled(admin, compliance.username, True)

    applied = services.reread.apply(compliance, preview, progress=disable)
    assert [c.report for c in applied.applied] == [first]
    assert applied.stopped is not None
    assert "disabled" in applied.stopped
    assert services.reports.get(admin, second).suggested_level is None
    with pytest.raises(AuthenticationFailed):
        services.reread.apply(compliance, preview)


@pytest.mark.usefixtures("older")
def test_a_preview_stopped_halfway_says_so(services: Services, compliance: Actor, tmp_path: Path) -> None:
    for title in ("科创50成份股季度调整点评", "科创50指数基金跟踪", "科创50年度回顾"):
        _import(services, compliance, tmp_path, title)
    services.policy.default_subjects(compliance)
    seen: list[tuple[int, int]] = []
    preview = services.reread.preview(
        compliance, progress=lambda n, t: seen.append((n, t)), cancelled=lambda: bool(seen)
    )
    assert (preview.read, preview.total, preview.cancelled, len(preview.changes)) == (1, 3, True, 1)
    assert seen == [(1, 3)]


def test_the_command_previews_then_applies(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    seeded = tmp_path_factory.mktemp("reread") / "demo.db"
    env = {"SUITCHECK_AUDIT_KEY": str(seeded.parent / "audit.key"), "SUITCHECK_LOG_DIR": str(seeded.parent / "log")}
    assert run("seed-demo", db=seeded, password=None, env=env).returncode == 0
    db = tmp_path / "store.db"
    shutil.copy(seeded, db)
    env["SUITCHECK_AUDIT_KEY"] = str(copy_keyring(seeded.parent / "audit.key", tmp_path / "key"))
    table = tmp_path / "subjects.csv"
    shown = json.loads(run("policy", "subjects", "--json", "--user", "demo-compliance", db=db, env=env).stdout)
    rows = [f"{s['keyword']},{s['level']}" for s in shown["subjects"]]
    table.write_text("\n".join([*rows, "银行业,R4"]) + "\n", encoding="utf-8")  # the demo's bank report: R3 -> R4
    stored = run("policy", "subjects", "--from", str(table), "--user", "demo-compliance", db=db, env=env)
    assert "suitcheck report reread" in stored.stdout

    assert_clean_error(run("report", "reread", "--user", "demo-advisor", db=db, env=env), 1)
    looked = run("report", "reread", "--user", "demo-compliance", db=db, env=env)
    assert looked.returncode == 0, looked.stderr
    assert "7 of 7 reports re-read" in looked.stdout
    assert "subject R3 -> R4; matched R3 -> R4 (stated R3)  银行业息差企稳" in looked.stdout
    assert "Nothing was stored" in looked.stdout
    applied = run("report", "reread", "--apply", "--json", "--user", "demo-compliance", db=db, env=env)
    assert applied.returncode == 0, applied.stderr
    data = json.loads(applied.stdout)
    (change,) = data["applied"]["applied"]
    assert (change["subject_before"], change["subject_after"], change["flagged"]) == ("R3", "R4", True)
    again = run("report", "reread", "--json", "--user", "demo-compliance", db=db, env=env)
    assert json.loads(again.stdout)["changes"] == []
    assert run("audit", "verify", "--user", "demo-compliance", db=db, env=env).returncode == 0


def _open_findings(services: Services, compliance: Actor, report: int) -> list[tuple[str, str]]:
    return sorted((f.code, f.detail) for f in services.reports.get(compliance, report).open_findings)


@pytest.mark.usefixtures("older")
def test_a_subject_raised_again_while_still_above_the_stated_level_is_flagged_as_a_fresh_import_flags_it(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "创业板成份股调整点评")  # 创业板 R4, stated R3
    services.policy.import_subjects(compliance, "创业板,R5\n")
    services.reread.apply(compliance, services.reread.preview(compliance))
    # A fresh store importing the same file under the same table: the finding names R5.
    fresh = make_services(str(tmp_path / "fresh.db"), Clock())
    try:
        officer = staff(fresh, Role.COMPLIANCE)
        fresh.policy.import_subjects(officer, "创业板,R5\n")
        (imported,) = fresh.reports.import_paths(officer, [tmp_path / "创业板成份股调整点评.txt"])
        assert imported.report is not None
        expected = fresh.reports.get(officer, imported.report)
        assert [(f.code, f.detail) for f in expected.open_findings] == [
            ("level-below-subject", "stated R3, subject implies R5")
        ]
    finally:
        fresh.close()
    view = services.reports.get(compliance, report)
    assert (view.level, view.suggested_level, view.matching_level) == (
        expected.level,
        expected.suggested_level,
        expected.matching_level,
    )
    # One open finding, naming the subject level the report is now matched at (not the R4 of the import).
    ((code, detail),) = _open_findings(services, compliance, report)
    assert code == "level-below-subject"
    assert detail.startswith("stated R3, subject implies R5")
    (entry,) = _entries(services, compliance)
    assert (entry["findings_added"], entry["findings_settled"]) == (["level-below-subject"], ["level-below-subject"])
    # Back to R4 and on to R5 again: still one open finding, each time naming the subject in force.
    for table, implied in ((OLDER, "R4"), ("创业板,R5\n", "R5")):
        services.policy.import_subjects(compliance, table)
        services.reread.apply(compliance, services.reread.preview(compliance))
        ((code, detail),) = _open_findings(services, compliance, report)
        assert detail.startswith(f"stated R3, subject implies {implied}")
    assert services.audit.verify(compliance).ok


@pytest.mark.usefixtures("older")
def test_a_report_rated_again_below_its_subject_is_flagged_with_the_rating_in_force(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "创业板成份股调整点评")  # 创业板 R4, stated R3
    services.policy.import_subjects(compliance, "创业板,R5\n")
    services.reread.apply(compliance, services.reread.preview(compliance))
    services.reports.set_level(compliance, report, RiskLevel.R3, "第一次复核")
    assert _open_findings(services, compliance, report) == [
        ("rated-below-subject", "rated R3 by compliance, subject implies R5: 第一次复核")
    ]
    # Rated again, still below the subject: the open finding is the new rating's, with its reason.
    services.reports.set_level(compliance, report, RiskLevel.R4, "第二次复核")
    assert _open_findings(services, compliance, report) == [
        ("rated-below-subject", "rated R4 by compliance, subject implies R5: 第二次复核")
    ]
    # Re-read at R4: the rating is no longer below its subject, nothing is left open.
    services.policy.import_subjects(compliance, OLDER)
    services.reread.apply(compliance, services.reread.preview(compliance))
    assert _open_findings(services, compliance, report) == []
    assert services.reports.get(compliance, report).matching_level is RiskLevel.R4


@pytest.mark.postgres
def test_two_officers_applying_the_same_preview_at_once_store_each_change_once(
    pg_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a writer does not take the store up front (SQLite's BEGIN IMMEDIATE
    does): the second officer's apply commits while the first has read the report's row and
    not yet written it. The first must then see the report re-read, not store it again."""
    import suitcheck.services.report_reread as reread_module

    first = make_services(pg_target, clock)
    second = make_services(pg_target, clock)
    try:
        officer = staff(first, Role.COMPLIANCE)
        other = second.auth.login(officer.username, PASSWORD)
        first.policy.import_subjects(officer, OLDER)
        report = _import(first, officer, tmp_path, "科创50成份股季度调整点评")
        first.policy.default_subjects(officer)
        preview = first.reread.preview(officer)
        assert len(preview.changes) == 1
        theirs = second.reread.preview(other)
        raced: list[RereadApplied] = []
        racing: list[threading.Thread] = []
        facts = sealed_report_facts

        def race(rows: object, conn: object, row: object) -> object:
            result = facts(rows, conn, row)  # type: ignore[arg-type]
            if sys._getframe(1).f_code.co_name == "_store" and not racing:
                # The first officer has read the row: the second applies now, and is given
                # the time to finish (or to wait for the first, which then goes on).
                racing.append(threading.Thread(target=lambda: raced.append(second.reread.apply(other, theirs))))
                racing[0].start()
                racing[0].join(3)
            return result

        monkeypatch.setattr(reread_module, "sealed_report_facts", race)
        mine = first.reread.apply(officer, preview)
        racing[0].join(30)
        (yours,) = raced
        # Stored once, by one of them; the other is told the report changed meanwhile.
        assert sorted([len(mine.applied), len(yours.applied)]) == [0, 1]
        assert [(p.report, p.code) for p in (*mine.problems, *yours.problems)] == [(report, CHANGED_MEANWHILE)]
        assert len(_entries(first, officer)) == 1
        assert [c for c in _corrections(first) if c[1] == "suggested_level"] == [
            (report, "suggested_level", None, "R4")
        ]
        assert [f.code for f in first.reports.get(officer, report).findings] == ["level-below-subject"]
        assert first.audit.verify(officer).ok
    finally:
        first.close()
        second.close()


def test_the_command_exits_1_when_a_report_could_not_be_reread(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """A report not re-read keeps the subject level of the older table, and may be matched too
    low: a scheduled `report reread --apply` says so by its exit code, as `report import`
    does for a file it could not import; the others are listed and stored as usual."""
    import sqlite3

    seeded = tmp_path_factory.mktemp("reread-damaged") / "demo.db"
    env = {"SUITCHECK_AUDIT_KEY": str(seeded.parent / "audit.key"), "SUITCHECK_LOG_DIR": str(seeded.parent / "log")}
    assert run("seed-demo", db=seeded, password=None, env=env).returncode == 0
    db = tmp_path / "store.db"
    shutil.copy(seeded, db)
    env["SUITCHECK_AUDIT_KEY"] = str(copy_keyring(seeded.parent / "audit.key", tmp_path / "key"))
    with sqlite3.connect(db) as conn:  # an older release's file, changed outside suitcheck
        (damaged,) = conn.execute("SELECT id FROM report WHERE title LIKE '港股%'").fetchone()
        conn.execute("UPDATE report_content SET original = x'00' WHERE report_id = ?", (damaged,))
    table = tmp_path / "subjects.csv"
    shown = json.loads(run("policy", "subjects", "--json", "--user", "demo-compliance", db=db, env=env).stdout)
    rows = [f"{s['keyword']},{s['level']}" for s in shown["subjects"]]
    table.write_text("\n".join([*rows, "银行业,R4"]) + "\n", encoding="utf-8")
    assert run("policy", "subjects", "--from", str(table), "--user", "demo-compliance", db=db, env=env).returncode == 0

    looked = run("report", "reread", "--user", "demo-compliance", db=db, env=env)
    assert looked.returncode == 1, looked.stderr
    assert f"{damaged:>6}  not re-read: The stored file no longer matches" in looked.stdout
    applied = run("report", "reread", "--apply", "--user", "demo-compliance", db=db, env=env)
    assert applied.returncode == 1, applied.stderr
    assert "Stored 1 of 1 changes, each in the audit trail." in applied.stdout
    assert "not re-read: The stored file no longer matches" in applied.stdout


@pytest.mark.usefixtures("older")
def test_a_policy_changed_halfway_stores_no_more(services: Services, compliance: Actor, tmp_path: Path) -> None:
    """Apply reads the policy once; each write checks it again in its own transaction."""
    first = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    second = _import(services, compliance, tmp_path, "科创50指数基金跟踪")
    services.policy.default_subjects(compliance)
    preview = services.reread.preview(compliance)

    def another_officer_changes_policy(number: int, _total: int) -> None:
        if number == 1:
            services.policy.import_subjects(compliance, OLDER)

    applied = services.reread.apply(compliance, preview, progress=another_officer_changes_policy)
    assert [c.report for c in applied.applied] == [first]
    assert applied.stopped is not None
    assert "changed since the preview" in applied.stopped
    assert services.reports.get(compliance, second).suggested_level is None
