"""The command line as a careless administrator and a hurried script drive it: a folder
unpacked from a zip made on Windows, a console that is not UTF-8, a full disk under the
results of a batch, Ctrl+C and SIGTERM halfway through.

Was BROKE (1): `report import FOLDER` where a file's name is GBK bytes (a zip made on a
Chinese Windows desktop, unpacked on Linux) stopped the whole import with "unexpected
error (UnicodeEncodeError)": no database stores such a name. The files before it were
imported and not listed, the files after it never imported. Now that file fails with its
sentence and the import goes on.
"""

from __future__ import annotations

import os
from pathlib import Path

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from tests.conftest import staff
from tests.fixtures import report_text


def test_a_file_named_in_gbk_bytes_fails_alone_and_the_import_goes_on(
    sqlite_services: Services, tmp_path: Path
) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    folder = tmp_path / "unzipped"
    folder.mkdir()
    gbk_name = os.fsencode(folder) + b"/" + "研究报告一.txt".encode("gbk")
    with open(gbk_name, "wb") as handle:
        handle.write(report_text("中风险", "良好报告一号：稳健经营").encode())
    (folder / "good.txt").write_text(report_text("中风险", "良好报告二号：稳健经营"), encoding="utf-8")
    results = sqlite_services.reports.import_paths(compliance, [folder])
    by_name = {Path(r.path).name: r for r in results}
    assert by_name["good.txt"].status is ImportStatus.IMPORTED
    (failed,) = (r for name, r in by_name.items() if name != "good.txt")
    assert os.fsencode(failed.path) == gbk_name
    assert (failed.status, failed.code, failed.report) == (ImportStatus.FAILED, "name-not-text", None)
    assert "rename the file" in (failed.reason or "")
