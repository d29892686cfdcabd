"""`report reread` stopped by Ctrl+C: at 100,000 reports the preview reads for minutes and
the apply stores for as long. The reading stops after the file under way and nothing is
stored; the storing stops after the change under way, each change stored whole with its
audit entry, and the sentence says how many were. It said only 'interrupted.', and an
apply cut short lost the list of what it had stored."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from suitcheck import cli as cli_module
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.report_reread import ReportRereadService
from suitcheck.services.reports import record_correction
from suitcheck.store.models import AuditEntry
from tests.conftest import PASSWORD, staff
from tests.services.test_policy_subjects import OLDER
from tests.services.test_report_reread import _import

TITLES = ("科创50成份股季度调整点评", "科创50指数基金跟踪", "科创50年度回顾", "科创50半年回顾")


@pytest.fixture
def reread_store(sqlite_target: str, sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Four reports read under an older table (no 科创50), which the current one puts higher."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE, "t-compliance")
    services.policy.import_subjects(compliance, OLDER)
    for title in TITLES:
        _import(services, compliance, tmp_path, title)
    services.policy.default_subjects(compliance)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    return sqlite_target


def _rereads(target: str) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{target}" if "://" not in target else target)
    with engine.connect() as conn:
        count = len(conn.execute(select(AuditEntry.seq).where(AuditEntry.action == "report-reread")).all())
    engine.dispose()
    return count


def _reread(target: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli_module.main(["report", "reread", "--user", "t-compliance", "--db", target, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_ctrl_c_while_previewing_stores_nothing_and_says_so(
    reread_store: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def progress(number: int, total: int, _result: object) -> None:
        if number == 2:
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl+C: the handler of the command runs

    monkeypatch.setattr(cli_module, "_progress", progress)
    code, out, err = _reread(reread_store, capsys, "--apply")
    assert code == 130
    assert err.strip() == "suitcheck: interrupted: the re-reading stopped after 2 of 4 reports; nothing was stored."
    assert out == ""
    assert _rereads(reread_store) == 0


def test_ctrl_c_while_storing_stops_after_the_change_under_way_and_says_how_many_were_stored(
    reread_store: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ReportRereadService._store

    def store(self: ReportRereadService, *args: Any) -> Any:
        stored = real(self, *args)
        if _rereads(reread_store) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C during the second change
        return stored

    monkeypatch.setattr(ReportRereadService, "_store", store)
    code, out, err = _reread(reread_store, capsys, "--apply", "--json")
    assert code == 130
    assert "Traceback" not in err
    assert err.strip() == (
        "suitcheck: interrupted: 2 of 4 changes were stored (listed above), each whole with its audit entry; the "
        "rest were not. Run 'suitcheck report reread' again: its preview lists what is left."
    )
    data = json.loads(out)
    assert len(data["applied"]["applied"]) == 2
    assert data["applied"]["cancelled"] is True
    assert _rereads(reread_store) == 2
    # The rest is what a new preview finds, and applying it stores them.
    monkeypatch.setattr(ReportRereadService, "_store", real)
    code, out, err = _reread(reread_store, capsys, "--apply", "--json")
    assert code == 0, err
    assert len(json.loads(out)["applied"]["applied"]) == 2
    assert _rereads(reread_store) == 4


def test_a_second_ctrl_c_while_storing_still_lists_what_was_stored_and_leaves_each_change_whole(
    reread_store: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C, then Ctrl+C again (a hurried officer) in the second change, between its
    correction record and its audit entry: the second interrupts at once. The change under
    way is rolled back whole, the trail verifies, and the command still lists the change it
    had stored and says how many: it said only 'interrupted.', the store holding one
    change nobody was told of."""
    real = record_correction

    def correction(*args: Any, **kw: Any) -> Any:
        done = real(*args, **kw)
        if _rereads(reread_store) == 1:  # the second change, written, its audit entry not yet
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
        return done

    monkeypatch.setattr("suitcheck.services.report_reread.record_correction", correction)
    code, out, err = _reread(reread_store, capsys, "--apply", "--json")
    assert code == 130
    assert "Traceback" not in err
    assert err.strip() == (
        "suitcheck: interrupted at once: 1 of 4 changes were stored (listed above), each whole with its audit entry, "
        "and the one under way was stored whole or not at all. Run 'suitcheck report reread' again: its preview "
        "lists what is left."
    )
    data = json.loads(out)
    assert data["applied"]["cancelled"] is True
    assert [c["report"] for c in data["applied"]["applied"]] == [data["changes"][0]["report"]]
    assert _rereads(reread_store) == 1
    # The second change was not stored without its entry: a new preview finds the other three.
    monkeypatch.setattr("suitcheck.services.report_reread.record_correction", real)
    code, out, err = _reread(reread_store, capsys, "--json")
    assert code == 0, err
    assert len(json.loads(out)["changes"]) == 3
    capsys.readouterr()
    assert cli_module.main(["audit", "verify", "--user", "t-compliance", "--db", reread_store]) == 0, (
        capsys.readouterr()
    )


def test_reports_an_older_version_read_the_same_are_counted_and_stored(
    sqlite_target: str, sqlite_services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """After an upgrade: nothing changes, but the reports an older build read are said, and
    --apply stores them as read by this version (no 'Stored 0 of 0 changes')."""
    from tests.services.test_level_reader import PLAIN_HIGH
    from tests.services.test_reread_level_sentence import imported_by_an_older_build

    compliance = staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    imported_by_an_older_build(sqlite_services, compliance, PLAIN_HIGH, level=None)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    code, out, _ = _reread(sqlite_target, capsys)
    assert code == 0
    assert "1 reports read by an older version read the same now: applied, they are stored" in out
    assert "To store these changes: suitcheck report reread --apply" in out
    code, out, _ = _reread(sqlite_target, capsys, "--apply")
    assert code == 0
    assert "1 reports read by an older version read the same now: 1 stored as read by it." in out
    assert "Stored 0 of 0" not in out
    code, out, _ = _reread(sqlite_target, capsys, "--json")
    assert json.loads(out)["older_reader_read_same"] == []
