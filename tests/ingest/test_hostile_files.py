"""Hostile report files fail alone, each with its own code, and the batch goes on. The
memory and processor limits are proved by the worker's exit status (a signal or the
memory exit code), never by a clock; the files are generated here, never committed."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from suitcheck.domain.policy import Policy, PolicyError
from suitcheck.domain.roles import Role
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.sandbox import EXIT_MEMORY, Limits, Sandbox, os_limits_supported
from suitcheck.services import Services
from tests.conftest import staff
from tests.fixtures import report_text
from tests.ingest import hostile

needs_rlimit = pytest.mark.skipif(
    not os_limits_supported(), reason="RLIMIT_AS/RLIMIT_CPU are POSIX; Windows degrades (README)"
)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    yield box
    box.close()


def _fails(sandbox: Sandbox, name: str, data: bytes, limits: Limits) -> IngestError:
    with pytest.raises(IngestError) as failure:
        sandbox.extract(Path(name), data, limits)
    return failure.value


def _still_reads(sandbox: Sandbox) -> None:
    extracted = sandbox.extract(Path("fine.pdf"), hostile.many_pages_pdf(1), Limits())
    assert "Page 1" in extracted.text


def test_flate_bomb_stops_at_the_inflate_limit_before_allocating_it(sandbox: Sandbox) -> None:
    """A 1 MB-to-1 GB bomb in miniature: 64 MB from 66 KB, limit 16 MB."""
    bomb = hostile.flate_bomb_pdf(64)
    assert len(bomb) < 100_000
    error = _fails(sandbox, "bomb.pdf", bomb, Limits(inflated_mb=16))
    assert error.code == "inflates-too-much"
    assert sandbox.last_exit is None  # refused inside the worker, which lives on
    _still_reads(sandbox)


@needs_rlimit
def test_memory_limit_ends_the_worker_with_its_memory_status(sandbox: Sandbox) -> None:
    """With the inflate bound out of the way, the address-space limit is what stops it."""
    error = _fails(sandbox, "bomb.pdf", hostile.flate_bomb_pdf(400), Limits(memory_mb=256, inflated_mb=4096))
    assert error.code == "too-much-memory"
    assert sandbox.last_exit == EXIT_MEMORY
    _still_reads(sandbox)  # a fresh worker reads the next file


@needs_rlimit
def test_operator_bomb_is_killed_by_the_processor_limit(sandbox: Sandbox) -> None:
    bomb = hostile.operator_bomb_pdf()
    assert len(bomb) < 400_000
    error = _fails(sandbox, "operators.pdf", bomb, Limits(cpu_seconds=1))
    assert error.code == "too-much-cpu"
    assert sandbox.last_exit == -signal.SIGXCPU
    _still_reads(sandbox)


def test_page_limit(sandbox: Sandbox) -> None:
    error = _fails(sandbox, "long.pdf", hostile.many_pages_pdf(Limits().pages + 1), Limits())
    assert error.code == "too-many-pages"
    assert str(Limits().pages) in str(error)
    assert sandbox.extract(Path("ok.pdf"), hostile.many_pages_pdf(3), Limits(pages=3)).text.count("Page") == 3


def test_text_limits_for_text_files_and_pdfs(sandbox: Sandbox) -> None:
    big = ("研究报告正文。" * 800_000).encode("utf-8")  # 5.6 million characters, 16.8 MB
    assert _fails(sandbox, "big.txt", big, Limits()).code == "too-much-text"
    text = report_text("中风险").encode("utf-8")
    assert _fails(sandbox, "small.txt", text, Limits(text_chars=100)).code == "too-much-text"
    assert sandbox.extract(Path("small.txt"), text, Limits()).metadata.stated_level is not None
    pdf = hostile.many_pages_pdf(5)
    assert _fails(sandbox, "five.pdf", pdf, Limits(text_chars=60)).code == "too-much-text"


def test_cancel_stops_a_file_that_is_being_read(sandbox: Sandbox) -> None:
    polls = iter(range(1_000_000))

    def cancelled() -> bool:
        return next(polls) >= 3  # a few polls after the worker got the file

    with pytest.raises(IngestError) as failure:
        sandbox.extract(Path("operators.pdf"), hostile.operator_bomb_pdf(), Limits(), cancelled)
    assert failure.value.code == "cancelled"
    assert sandbox.last_exit == -signal.SIGKILL
    _still_reads(sandbox)


def test_a_batch_goes_on_past_every_hostile_file(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    services.policy.update(compliance, import_inflated_mb=16, import_max_pages=20, import_max_text_chars=200_000)
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "a-good.txt").write_text(report_text("中风险", "良好报告一号：稳健经营"), encoding="utf-8")
    hostile.write(folder, "b-bomb.pdf", hostile.flate_bomb_pdf(64))
    hostile.write(folder, "c-long.pdf", hostile.many_pages_pdf(21))
    (folder / "d-big.txt").write_text("很长的文字。" * 50_000, encoding="utf-8")
    (folder / "e-good.txt").write_text(report_text("低风险", "良好报告二号：宏观稳定"), encoding="utf-8")
    seen: list[int] = []
    results = services.reports.import_paths(compliance, [folder], progress=lambda n, total, r: seen.append(n))
    by_name = {Path(r.path).name: r for r in results}
    assert seen == [1, 2, 3, 4, 5]
    assert by_name["a-good.txt"].status == "imported"
    assert by_name["e-good.txt"].status == "imported"
    assert {n: (r.status, r.code) for n, r in by_name.items() if r.status == "failed"} == {
        "b-bomb.pdf": ("failed", "inflates-too-much"),
        "c-long.pdf": ("failed", "too-many-pages"),
        "d-big.txt": ("failed", "too-much-text"),
    }
    assert by_name["b-bomb.pdf"].to_dict()["reason"]


def test_limits_are_firm_policy_with_bounds() -> None:
    policy = Policy()
    assert (policy.import_memory_mb, policy.import_cpu_seconds, policy.import_max_pages) == (1024, 60, 200)
    assert policy.import_max_text_chars == 5_000_000
    for bad in ({"import_cpu_seconds": 0}, {"import_memory_mb": 64}, {"import_max_pages": True}):
        with pytest.raises(PolicyError):
            Policy.from_dict({**policy.to_dict(), **bad})


def test_the_reader_process_is_spawned_not_forked(sandbox: Sandbox) -> None:
    """'spawn' is what works alike on Windows, macOS and in the frozen build, and a
    spawned worker holds none of the parent's memory (open store, keys)."""
    sandbox.extract(Path("fine.pdf"), hostile.many_pages_pdf(1), Limits())
    process = sandbox._process
    assert process is not None
    assert process.pid != os.getpid()
    assert type(process).__name__ == "SpawnProcess"
