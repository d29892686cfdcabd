"""A professional treated as ordinary from now on (a type-B professional's request) "then
needs an assessment" (the rulebook): one made before, while the table did not bind them,
was what the check used, so a client back under the table got R4 reports on an assessment
from before they became professional. Now the change marks them due for re-assessment
(nothing above R1) until an assessment of that day or later, whether the class is edited
or re-synced from the core system's export."""

from __future__ import annotations

import json
from pathlib import Path

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.investors import CLASS_CHANGE_REASON
from tests.conftest import TODAY, add_client
from tests.services.clientfiles import client_rows, write_csv
from tests.services.test_report_reread import _import

HK_TITLE = "腾讯控股（00700.HK）：广告收入超预期"  # R4


def _marks(services: Services, compliance: Actor) -> list[dict[str, object]]:
    entries = services.audit.browse(compliance, AuditFilter(action=AuditAction.REASSESSMENT_DUE))
    return [json.loads(e.facts) for e in entries]


def test_a_professional_treated_as_ordinary_needs_a_new_assessment(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, HK_TITLE)
    client = add_client(services, compliance, "B1", RiskProfile.C4, days_ago=200)
    assert services.access.check(advisor, client, report).decision.allowed
    services.investors.update(compliance, client, investor_class=InvestorClass.PROFESSIONAL, reason="资产达标")
    assert not services.investors.get(compliance, client).reassessment_due

    view = services.investors.update(
        compliance, client, investor_class=InvestorClass.PROFESSIONAL_AS_ORDINARY, reason="客户申请按普通投资者对待"
    )
    assert view.reassessment_due
    result = services.access.check(advisor, client, report)
    assert not result.decision.allowed
    assert "reassessment-due" in result.decision.reasons
    (mark,) = _marks(services, compliance)
    assert (mark["reason"], mark["marked_on"]) == (CLASS_CHANGE_REASON, TODAY.isoformat())

    # The assessment it needs: of that day or later.
    services.investors.assess(compliance, client, RiskProfile.C4, TODAY, note="柜台纸质问卷")
    assert not services.investors.get(compliance, client).reassessment_due
    assert services.access.check(advisor, client, report).decision.allowed
    assert services.audit.verify(compliance).ok


def test_an_ordinary_client_made_professional_needs_no_assessment_mark(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    client = add_client(services, compliance, "B2", RiskProfile.C3)
    services.investors.update(compliance, client, investor_class=InvestorClass.PROFESSIONAL, reason="资产达标")
    services.investors.update(compliance, client, name="客户B2改名")
    assert not services.investors.get(compliance, client).reassessment_due
    assert _marks(services, compliance) == []


def test_a_professional_never_assessed_is_blocked_as_never_assessed_not_marked(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    client = add_client(services, compliance, "B3", None, None, investor_class=InvestorClass.PROFESSIONAL)
    view = services.investors.update(compliance, client, investor_class=InvestorClass.PROFESSIONAL_AS_ORDINARY)
    assert not view.reassessment_due
    assert _marks(services, compliance) == []


def test_the_core_systems_export_turning_a_professional_ordinary_marks_them_due(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, HK_TITLE)
    rows = client_rows(2)
    rows[0][3], rows[0][4] = "专业投资者", "积极型"
    rows[1][3], rows[1][4] = "专业投资者", "积极型"
    services.client_files.import_clients(compliance, write_csv(tmp_path / "v1.csv", rows))
    assert services.access.check(advisor, "A000000", report).decision.allowed  # professional
    rows[0][3] = "专业转普通"
    rows[1][3], rows[1][5] = "专业转普通", TODAY.isoformat()  # with an assessment of today in the file
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "v2.csv", rows))
    assert result.changed == 2
    for account in ("A000000", "A000001"):
        view = services.investors.get(compliance, account)
        assert view.reassessment_due, account
        assert not services.access.check(advisor, account, report).decision.allowed
    assert [m["reason"] for m in _marks(services, compliance)] == [CLASS_CHANGE_REASON] * 2
    assert services.audit.verify(compliance).ok
    again = services.client_files.import_clients(compliance, tmp_path / "v2.csv")
    assert (again.changed, again.unchanged) == (0, 2)
    assert len(_marks(services, compliance)) == 2
    services.investors.assess(compliance, "A000000", RiskProfile.C4, TODAY, note="柜台纸质问卷")
    assert services.access.check(advisor, "A000000", report).decision.allowed
