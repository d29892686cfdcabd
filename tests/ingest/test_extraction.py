"""Text and PDF extraction and metadata, on our own synthetic fixtures."""

from __future__ import annotations

import codecs
import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import Policy
from suitcheck.domain.subjects import suggest_level
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.metadata import extract_metadata, normalize, parse_date, rejoin_wrapped_lines
from suitcheck.ingest.pdf import extract_pdf_text
from suitcheck.ingest.reader import MAX_BYTES, extract, read_bytes
from suitcheck.ingest.textfile import decode_text
from tests.fixtures import report_text
from tests.ingest.level_corpus import CORPUS
from tests.pdfs import image_only_pdf, masthead_report_pdf, text_to_pdf, two_column_report_pdf

EXPECTED_ANALYSTS = [("周明轩", "S1230521020001"), ("钱雨桐", "S1230524100002"), ("韩立", "S1230524070003")]
PDF_ARGS = dict(
    title="星辰半导体：先进封装放量，AI 芯片需求强劲",
    report_type="电子行业事件点评",
    date_line="2025 年 3 月 18 日",
    level_sentence="中风险",
    rating="超配（维持）",
    analysts=EXPECTED_ANALYSTS,
    body=["需求端持续改善。本段为合成测试文字，用于检验元数据提取与检索，不构成投资建议。" * 3],
)


def assert_synthetic_metadata(text: str) -> None:
    meta = extract_metadata(text)
    assert meta.title == "星辰半导体：先进封装放量，AI 芯片需求强劲"
    assert meta.report_type == "电子行业事件点评"
    assert meta.published_on == dt.date(2025, 3, 18)
    assert meta.stated_level is RiskLevel.R3
    assert [(a.name, a.sac_number) for a in meta.analysts] == EXPECTED_ANALYSTS
    assert meta.rating is not None
    assert (meta.rating.scope, meta.rating.value, meta.rating.change) == (
        "industry",
        "超配",
        "维持",
    )
    assert meta.publisher == "示例证券"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
def test_text_in_every_encoding(encoding: str) -> None:
    data = report_text("中风险", "星辰半导体：先进封装放量，AI 芯片需求强劲").encode(encoding)
    text, _ = decode_text(data)
    assert_synthetic_metadata(text)


def test_two_column_pdf_is_not_interleaved() -> None:
    text = extract_pdf_text(two_column_report_pdf(**PDF_ARGS))  # type: ignore[arg-type]
    assert_synthetic_metadata(text)
    # The title line stays whole: the sidebar's rating, at the same height, is not glued in.
    assert "星辰半导体：先进封装放量，AI 芯片需求强劲\n" in text


def test_full_width_and_wrapped_layout_noise() -> None:
    noisy = report_text("中风险", "星辰半导体：先进封装放量，AI 芯片需求强劲")
    noisy = noisy.replace("2025 年 3 月 18 日", "２０２５年３月１８日").replace("S1230521020001", "S12305210\n20001")
    noisy = noisy.replace("风险等级为中风险", "风险等级为\n中风险").replace("\n", "\r\n")
    assert_synthetic_metadata(noisy)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025 年 2 月 4 日", dt.date(2025, 2, 4)),
        ("2025年12月31日", dt.date(2025, 12, 31)),
        ("2025-02-04", dt.date(2025, 2, 4)),
        ("2025/2/4", dt.date(2025, 2, 4)),
        ("2025.02.04", dt.date(2025, 2, 4)),
        ("20250204", dt.date(2025, 2, 4)),
        ("2025 年 2 月 30 日", None),
        ("no date", None),
    ],
)
def test_date_spellings(text: str, day: dt.date | None) -> None:
    assert parse_date(text) == day


def test_unrated_text_has_no_level() -> None:
    assert extract_metadata(report_text(None)).stated_level is None


cjk = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80) | st.sampled_from("，。AI 12"),
    min_size=1,
    max_size=200,
)


@given(cjk, st.lists(st.integers(1, 199), max_size=8))
def test_rejoining_wrapped_lines_loses_no_character(body: str, cuts: list[int]) -> None:
    lines, last = [], 0
    for cut in sorted(set(c for c in cuts if c < len(body))):
        lines.append(body[last:cut])
        last = cut
    lines.append(body[last:])
    wrapped = normalize("\n".join(lines))
    joined = rejoin_wrapped_lines(wrapped)
    assert joined.replace("\n", "") == wrapped.replace("\n", "")


