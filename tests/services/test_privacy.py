"""Full ID numbers never reach the log file or the default exports."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.logs import setup_logging
from suitcheck.services import Services
from suitcheck.services.demo import make_id_number
from suitcheck.services.errors import NotFound, ServiceError
from tests.conftest import staff
from tests.fixtures import import_text_report


def test_no_full_id_number_in_logs_or_default_exports(sqlite_services: Services, tmp_path: Path) -> None:
    log_file = setup_logging(logging.DEBUG)  # as verbose as it gets
    assert log_file is not None
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    advisor = staff(services, Role.ADVISOR)
    numbers = [make_id_number("110105", dt.date(1950 + i, 3, 4), 40 + i) for i in range(3)]
    report = import_text_report(services, compliance, tmp_path)
    for i, number in enumerate(numbers):
        services.investors.add(
            compliance,
            account=f"P{i}",
            name=f"隐私{i}",
            id_number=number,
            profile=RiskProfile.C3,
            assessed_on=dt.date(2026, 5, 1),
        )
        services.access.check(advisor, f"P{i}", report)
        services.investors.search(compliance, number)  # searching by the full number (audited, masked)
    with pytest.raises(ServiceError):  # a duplicate number is refused without echoing it
        services.investors.add(compliance, account="DUP", name="重复", id_number=numbers[0])
    with pytest.raises(ServiceError):
        services.investors.add(compliance, account="BAD", name="坏号", id_number=numbers[1][:-1] + "0")
    outputs = []
    for fmt in ("csv", "xlsx", "jsonl"):
        out = tmp_path / f"audit.{fmt}"
        services.audit.export(compliance, out, fmt)
        outputs.append(out)
    eligible = [v.id_number for v in services.access.eligible(advisor, report)]
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = Path(log_file).read_text(encoding="utf-8")
    assert log_text, "the log file was written"
    blobs = {"log": log_text.encode(), **{p.name: p.read_bytes() for p in outputs}}
    for name, blob in blobs.items():
        for number in numbers:
            assert number.encode() not in blob, f"full ID number in {name}"
    assert all(n is None or "********" in n for n in eligible)
    logging.getLogger().handlers.clear()


def test_a_sentence_never_echoes_a_typed_id_number(sqlite_services: Services, tmp_path: Path) -> None:
    """An advisor (no full ID numbers) who types a client's ID number where an account or a
    record id goes is told no such client or report exists, with the number masked: the
    sentence reaches the screen and a batch's results file."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    advisor = staff(services, Role.ADVISOR)
    number = make_id_number("110105", dt.date(1981, 7, 2), 101)
    services.investors.add(compliance, account="880001", name="林晓梅", id_number=number)
    report = import_text_report(services, compliance, tmp_path)
    sentences = []
    for call in (
        lambda: services.access.check(advisor, number, report),
        lambda: services.investors.get(advisor, number),
        lambda: services.investors.get(advisor, f"acct:{number}"),
        lambda: services.access.check(advisor, "880001", number),
    ):
        with pytest.raises(NotFound) as refused:
            call()
        sentences.append(str(refused.value))
    sentences += [str(result) for _pair, result in services.access.check_pairs(advisor, [(number, str(report))])]
    assert len(sentences) == 5
    for sentence in sentences:
        assert number not in sentence, sentence
        assert number[6:14] not in sentence, sentence
        assert f"{number[:6]}********{number[-4:]}" in sentence, sentence
