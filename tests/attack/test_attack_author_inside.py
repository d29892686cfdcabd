"""Attack: the author of a change disabled between the permission check and the change.

Was BROKE (session 26): rating a report, assessing or moving a client, a policy or
questionnaire version, a client file, a re-read, a verification... each called
`ServiceContext.require` before its write transaction and never read the staff row again
inside it. An officer an administrator disabled at that instant still stored the change,
and the trail showed a change made by someone who no longer had the right when it
committed (the exports, staff administration and the check path already re-read the
author inside their transaction). The rule: every change reads its author's standing again
inside the transaction that writes it (`require_in`); lost, nothing is stored, the
refusal is recorded, and the caller gets the sentence a disabled account gets."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, make_url, select, text

from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services, open_services
from suitcheck.services.context import in_trail_order
from suitcheck.services.demo import make_id_number
from suitcheck.services.errors import AuthenticationFailed, ServiceError
from suitcheck.services.questionnaire import default_questionnaire
from suitcheck.store.models import AuditEntry, Finding
from tests.conftest import FAST_HASHER, TODAY, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report
from tests.services.clientfiles import client_rows, write_csv
from tests.services.test_level_reader import PLAIN_HIGH
from tests.services.test_report_reread import _import
from tests.services.test_reread_level_sentence import imported_by_an_older_build

Q = default_questionnaire()
TOP = {q.id: max((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in Q.questions}
ID_NUMBER = make_id_number("110105", dt.date(1980, 5, 6), 17)  # a valid number nobody holds


@dataclass
class World:
    services: Services
    root: Actor  # the administrator who disables the author
    author: Actor
    folder: Path  # where files to read are made
    out: Path  # where the call writes its file, if any: must stay empty
    report: int = 0


def _stopped(applied: Any) -> None:
    """`report reread --apply` reports why it stopped instead of raising."""
    if applied.stopped:
        raise ServiceError(applied.stopped)


def _version_two() -> str:
    data = Q.content()
    data["title"] = "风险承受能力评估问卷（2027 版）"
    data["bands"][1]["min_score"] = 22
    data["bands"][0]["max_score"] = 21
    return json.dumps(data, ensure_ascii=False)


# What each change needs before it (made by others, before the author is disabled).
def _client(w: World, compliance: Actor) -> None:
    add_client(w.services, compliance, "K1", RiskProfile.C3)


def _report(w: World, compliance: Actor) -> None:
    w.report = import_text_report(w.services, compliance, w.folder)


def _finding(w: World, compliance: Actor) -> None:
    """A finding of a code an older build made (every finding this build makes is settled
    by rating), which compliance may dismiss."""
    _report(w, compliance)
    with w.services.store.session() as session:
        session.add(Finding(report_id=w.report, code="older-build-finding", detail="", created_at=w.services.ctx.now()))


def _subject_change(w: World, compliance: Actor) -> None:
    from tests.services.test_policy_subjects import OLDER

    w.services.policy.import_subjects(compliance, OLDER)
    _import(w.services, compliance, w.folder, "科创50成份股季度调整点评")
    w.services.policy.default_subjects(compliance)


def _older_reader(w: World, compliance: Actor) -> None:
    imported_by_an_older_build(w.services, compliance, PLAIN_HIGH, level=None)


def _second_installation(w: World, _compliance: Actor) -> None:
    target = w.services.store.url.render_as_string(hide_password=False)
    if w.services.store.is_sqlite:
        target = str(w.services.store.url.database)
    other = open_services(
        target,
        clock=w.services.ctx.clock,
        hasher=FAST_HASHER,
        audit_key_path=w.folder / "desk-b" / "audit.key",
        init=True,
        join=True,
    )
    w.folder.joinpath("chain-b").write_text(other.ctx.sealer.chain)
    other.close()


@contextlib.contextmanager
def _clock_back(w: World) -> Iterator[None]:
    clock = w.services.ctx.clock
    assert isinstance(clock, Clock)
    clock.advance(days=-1)
    try:
        yield
    finally:
        clock.advance(days=1)


def _correct_clock(w: World) -> object:
    with _clock_back(w):
        return w.services.audit.correct_clock(w.author, "the clock ran a day ahead")


Change = Callable[[World], object]
Setup = Callable[[World, Actor], None]


@dataclass(frozen=True)
class Case:
    role: Role
    change: Change
    setup: Setup | None = None


CASES: dict[str, Case] = {
    "report-import": Case(
        Role.COMPLIANCE,
        lambda w: w.services.reports.import_paths(w.author, [_report_file(w)]),
    ),
    "report-rate": Case(
        Role.COMPLIANCE, lambda w: w.services.reports.set_level(w.author, w.report, RiskLevel.R4), _report
    ),
    "report-resolve-finding": Case(
        Role.COMPLIANCE,
        lambda w: w.services.reports.resolve_finding(
            w.author, w.report, w.services.reports.get(w.author, w.report).open_findings[0].id, "read it"
        ),
        _finding,
    ),
    "report-correct": Case(
        Role.COMPLIANCE,
        lambda w: w.services.reports.correct(w.author, w.report, "publisher", "某证券", "a typo"),
        _report,
    ),
    "reread-apply": Case(
        Role.COMPLIANCE,
        lambda w: _stopped(w.services.reread.apply(w.author, w.services.reread.preview(w.author))),
        _subject_change,
    ),
    "reread-mark-read": Case(
        Role.COMPLIANCE,
        lambda w: _stopped(w.services.reread.apply(w.author, w.services.reread.preview(w.author))),
        _older_reader,
    ),
    "client-add": Case(Role.COMPLIANCE, lambda w: w.services.investors.add(w.author, account="N1", name="新客户")),
    "client-edit": Case(
        Role.COMPLIANCE,
        lambda w: w.services.investors.update(w.author, "K1", name="改过的名字", reason="a typo"),
        _client,
    ),
    "client-assess": Case(
        Role.COMPLIANCE,
        lambda w: w.services.investors.assess(w.author, "K1", RiskProfile.C4, TODAY, note="on paper"),
        _client,
    ),
    "client-assess-answers": Case(
        Role.COMPLIANCE, lambda w: w.services.investors.assess_answers(w.author, "K1", TOP), _client
    ),
    "confirmation-sheet": Case(
        Role.COMPLIANCE,
        lambda w: w.services.investors.write_confirmation(w.author, "K1", w.out / "sheet.pdf"),
        _client,
    ),
    "client-mark-reassessment": Case(
        Role.ADVISOR, lambda w: w.services.investors.mark_reassessment_due(w.author, "K1", "job lost"), _client
    ),
    "client-move": Case(
        Role.COMPLIANCE,
        lambda w: w.services.investors.move(w.author, "K1", "B2", "the client moved house"),
        _client,
    ),
    "client-search-by-id": Case(Role.COMPLIANCE, lambda w: w.services.investors.search(w.author, ID_NUMBER)),
    "client-import": Case(
        Role.COMPLIANCE,
        lambda w: w.services.client_files.import_clients(w.author, write_csv(w.folder / "clients.csv", client_rows(3))),
    ),
    "policy-update": Case(Role.COMPLIANCE, lambda w: w.services.policy.update(w.author, validity_days=365)),
    "questionnaire-import": Case(
        Role.COMPLIANCE, lambda w: w.services.questionnaire.import_definition(w.author, _version_two())
    ),
    "reminder-list": Case(Role.ADVISOR, lambda w: w.services.reminders.write(w.author, w.out / "reminders.csv")),
    "audit-verify": Case(Role.COMPLIANCE, lambda w: w.services.audit.verify(w.author)),
    "audit-replay": Case(Role.COMPLIANCE, lambda w: w.services.audit.replay(w.author, [1])),
    "branch-add": Case(Role.ADMIN, lambda w: w.services.branches.add(w.author, "B3", "三部")),
    "clock-correct": Case(Role.ADMIN, _correct_clock),
    "trust-installation": Case(
        Role.ADMIN,
        lambda w: w.services.audit.trust_installation(w.author, w.folder.joinpath("chain-b").read_text(), "key filed"),
        _second_installation,
    ),
}

# Where the PostgreSQL path differs (row locks, the chain lock's order, a Core transaction).
ON_POSTGRESQL = ("report-rate", "client-assess-answers", "client-move", "client-import", "policy-update")


def _report_file(w: World) -> Path:
    from tests.fixtures import report_text

    path = w.folder / "new-report.txt"
    path.write_text(report_text(title="一份新的报告：先进封装放量"), encoding="utf-8")
    return path


@contextlib.contextmanager
def _disabled_meanwhile(w: World) -> Iterator[list[bool]]:
    """The administrator disables the author at the moment the change's first write
    transaction (ORM or Core) is about to begin: after every check made before it."""
    ctx = w.services.ctx
    fired: list[bool] = []

    def disable() -> None:
        fired.append(True)
        with ctx.clock_unchecked():  # (a clock correction runs with the clock behind the trail)
            w.services.auth.set_disabled(w.root, w.author.username, True)

    original, original_core = ctx.transaction, ctx.core_transaction

    @contextlib.contextmanager
    def transaction(read_only: bool = False) -> Iterator[Any]:
        if not read_only and not fired:
            disable()
        with original(read_only) as session:
            yield session

    @contextlib.contextmanager
    def core_transaction(held: Any = None) -> Iterator[Any]:
        if not fired:
            disable()
        with original_core(held) as conn:
            yield conn

    ctx.transaction = transaction  # type: ignore[method-assign]
    ctx.core_transaction = core_transaction  # type: ignore[method-assign]
    try:
        yield fired
    finally:
        del ctx.transaction, ctx.core_transaction


_TRAIL = {"audit_entry"}  # compared entry by entry below
_STAFF = {"staff"}  # the author's row is disabled by the administrator


def _stored(services: Services) -> dict[str, list[str]]:
    """Every row of every table but the trail and the staff accounts, as text."""
    with services.store.engine.connect() as conn:
        names = sorted(set(inspect(conn).get_table_names()) - _TRAIL - _STAFF)
        return {name: sorted(repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{name}"'))) for name in names}


def _entries_after(services: Services, seq: int) -> list[tuple[str, str, dict[str, Any], int | None]]:
    """(action, staff, facts, report) of each entry after `seq`."""
    columns = (AuditEntry.action, AuditEntry.staff, AuditEntry.facts, AuditEntry.report_id)
    with services.store.session(read_only=True) as session:
        rows = session.execute(select(*columns).where(AuditEntry.seq > seq).order_by(AuditEntry.seq)).all()
    return [(a, s, json.loads(f or "{}"), r) for a, s, f, r in rows]


def _head(services: Services) -> int:
    with services.store.session(read_only=True) as session:
        return int(session.execute(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one())


@pytest.mark.parametrize(
    ("store_target", "case"),
    [("sqlite", name) for name in CASES]
    + [pytest.param("postgresql", name, marks=pytest.mark.postgres) for name in ON_POSTGRESQL],
    indirect=["store_target"],
)
def test_a_change_whose_author_was_disabled_before_it_began_stores_nothing(
    services: Services, tmp_path: Path, case: str
) -> None:
    """The author passed the permission check; an administrator disabled them before the
    change's write transaction began; the change was stored all the same. It is refused
    with the sentence a disabled account gets, the refusal is recorded after the disable,
    and nothing else is stored, written or trusted."""
    spec = CASES[case]
    root = staff(services, Role.ADMIN, "t-root")
    compliance = staff(services, Role.COMPLIANCE)
    services.branches.add(root, "B2", "二部")
    author = staff(services, spec.role, f"author-{spec.role.value}")
    world = World(services, root, author, tmp_path / "in", tmp_path / "out")
    world.folder.mkdir()
    world.out.mkdir()
    if spec.setup is not None:
        spec.setup(world, compliance)
    stored, head = _stored(services), _head(services)

    with (
        _disabled_meanwhile(world) as fired,
        pytest.raises(ServiceError, match="Your account has been disabled; nothing was done") as err,
    ):
        spec.change(world)
    assert fired
    assert isinstance(err.value, AuthenticationFailed) or case.startswith("reread")  # (those say why they stopped)
    entries = _entries_after(services, head)
    assert [(action, who) for action, who, _, _ in entries] == [
        ("record-sealed", "system"),  # the author's staff row, disabled
        ("staff-disabled", root.username),
        ("refused", author.username),
    ]
    assert entries[-1][2]["cause"] == "disabled"
    if case == "report-rate":  # the report it was about, as the check before the change names it
        assert entries[-1][3] == world.report
    assert _stored(services) == stored
    assert list(world.out.iterdir()) == []
    if case == "trust-installation":  # not trusted: the trail's verification still waits for its key
        assert not services.ctx.sealer.trusts(world.folder.joinpath("chain-b").read_text())
        assert "has filed its key" in str(services.audit.verify(root).problem)
    else:
        assert services.audit.verify(root).ok


# -- the author's row and the trail's lock, in that order ------------------------------------

_HANG = 60.0  # a guard against a test hanging for ever, never a measure of speed

EXPORTS: dict[str, tuple[str, Callable[[Services, Actor, Path], object]]] = {
    "audit-export": ("suitcheck.services.audit_log", lambda s, a, out: s.audit.export(a, out / "t.jsonl", "jsonl")),
    "client-export": (
        "suitcheck.services.client_import",
        lambda s, a, out: s.client_files.export_clients(a, out / "clients.csv"),
    ),
}


def _waiting_on_a_lock(url: str) -> bool:
    engine = create_engine(make_url(url))
    try:
        with engine.connect() as conn:
            query = (
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return bool(conn.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("export", list(EXPORTS))
def test_an_export_and_its_makers_disable_at_the_same_instant_both_end_cleanly_on_postgresql(
    pg_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export: str
) -> None:
    """PostgreSQL, two desks. The export's entry took the trail's lock and then locked its
    maker's staff row (require_in); an administrator disabling the maker at that instant had
    locked the row and waited for the trail's lock: each waited for the other, and the
    server ended one of them with a deadlock ("the store could not be used"). The row is
    now locked first, as every change and the administrator lock it: the export is
    recorded, then the disable, both as asked."""
    desk, admin_desk = make_services(pg_target, clock), make_services(pg_target, clock)
    try:
        compliance = staff(desk, Role.COMPLIANCE)
        add_client(desk, compliance, "K1", RiskProfile.C3)
        root = staff(admin_desk, Role.ADMIN, "t-root")
        module, call = EXPORTS[export]
        inside, go_on = threading.Event(), threading.Event()
        original = in_trail_order

        def paused(ctx: Any, conn: Any) -> None:
            original(ctx, conn)
            if threading.current_thread().name == "desk-e":
                inside.set()  # the export's entry holds the trail's lock, not yet committed
                assert go_on.wait(_HANG)

        monkeypatch.setattr(f"{module}.in_trail_order", paused)
        outcome: dict[str, object] = {}

        def run(name: str, do: Callable[[], object]) -> threading.Thread:
            def target() -> None:
                try:
                    outcome[name] = do()
                except Exception as exc:  # noqa: BLE001 (the answer each desk got)
                    outcome[name] = exc

            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            return thread

        out = tmp_path / "out"
        out.mkdir()
        desk_e = run("desk-e", lambda: call(desk, compliance, out))
        assert inside.wait(_HANG), outcome
        desk_a = run("desk-a", lambda: admin_desk.auth.set_disabled(root, compliance.username, True))
        for _ in range(int(_HANG * 10)):  # the administrator's desk waits for the export's
            if _waiting_on_a_lock(pg_target) or not desk_a.is_alive():
                break
            threading.Event().wait(0.1)
        go_on.set()
        desk_e.join(_HANG)
        desk_a.join(_HANG)
        assert not isinstance(outcome.get("desk-e"), Exception), outcome
        assert not isinstance(outcome.get("desk-a"), Exception), outcome
        assert [p.name for p in out.iterdir()] != []  # the file was placed
        with desk.store.session(read_only=True) as session:
            actions = list(session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())
        assert actions.index("staff-disabled") > max(i for i, a in enumerate(actions) if a.endswith("export"))
        assert admin_desk.audit.verify(root).ok
    finally:
        admin_desk.close()
        desk.close()