@given(st.binary(max_size=400))
def test_decoding_arbitrary_bytes_fails_cleanly_or_decodes(data: bytes) -> None:
    failure: IngestError | None = None
    try:
        text, _ = decode_text(data)
    except IngestError as exc:
        failure = exc
    if failure is not None:
        assert failure.code in ("binary", "bad-encoding")
    else:
        assert isinstance(text, str)


@given(st.text(max_size=300))
def test_metadata_extraction_never_crashes(text: str) -> None:
    extract_metadata(text)


# -- the bad-file corpus ---------------------------------------------------------------


def _bad_files(folder: Path) -> dict[str, str]:
    """name -> expected error code."""
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n" + os.urandom(600))
    (folder / "encrypted.pdf").write_bytes(two_column_report_pdf(**PDF_ARGS, encrypt="secret"))  # type: ignore[arg-type]
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "empty.txt").write_bytes(codecs.BOM_UTF8 + b"  \n\n ")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "garbage.pdf").write_bytes(os.urandom(4096))
    (folder / "scan.pdf").write_bytes(image_only_pdf())
    with (folder / "huge.pdf").open("wb") as handle:  # sparse: 100 MB + 1 byte, costs no disk
        handle.truncate(MAX_BYTES + 1)
    return {
        "corrupt.pdf": "corrupt",
        "encrypted.pdf": "encrypted",
        "empty.pdf": "empty",
        "empty.txt": "empty",
        "garbage.txt": "binary",
        "garbage.pdf": "not-pdf",
        "scan.pdf": "no-text",
        "huge.pdf": "too-large",
    }


def test_each_bad_file_fails_with_its_own_reason(tmp_path: Path) -> None:
    expected = _bad_files(tmp_path)
    for name, code in expected.items():
        path = tmp_path / name
        with pytest.raises(IngestError) as info:
            extract(path, read_bytes(path))
        assert info.value.code == code, (name, info.value.code, str(info.value))
        assert str(info.value).endswith(".")


def test_reference_report_by_hand_check() -> None:
    """The real public report in shared/reference (read, never copied into the project).

    It is not shipped with the project; CI lays shared/ beside the clone, where this
    runs. A developer's clone without shared/ has nothing to read here."""
    reference = Path(__file__).resolve().parents[3] / "shared" / "reference" / "sample-research-report.txt"
    if not reference.exists():
        if os.environ.get("CI"):  # CI always lays shared/ beside the clone: missing is a failure
            pytest.fail(f"{reference} is missing in CI")
        pytest.skip("shared/reference is not beside this clone (a developer's checkout)")
    meta = extract_metadata(decode_text(reference.read_bytes())[0])
    assert meta.stated_level is RiskLevel.R3
    assert meta.published_on == dt.date(2025, 2, 4)
    assert [a.sac_number for a in meta.analysts] == ["S0340521020001", "S0340524100001", "S0340524070002"]
    assert meta.rating is not None
    assert (meta.rating.value, meta.rating.change) == ("超配", "维持")
    assert meta.publisher == "东莞证券"
    gbk = decode_text(reference.read_text(encoding="utf-8").encode("gbk"))[0]
    assert extract_metadata(gbk) == meta
    # The same report printed to a PDF (wrapped lines, page breaks), through the PDF path.
    from_pdf = extract_metadata(extract_pdf_text(text_to_pdf(reference.read_text(encoding="utf-8"))))
    assert (from_pdf.stated_level, from_pdf.published_on, from_pdf.publisher) == (
        RiskLevel.R3,
        dt.date(2025, 2, 4),
        "东莞证券",
    )
    assert [a.sac_number for a in from_pdf.analysts] == [a.sac_number for a in meta.analysts]
    assert from_pdf.rating == meta.rating


