"""`audit replay` of a period at a firm's size (a year is a million entries): the entries
are read in pages inside the verified snapshot and handed out one by one, never all held;
the command prints each as it comes; a replay stopped halfway (Ctrl+C) says so in one
sentence and is not recorded."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy import exc as sa_exc

from suitcheck import cli as cli_module
from suitcheck.audit import chain
from suitcheck.domain.replay import DECISION_ACTIONS
from suitcheck.domain.roles import Role
from suitcheck.services import audit_log
from suitcheck.services.audit_replay import EntryReplay
from suitcheck.store.models import AuditEntry
from tests.audit.conftest import CHECKS, Trail, cli
from tests.audit.test_tamper import read_rows
from tests.conftest import TODAY, Clock, make_services, staff


def _pages_read(statement: str) -> bool:
    """A replay's keyset page of a period's entries (services.audit_log._pages)."""
    return "audit_entry.seq > " in statement and "LIMIT" in statement.upper()


def test_a_period_is_replayed_page_by_page_each_entry_handed_out_as_it_comes(
    trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every entry of the period was replayed into one list, and the whole report built,
    before anything was shown: a year at a firm held a million results in memory."""
    monkeypatch.setattr(audit_log, "REPLAY_PAGE", 4)
    services = make_services(trail.target, clock)
    try:
        compliance = staff(services, Role.COMPLIANCE, "t-compliance")
        whole = services.audit.replay(compliance, since=TODAY)
        assert len(whole.entries) == CHECKS  # the trail's checks
        pages: list[int] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if _pages_read(statement):
                pages.append(1)

        event.listen(services.store.engine, "before_cursor_execute", count)
        verified_after: list[int] = []
        handed: list[tuple[EntryReplay, int]] = []
        streamed = services.audit.replay(
            compliance,
            since=TODAY,
            verified=lambda result: verified_after.append(len(pages)),
            each=lambda entry: handed.append((entry, len(pages))),
        )
        event.remove(services.store.engine, "before_cursor_execute", count)
        # The pages run over the period's entries in seq order (decisions picked from them):
        # where each decision stands among them says after which page it can be handed out.
        with services.store.session(read_only=True) as session:
            period = [
                action
                for (action,) in session.execute(
                    select(AuditEntry.action)
                    .where(AuditEntry.at >= chain.day_stamp(TODAY), AuditEntry.seq <= streamed.verification.head_seq)
                    .order_by(AuditEntry.seq)
                )
            ]
    finally:
        services.close()
    decisions = {a.value for a in DECISION_ACTIONS}
    at = [i for i, action in enumerate(period) if action in decisions]
    assert len(at) == CHECKS < len(period)  # other entries too (the first replay's own among them)
    assert [entry for entry, _ in handed] == list(whole.entries)
    # Each decision came right after the page holding it was read: the 1st to 4th entry of
    # the period on the first page of 4, the 5th to 8th on the second...
    assert [read for _, read in handed] == [i // 4 + 1 for i in at]
    assert len(pages) == len(period) // 4 + 1  # full pages and the last, short one
    assert verified_after == [0]  # the verification passed before any entry was read
    # Nothing kept, the same counts and verdicts, recorded the same.
    assert streamed.entries == ()
    assert (streamed.counts, streamed.ok, streamed.failed) == (whole.counts, whole.ok, whole.failed)
    assert streamed.recorded_facts() == whole.recorded_facts()


def test_the_command_prints_the_same_replay_entry_by_entry(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(trail, "audit", "replay", "--user", "t-compliance", "--since", str(TODAY), "--json", capsys=capsys)
    assert code == 0, out
    data = json.loads(out)
    code, text = cli(trail, "audit", "replay", "--user", "t-compliance", "--since", str(TODAY), capsys=capsys)
    assert code == 0, text
    lines = text.splitlines()
    assert lines[0].startswith("Trail verified: ")
    assert lines[-1] == f"{CHECKS} reproduced, 0 differ, 0 not a decision, 0 cannot be replayed."
    assert [int(line.split()[1]) for line in lines[1:-1]] == [e["seq"] for e in data["entries"]]
    assert data["ok"] is True
    assert data["verified"] is True
    assert data["counts"] == {"reproduced": CHECKS, "differs": 0, "not-a-decision": 0, "cannot-be-replayed": 0}
    assert set(data) == {"ok", "verified", "verification", "counts", "entries"}
    assert data["verification"]["ok"] is True
    assert all(e["replayed"] == e["recorded"] for e in data["entries"])


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_replay_stopped_by_ctrl_c_says_so_in_one_sentence_and_is_not_recorded(
    trail: Trail, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    """Ctrl+C while the entries were replayed said only 'interrupted.'; now the sentence says
    the replay is incomplete and not in the trail (its entry is written once it finished)."""
    replayed = [0]
    real = cli_module._ReplayPrinter.entry

    def entry(self: Any, replay: EntryReplay) -> None:
        replayed[0] += 1
        if replayed[0] == 3:
            raise KeyboardInterrupt
        real(self, replay)

    monkeypatch.setattr(cli_module._ReplayPrinter, "entry", entry)
    before = len(read_rows(trail.target))
    capsys.readouterr()
    args = ["audit", "replay", "--user", "t-compliance", "--since", str(TODAY), "--db", trail.target]
    code = cli_module.main([*args, "--json"] if as_json else args)
    captured = capsys.readouterr()
    assert code == 130
    assert captured.err.strip() == (
        "suitcheck: interrupted: the replay stopped before its end and was not recorded (a replay stores nothing else)."
    )
    assert "Traceback" not in captured.err
    # The two entries replayed before were shown as they came.
    if as_json:
        assert captured.out.count('"seq": ') == 2
    else:
        assert len([line for line in captured.out.splitlines() if ": reproduced under policy" in line]) == 2
    # No audit-replayed entry: only the login's (the staff row's new state, sealed).
    added = read_rows(trail.target)[before:]
    assert [e["action"] for e in added] == ["record-sealed"]
    assert {row["table"] for row in json.loads(added[0]["facts"])["rows"]} == {"staff"}


def _stopped_at_third(monkeypatch: pytest.MonkeyPatch, stop: Callable[[], None]) -> None:
    """The replay's printer calls `stop()` as the third entry comes, after two were written."""
    replayed = [0]
    real = cli_module._ReplayPrinter.entry

    def entry(self: Any, replay: EntryReplay) -> None:
        replayed[0] += 1
        if replayed[0] == 3:
            stop()
        real(self, replay)

    monkeypatch.setattr(cli_module._ReplayPrinter, "entry", entry)


def _interrupt() -> None:
    raise KeyboardInterrupt


def test_a_json_replay_stopped_halfway_still_writes_a_json_document_that_says_so(
    trail: Trail, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamed, a replay stopped by Ctrl+C left stdout holding the document's beginning and
    the entries written, cut off mid-array: no JSON a script can read (before streaming it
    held nothing). Now the document is closed, "ok" false and "stopped" true."""
    _stopped_at_third(monkeypatch, _interrupt)
    capsys.readouterr()
    code = cli_module.main(
        ["audit", "replay", "--user", "t-compliance", "--since", str(TODAY), "--json", "--db", trail.target]
    )
    captured = capsys.readouterr()
    assert code == 130
    data = json.loads(captured.out)
    assert data["ok"] is False
    assert data["stopped"] is True
    assert len(data["entries"]) == 2
    assert data["counts"] == {"reproduced": 2, "differs": 0, "not-a-decision": 0, "cannot-be-replayed": 0}


class _Killed(Exception):
    """What the test's own SIGTERM handler raises: the command did not take the signal."""


def _sigterm() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_replay_ended_by_sigterm_says_so_as_ctrl_c_does(
    trail: Trail, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    """SIGTERM (a scheduler's timeout) ended the process where it stood: the entries written
    so far on stdout, cut off, and no sentence. It is now taken as Ctrl+C is: exit 143."""

    def killed(_number: int, _frame: object) -> None:
        raise _Killed

    before = signal.signal(signal.SIGTERM, killed)
    try:
        _stopped_at_third(monkeypatch, _sigterm)
        rows = len(read_rows(trail.target))
        capsys.readouterr()
        args = ["audit", "replay", "--user", "t-compliance", "--since", str(TODAY), "--db", trail.target]
        code = cli_module.main([*args, "--json"] if as_json else args)
        assert signal.getsignal(signal.SIGTERM) is killed  # put back as it was
    finally:
        signal.signal(signal.SIGTERM, before)
    captured = capsys.readouterr()
    assert code == 128 + signal.SIGTERM
    assert captured.err.strip() == (
        "suitcheck: interrupted: the replay stopped before its end and was not recorded (a replay stores nothing else)."
    )
    if as_json:
        data = json.loads(captured.out)
        assert (data["ok"], data["stopped"], len(data["entries"])) == (False, True, 2)
    else:
        assert len([line for line in captured.out.splitlines() if ": reproduced under policy" in line]) == 2
    assert "audit-replayed" not in [e["action"] for e in read_rows(trail.target)[rows:]]


def test_a_json_replay_the_store_fails_halfway_writes_a_closed_document_and_one_sentence(
    trail: Trail, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server gone between two pages of a period: stdout held the entries of the first
    page in an unclosed document; now a closed one, "ok" false, and stderr says why."""
    real = audit_log._pages

    def pages(conn: Any, stmt: Any) -> Iterator[Any]:
        decisions = {a.value for a in DECISION_ACTIONS}
        rows = (row for row in real(conn, stmt) if row[2] in decisions)  # the period's first two decisions
        yield next(rows)
        yield next(rows)
        raise sa_exc.OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(audit_log, "_pages", pages)
    capsys.readouterr()
    code = cli_module.main(
        ["audit", "replay", "--user", "t-compliance", "--since", str(TODAY), "--json", "--db", trail.target]
    )
    captured = capsys.readouterr()
    assert code != 0
    data = json.loads(captured.out)
    assert (data["ok"], data["stopped"], len(data["entries"])) == (False, True, 2)
    assert captured.err.startswith("suitcheck: ")
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err


def test_each_page_of_a_period_is_read_along_the_trails_order_not_sorted_again(
    trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page asked for the period's decisions (`action IN (...)`): SQLite read them through
    the action index and sorted every later decision by seq to find the next thousand, so a
    year's replay (a million entries) spent minutes more than its work, growing with the
    square of the period (227 s for 1,000,200 entries against 34 s for 300,200). Each page is
    now a range of the trail's own order: no sort (SQLite's plan, asked of the very page
    statements the replay ran)."""
    monkeypatch.setattr(audit_log, "REPLAY_PAGE", 4)
    services = make_services(trail.target, clock)
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if _pages_read(statement):
            seen.append((statement, parameters))

    try:
        compliance = staff(services, Role.COMPLIANCE, "t-compliance")
        event.listen(services.store.engine, "before_cursor_execute", keep)
        assert services.audit.replay(compliance, since=TODAY).ok
        event.remove(services.store.engine, "before_cursor_execute", keep)
        assert seen
        with services.store.engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if not sqlite:
                # A test trail is a handful of rows, which PostgreSQL may read whole and sort in
                # memory whatever the indexes (seen in CI): with that priced out, the plan shows
                # whether an index in the trail's order serves each page.
                conn.exec_driver_sql("SET enable_seqscan = off")
            for statement, parameters in seen:
                explain = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN"
                plan = " / ".join(str(row[-1]) for row in conn.exec_driver_sql(f"{explain} {statement}", parameters))
                # SQLite sorts in a temporary b-tree, PostgreSQL in a Sort node.
                assert ("TEMP B-TREE" not in plan.upper()) if sqlite else ("Sort" not in plan), plan
    finally:
        services.close()
