"""Importing a folder never reaches outside it: a link to a salary table elsewhere, a link
to a whole folder elsewhere and special files are skipped, and the result says so.

Was BROKE: a folder import listed its files first and read them one by one afterwards,
checking only that the file itself had not become a link. A sub-folder replaced, while
the files before it were being read, by a link to a folder elsewhere holding a file of
the same name (hr/b-second.txt, a salary table) had that file read through the link and
imported as a report every staff member can open. Now a file found in a folder is read
only if what is opened is the very file the listing found (its device and inode);
otherwise it is skipped, saying it was replaced after the folder was read."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from suitcheck.domain.roles import Role
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.reader import read_bytes
from suitcheck.services import Services
from suitcheck.services.reports import ImportResult, ReportFilter
from tests.conftest import staff
from tests.fixtures import report_text

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links and FIFOs as POSIX makes them")


def _layout(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "hr"
    outside.mkdir()
    (outside / "salaries.txt").write_text(report_text("低风险", "薪酬表：全体员工工资明细"), encoding="utf-8")
    (outside / "more").mkdir()
    (outside / "more" / "bonus.txt").write_text(report_text("低风险", "奖金表：年度奖金明细"), encoding="utf-8")
    chosen = tmp_path / "incoming"
    (chosen / "sub").mkdir(parents=True)
    (chosen / "a-real.txt").write_text(report_text("中风险", "真实报告：银行业息差企稳"), encoding="utf-8")
    (chosen / "sub" / "b-inner.txt").write_text(report_text("低风险", "内部报告：宏观周报"), encoding="utf-8")
    (chosen / "c-salaries.txt").symlink_to(outside / "salaries.txt")
    (chosen / "d-hr-folder").symlink_to(outside, target_is_directory=True)
    (chosen / "e-inner-link.txt").symlink_to(chosen / "sub" / "b-inner.txt")
    (chosen / "f-broken.txt").symlink_to(tmp_path / "gone.txt")
    (chosen / "g-escape.txt").symlink_to(Path("..") / "hr" / "salaries.txt")  # relative, still outside
    os.mkfifo(chosen / "h-pipe.txt")
    return chosen, outside


def test_links_leaving_the_folder_and_special_files_are_skipped(sqlite_services: Services, tmp_path: Path) -> None:
    chosen, _ = _layout(tmp_path)
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    results = sqlite_services.reports.import_paths(compliance, [chosen])
    by_name = {Path(r.path).name: (r.status, r.code) for r in results}
    assert by_name["a-real.txt"][0] == "imported"
    assert by_name["b-inner.txt"][0] in ("imported", "duplicate")  # also reached through e-inner-link.txt
    for name in ("c-salaries.txt", "d-hr-folder", "f-broken.txt", "g-escape.txt"):
        assert by_name[name] == ("skipped", "link-outside"), name
    assert by_name["h-pipe.txt"] == ("skipped", "special-file")
    assert all(r.reason for r in results if r.status == "skipped")
    assert "salaries.txt" not in by_name
    assert "bonus.txt" not in by_name
    titles = [v.title for v in sqlite_services.reports.search(compliance, ReportFilter(), limit=100)]
    assert not any("薪酬" in t or "奖金" in t for t in titles)


def test_the_cli_reports_skipped_files_and_still_succeeds(tmp_path: Path) -> None:
    from tests.cli.test_cli import run

    chosen, _ = _layout(tmp_path)
    db = tmp_path / "demo.db"
    assert run("seed-demo", db=db, password=None).returncode == 0
    result = run("report", "import", str(chosen), "--json", "--user", "demo-compliance", db=db)
    assert result.returncode == 0, result.stderr
    rows = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    assert rows["c-salaries.txt"]["status"] == "skipped"
    assert rows["c-salaries.txt"]["reason"]
    text = run("report", "import", str(chosen), "--user", "demo-compliance", db=db)
    assert any(line.startswith("skipped") and "h-pipe.txt" in line for line in text.stdout.splitlines())


def test_a_named_special_file_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "named.txt"
    os.mkfifo(pipe)
    with pytest.raises(IngestError) as failure:
        read_bytes(pipe)  # no writer: a blocking open would never return
    assert failure.value.code == "special-file"


def test_a_file_swapped_for_a_link_after_listing_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("secret", encoding="utf-8")
    swapped = tmp_path / "listed.txt"
    swapped.symlink_to(target)
    with pytest.raises(IngestError) as failure:
        read_bytes(swapped, follow_links=False)
    assert failure.value.code == "link-changed"
    assert read_bytes(swapped) == b"secret"  # a file named explicitly may be a link


def test_a_folder_swapped_for_a_link_during_the_import_is_not_read_through(
    sqlite_services: Services, tmp_path: Path
) -> None:
    outside = tmp_path / "hr"
    outside.mkdir()
    (outside / "b-second.txt").write_text(report_text("低风险", "薪酬表：全体员工工资明细"), encoding="utf-8")
    chosen = tmp_path / "incoming"
    (chosen / "sub").mkdir(parents=True)
    (chosen / "a-first.txt").write_text(report_text("中风险", "真实报告：银行业息差企稳"), encoding="utf-8")
    (chosen / "sub" / "b-second.txt").write_text(report_text("低风险", "内部报告：宏观周报"), encoding="utf-8")

    def swap_after_the_first(number: int, total: int, result: ImportResult) -> None:
        if number == 1:  # listed already; the second file is read next
            shutil.rmtree(chosen / "sub")
            (chosen / "sub").symlink_to(outside, target_is_directory=True)

    compliance = staff(sqlite_services, Role.COMPLIANCE)
    first, second = sqlite_services.reports.import_paths(compliance, [chosen], progress=swap_after_the_first)
    assert first.status == "imported"
    assert (second.status, second.code, second.report) == ("failed", "replaced-after-listing", None)
    assert second.reason is not None
    assert "replaced" in second.reason
    titles = [v.title for v in sqlite_services.reports.search(compliance, ReportFilter(), limit=100)]
    assert not any("薪酬" in t for t in titles)


def test_a_file_replaced_after_listing_is_not_read(tmp_path: Path) -> None:
    from suitcheck.ingest.reader import expand_paths

    chosen = tmp_path / "incoming"
    chosen.mkdir()
    listed = chosen / "report.txt"
    listed.write_text(report_text("中风险", "真实报告：银行业息差企稳"), encoding="utf-8")
    (found,) = expand_paths([chosen])
    assert read_bytes(found.path, follow_links=False, found=found.identity)  # type: ignore[union-attr]
    listed.rename(tmp_path / "kept-aside.txt")  # kept, so its inode is not handed to the new file
    listed.write_text(report_text("低风险", "另一份文件"), encoding="utf-8")
    with pytest.raises(IngestError) as failure:
        read_bytes(found.path, follow_links=False, found=found.identity)  # type: ignore[union-attr]
    assert failure.value.code == "replaced-after-listing"
