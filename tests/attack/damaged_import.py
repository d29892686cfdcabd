"""A folder import of a damaged PDF beside a fine one, as the report-file attacks check it."""

from __future__ import annotations

from pathlib import Path

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from tests.conftest import staff


def refused_then_imported(services: Services, tmp_path: Path, damaged: bytes, fine: bytes) -> RiskLevel | None:
    """Imports `damaged` then `fine` in one go: the first must be refused as damaged, in a
    sentence (no traceback), and the import must go on to the second, whose level is given."""
    compliance = staff(services, Role.COMPLIANCE)
    first_path, second_path = tmp_path / "a-damaged.pdf", tmp_path / "b-fine.pdf"
    first_path.write_bytes(damaged)
    second_path.write_bytes(fine)
    first, second = services.reports.import_paths(compliance, [first_path, second_path])
    assert (first.status, first.report, first.code) == (ImportStatus.FAILED, None, "corrupt")
    assert first.reason is not None
    assert "Traceback" not in first.reason
    assert second.status is ImportStatus.IMPORTED
    assert second.report is not None
    return services.reports.get(compliance, second.report).level
