"""Attack: outputs made from a read and recorded afterwards (session 24, midtask-two): the
client export, the self-inspection PDF, filtered audit exports, and a re-assessment mark made
while the client answered. Each race is made deterministic: another desk acts, through the
services, at a chosen point of the work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suitcheck.audit import chain, inspection_pdf
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services, client_import, inspection
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.errors import ServiceError
from tests.conftest import PASSWORD, TODAY, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report


def _entries(services: Services, reader: Actor, action: str) -> list[Any]:
    return [e for e in services.audit.browse(reader, limit=10_000) if e.action == action]


def _export_with_change(services: Services, actor: Actor, out: Path, change: Any, monkeypatch: Any) -> Any:
    """export_clients with `change` made at another desk while the rows are written."""
    real = client_import._write_rows
    done: list[bool] = []

    def written_meanwhile(*a: Any, **kw: Any) -> int:
        count = real(*a, **kw)
        if not done:
            done.append(True)
            change()
        return count

    monkeypatch.setattr(client_import, "_write_rows", written_meanwhile)
    try:
        return services.client_files.export_clients(actor, out)
    finally:
        monkeypatch.setattr(client_import, "_write_rows", real)


def _branch_desk(services: Services) -> tuple[Actor, Actor, Actor]:
    """Head-office compliance and administrator, and an advisor of branch SH01."""
    admin, compliance = staff(services, Role.ADMIN, "t-root"), staff(services, Role.COMPLIANCE)
    services.branches.add(admin, "SH01", "上海分公司")
    services.auth.create_staff(admin, "t-sh", PASSWORD, Role.ADVISOR, branch="SH01")
    return admin, compliance, services.auth.login("t-sh", PASSWORD)


def test_a_client_export_holds_no_client_moved_to_another_branch_while_it_was_written(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A branch advisor exports the branch's clients (names, ID numbers). Compliance moved one
    of them to head office while the file was written: the file, holding that client, was
    placed and recorded after the move in the trail, as if the branch still held them.
    Refused now, no file; exported again, the client is not in it."""
    services = sqlite_services
    _, compliance, advisor = _branch_desk(services)
    for account in ("SHA", "SHB"):
        add_client(services, compliance, account, RiskProfile.C3, branch="SH01")
    out = tmp_path / "clients.csv"
    move = lambda: services.investors.move(compliance, "SHB", "HQ", "客户迁户")  # noqa: E731
    with pytest.raises(ServiceError, match="client export was made from changed while it was being written"):
        _export_with_change(services, advisor, out, move, monkeypatch)
    assert not out.exists()
    assert not _entries(services, compliance, "client-export")
    assert services.client_files.export_clients(advisor, out).count == 1
    assert "SHB" not in out.read_text(encoding="utf-8-sig")


