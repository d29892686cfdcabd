"""Two desks importing the same report file at the same moment (a shared PostgreSQL store).

Was BROKE: on PostgreSQL a writer does not take the store up front (SQLite's BEGIN
IMMEDIATE does), so a desk that found no report with a file's hash could have another desk
store that very file before it wrote its own copy: the unique index on the file's hash then
refused the copy, and the refusal ("Another desk stored this report at the same moment")
stopped the whole folder import there, the files after it not imported, though the file
had been imported, by the other desk. Now that file is a duplicate of the other desk's
report, as when the other desk was a moment earlier, and the import goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.roles import Role
from tests.conftest import PASSWORD, Clock, make_services, staff
from tests.fixtures import report_text


def test_a_file_another_desk_stores_meanwhile_is_a_duplicate_and_the_import_goes_on(
    pg_target: str, clock: Clock, tmp_path: Path
) -> None:
    first = make_services(pg_target, clock)
    second = make_services(pg_target, clock)
    try:
        officer = staff(first, Role.COMPLIANCE)
        other = second.auth.login(officer.username, PASSWORD)
        folder = tmp_path / "incoming"
        folder.mkdir()
        for name, title in (("a.txt", "银行业息差企稳，龙头估值修复"), ("b.txt", "主板消费龙头：需求回暖")):
            (folder / name).write_text(report_text("中风险", title), encoding="utf-8")

        # The first desk reads the policy when it starts the import, and again in the unit of
        # work that stores a file, after finding no report with its hash: the other desk
        # stores a.txt right then.
        real = first.reports._ctx.policy
        calls: list[Any] = []
        theirs: list[Any] = []

        def policy_while_the_other_desk_stores(session: Any) -> Any:
            calls.append(session)
            if len(calls) == 2:
                theirs.extend(second.reports.import_paths(other, [folder / "a.txt"]))
            return real(session)

        first.reports._ctx.policy = policy_while_the_other_desk_stores  # type: ignore[method-assign]
        results = first.reports.import_paths(officer, [folder])
    finally:
        first.close()
        second.close()
    (stored,) = theirs
    assert stored.status is ImportStatus.IMPORTED
    assert [(Path(r.path).name, r.status, r.report) for r in results] == [
        ("a.txt", ImportStatus.DUPLICATE, stored.report),
        ("b.txt", ImportStatus.IMPORTED, results[1].report),
    ]
    assert results[1].report is not None