# -- the level-statement corpus ---------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "expected", "conflict"), CORPUS, ids=[c[0] for c in CORPUS])
def test_level_is_read_only_from_the_reports_statement_about_itself(
    name: str, text: str, expected: str | None, conflict: bool
) -> None:
    meta = extract_metadata(text)
    assert (meta.stated_level.code if meta.stated_level else None) == expected
    assert meta.level_conflict is conflict
    # The same through the PDF path: wrapped lines and all.
    from_pdf = extract_metadata(extract_pdf_text(text_to_pdf(text, chars_per_line=17)))
    assert (from_pdf.stated_level.code if from_pdf.stated_level else None) == expected, name


def test_level_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 12
    assert sum(1 for c in CORPUS if c[2] is None) >= 4
    assert sum(1 for c in CORPUS if c[3]) >= 2


# -- title, date and subject from the header block ------------------------------------

HK_BODY = [
    "2025 年 1 月 20 日，公司公告回购计划，本段为合成测试文字，不构成投资建议。",
    "港股互联网平台估值修复，公司在港股市场的回购力度加大，港股通资金持续流入。",
]


@pytest.mark.parametrize("sidebar", ["right", "left"])
@pytest.mark.parametrize("order", ["rows", "sidebar-first", "body-first"])
@pytest.mark.parametrize("body_chars", [30, 20])
def test_title_and_date_come_from_the_header_block_in_two_column_layouts(
    sidebar: str, order: str, body_chars: int
) -> None:
    """The publisher's name, the masthead, the rating and the sidebar are never the title;
    the body's first date (a sentence that opens with one) is never the report's date,
    whichever order the columns come out in."""
    pdf = masthead_report_pdf(
        publisher="东兴证券股份有限公司",
        title="腾讯控股（0700.HK）：回购提速，估值重估",
        report_type="港股公司点评",
        date_line="2025 年 2 月 4 日",
        rating="买入（维持）",
        analysts=[("林晓", "S1230521020009")],
        body=HK_BODY,
        level_sentence="中风险",
        sidebar=sidebar,
        order=order,
        body_chars=body_chars,
    )
    meta = extract_metadata(extract_pdf_text(pdf))
    assert meta.title == "腾讯控股（0700.HK）：回购提速，估值重估"
    assert meta.published_on == dt.date(2025, 2, 4)
    assert meta.report_type == "港股公司点评"
    assert meta.stated_level is RiskLevel.R3
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R4


def test_publisher_and_header_lines_are_not_the_title() -> None:
    text = (
        "东兴证券股份有限公司\n证券研究报告\n公司研究\n买入（维持）\n"
        "腾讯控股（0700.HK）：回购提速\n港股公司点评\n分析师：林晓（SAC 执业证书编号：S1230521020009）\n"
        "事件：\n2025 年 1 月 20 日，公司公告回购计划。\n本报告的风险等级为中风险。\n"
    )
    meta = extract_metadata(text)
    assert meta.title == "腾讯控股（0700.HK）：回购提速"
    assert meta.published_on is None  # no date in the header: unknown, not the body's date
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R4


def test_macro_report_is_not_flagged_by_the_publisher_line_or_a_passing_mention() -> None:
    text = (
        "东兴证券股份有限公司\n证券研究报告\n宏观经济月报：稳增长政策持续发力\n宏观研究\n2025 年 3 月 3 日\n"
        "投资要点：\n本段为合成测试文字：A 股和港股市场情绪回暖，国债收益率企稳。\n"
        "本报告的风险等级为低风险。\n"
        "证券研究报告风险等级及适当性匹配关系\n中高风险 创业板、科创板、港股等\n高风险 期货、期权等衍生品\n"
        "港股 港股 港股 期货 期货 期货\n"
    )
    meta = extract_metadata(text)
    assert meta.title == "宏观经济月报：稳增长政策持续发力"
    assert meta.published_on == dt.date(2025, 3, 3)
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R1


def test_body_keywords_that_keep_returning_set_the_subject() -> None:
    """A report titled only by its theme, whose body is about STAR-market stocks."""
    text = (
        "示例证券股份有限公司\n半导体设备：国产替代加速\n专题报告\n2025 年 5 月 6 日\n投资要点：\n"
        "科创板设备公司订单饱满。\n科创板材料公司扩产。\n科创板估值处于历史中位。\n本报告的风险等级为中风险。\n"
    )
    meta = extract_metadata(text)
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R4