def test_a_client_export_is_not_handed_to_staff_disabled_while_it_was_written(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The permission was checked when the export began; an administrator disabled the
    compliance officer while the file (with full ID numbers) was written, and it was still
    placed and recorded, after the `staff-disabled` entry. The staff row is read again under
    the trail's lock: the refusal is recorded, no file, no export entry."""
    services = sqlite_services
    admin, compliance = staff(services, Role.ADMIN, "t-root"), staff(services, Role.COMPLIANCE)
    officer = staff(services, Role.COMPLIANCE, "t-comp2")
    add_client(services, compliance, "DX1", RiskProfile.C3)
    out = tmp_path / "clients.csv"
    disable = lambda: services.auth.set_disabled(admin, officer.username, True)  # noqa: E731
    with pytest.raises(ServiceError):
        _export_with_change(services, officer, out, disable, monkeypatch)
    assert not out.exists()
    assert not _entries(services, compliance, "client-export")
    assert _entries(services, compliance, "refused")


def test_a_client_export_says_which_state_it_holds_when_a_client_changed_meanwhile(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client re-assessed C2 while the book was exported: the file holds C4 (the state read),
    and its entry came after the re-assessment in the trail without saying so. The book is a
    snapshot (a long one on a busy store would never finish if every change stopped it), so it
    is recorded, saying truthfully which state it holds: `as_of`, the newest entry it saw."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "RA4", RiskProfile.C4)
    out = tmp_path / "clients.csv"
    reassess = lambda: services.investors.assess(compliance, "RA4", RiskProfile.C2, TODAY, note="branch form")  # noqa: E731
    done = _export_with_change(services, compliance, out, reassess, monkeypatch)
    assert done.count == 1
    (assessment,) = [e for e in _entries(services, compliance, "assessment") if json.loads(e.facts)["profile"] == "C2"]
    (export,) = _entries(services, compliance, "client-export")
    as_of = json.loads(export.facts)["as_of"]
    assert as_of < assessment.seq < export.seq  # made before the re-assessment, recorded after it
    assert ",C4," in out.read_text(encoding="utf-8-sig")


def test_a_self_inspection_says_which_entries_its_figures_cover(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The self-inspection of a period ending today reads its figures in one snapshot, then
    verifies the chain and renders the PDF, then records it. An advisor's check of today was
    recorded in between: the PDF and its entry said "1 decision" for the period while the
    trail before the entry holds 2 in it, and neither said which entries were counted (made
    again, the same period gives 2). Both now name the newest entry the figures hold."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "IN3", RiskProfile.C3)
    services.access.check(advisor, "IN3", report)
    real = inspection_pdf.render
    checked: list[bool] = []

    def checked_meanwhile(data: Any) -> bytes:
        if not checked:
            checked.append(True)
            services.access.check(advisor, "IN3", report)  # another desk, committed
        return real(data)

    monkeypatch.setattr(inspection, "render", checked_meanwhile)
    result = services.inspection.write(compliance, TODAY, TODAY, tmp_path / "inspection.pdf")
    (entry,) = _entries(services, compliance, "inspection-report")
    facts = json.loads(entry.facts)
    checks = [e.seq for e in _entries(services, compliance, "check")]
    assert len([s for s in checks if s < entry.seq]) == 2
    assert facts["decisions"] == 1 == len([s for s in checks if s <= facts["as_of"]])
    assert result.data.as_of == facts["as_of"] == result.to_dict()["as_of"]


def test_a_filtered_audit_export_says_where_its_entries_end(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export of one client's entries seals first and ends at that seal, then reads the
    trail in its snapshot and verifies it whole. A check of that client recorded in between
    is in the verified trail but not in the file: the verdict said "only the entries
    matching investor_id=N … The whole trail, 14 entries to entry 14, verified", read as
    every matching entry to 14, while the file stops at the seal (entry 13), and the
    export's entry did not say where. Both now name the entry its entries end at."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    client = add_client(services, compliance, "AE3", RiskProfile.C3)
    services.access.check(advisor, "AE3", report)
    real = services.audit._export_filters

    def checked_meanwhile(*a: Any, **kw: Any) -> Any:
        services.access.check(advisor, "AE3", report)  # another desk, after the export's seal
        return real(*a, **kw)

    monkeypatch.setattr(services.audit, "_export_filters", checked_meanwhile)
    out = tmp_path / "one-client.jsonl"
    manifest = services.audit.export(compliance, out, "jsonl", AuditFilter(investor_id=client))
    end = manifest["store_head"]["seq"]
    later = max(e.seq for e in _entries(services, compliance, "check"))
    assert end < later <= manifest["trail_verified"]["through_seq"]  # verified, not in the file
    assert later not in [json.loads(line)["seq"] for line in out.read_text(encoding="utf-8").splitlines()]
    (entry,) = _entries(services, compliance, "export")
    assert json.loads(entry.facts)["through_seq"] == end
    verdict = services.audit.verify_file(compliance, out)
    assert verdict.ok
    assert f"recorded up to entry {end}" in (verdict.scope or "")


def test_an_audit_export_is_not_signed_by_a_key_another_window_retired_meanwhile(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole-trail export seals, then reads this installation's seals (the ladder its
    manifest carries) in another transaction. Another window of the same desk verified the
    trail in between, which sealed again: the manifest paired the export's seal with the
    other seal's signature and was signed by the key that seal had just retired; the file
    was placed and its export recorded, and `audit verify FILE` failed ("the manifest's
    signing key is not the one its seals lead to"). Refused now in one sentence, as a
    filtered export already was: no file, nothing recorded."""
    services, other = make_services(sqlite_target, clock), make_services(sqlite_target, clock)
    try:
        compliance = staff(services, Role.COMPLIANCE)
        add_client(services, compliance, "K1", RiskProfile.C3)
        elsewhere = other.auth.login(compliance.username, PASSWORD)
        real = chain.seal_ladder
        sealed: list[bool] = []

        def sealed_meanwhile(*a: Any, **kw: Any) -> Any:
            if not sealed:
                sealed.append(other.audit.verify(elsewhere).ok)  # verifying seals: the key moves on
            return real(*a, **kw)

        monkeypatch.setattr(chain, "seal_ladder", sealed_meanwhile)
        out = tmp_path / "whole.jsonl"
        with pytest.raises(ServiceError, match="Another process sealed during the export; export again"):
            services.audit.export(compliance, out, "jsonl")
        assert sealed == [True]
        assert not out.exists()
        assert not _entries(services, compliance, "export")
        monkeypatch.setattr(chain, "seal_ladder", real)
        services.audit.export(compliance, out, "jsonl")  # again: signed by the key its seals lead to
        assert services.audit.verify_file(compliance, out).ok
    finally:
        other.close()
        services.close()


def test_a_mark_made_while_the_client_answered_is_not_cleared_by_those_answers(sqlite_services: Services) -> None:
    """The rulebook: once staff mark a client's situation as changed, the client is treated
    as expired until re-assessed. A clerk began the questionnaire with a client shown not due;
    while the client answered, a colleague marked them (they had just lost their job). The
    answers, given for the situation before, were saved the same day and cleared the mark,
    because marks were counted by day: the client was valid again on answers that never knew
    of the change. The wizard names the record it began from; a mark made since is kept (the
    assessment is recorded, and says the mark was kept)."""
    from tests.services.test_assessments import TOP

    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "MW3", RiskProfile.C3)
    shown = services.investors.get(compliance, "MW3")  # the wizard opens on this record
    assert not shown.reassessment_due
    services.investors.mark_reassessment_due(advisor, "MW3", "客户失业")  # meanwhile, another desk
    preview = services.investors.preview_answers(compliance, "MW3", TOP, based_on=shown)
    result = services.investors.assess_answers(compliance, "MW3", TOP, based_on=shown)
    assert result.investor.reassessment_due
    assert not result.investor.assessment_valid
    assert preview.permits == result.permits
    (entry,) = [e for e in _entries(services, compliance, "assessment") if e.seq == result.audit_id]
    facts = json.loads(entry.facts)
    assert facts["reassessment_due_kept"] is True
    assert facts["marked_while_answering"] is True
    assert "cleared_reassessment_due" not in facts
    # Answered again, begun from the record as it now stands (due): the mark is cleared.
    again = services.investors.assess_answers(
        compliance, "MW3", TOP, based_on=services.investors.get(compliance, "MW3")
    )
    assert not again.investor.reassessment_due


def test_an_audit_export_is_not_handed_to_staff_disabled_while_it_was_written(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The permission (and the one for full ID numbers) was checked when the export began; an
    administrator disabled the officer while the trail was written out, and the file (every
    client's full ID number) was still placed and its export recorded, after the
    `staff-disabled` entry. The staff row is read again under the trail's lock when the export
    is recorded: the refusal is recorded, no file, no export entry."""
    services = sqlite_services
    admin, compliance = staff(services, Role.ADMIN, "t-root"), staff(services, Role.COMPLIANCE)
    officer = staff(services, Role.COMPLIANCE, "t-comp2")
    add_client(services, compliance, "AX1", RiskProfile.C3)
    real = services.audit._export_filters

    def disabled_meanwhile(*a: Any, **kw: Any) -> Any:
        services.auth.set_disabled(admin, officer.username, True)  # another desk
        return real(*a, **kw)

    monkeypatch.setattr(services.audit, "_export_filters", disabled_meanwhile)
    out = tmp_path / "trail.csv"
    with pytest.raises(ServiceError):
        services.audit.export(officer, out, "csv", full_id_numbers=True)
    assert not out.exists()
    assert not out.with_name(out.name + ".manifest.json").exists()
    assert not _entries(services, compliance, "export")
    assert _entries(services, compliance, "refused")


def test_a_self_inspection_is_not_handed_to_staff_disabled_while_it_was_made(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Head-office compliance was checked when the report began; an administrator disabled the
    officer while the PDF was rendered, and it was still placed and recorded after the
    `staff-disabled` entry. The staff row is read again under the trail's lock."""
    services = sqlite_services
    admin, compliance = staff(services, Role.ADMIN, "t-root"), staff(services, Role.COMPLIANCE)
    officer = staff(services, Role.COMPLIANCE, "t-comp2")
    real = inspection_pdf.render

    def disabled_meanwhile(data: Any) -> bytes:
        services.auth.set_disabled(admin, officer.username, True)  # another desk
        return real(data)

    monkeypatch.setattr(inspection, "render", disabled_meanwhile)
    out = tmp_path / "inspection.pdf"
    with pytest.raises(ServiceError):
        services.inspection.write(officer, TODAY, TODAY, out)
    assert not out.exists()
    assert not _entries(services, compliance, "inspection-report")
    assert _entries(services, compliance, "refused")
