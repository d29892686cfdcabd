"""The CSV export joins a row's line itself only where csv.writer would write the same
bytes: every row here, intact (so the fast path is offered) and full of what needs
quoting or neutralising, must come out exactly as the simple per-entry path writes it."""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from suitcheck.audit import export
from suitcheck.audit.chain import canonical_json
from suitcheck.audit.export import ExportRow, neutralise
from suitcheck.domain.identity import mask_id_number

# Text that csv quoting or formula neutralising cares about, mixed with CJK and plain text.
AWKWARD = ["", ",", '"', "\r", "\n", "\r\n", "=", "+", "-", "@", "\t", "'", " ", "中文", "，", "x", "\x07", "\u202e"]
texts = st.lists(st.sampled_from(AWKWARD), max_size=4).map("".join) | st.text(max_size=12)
maybe_texts = st.none() | texts
fact_values = (
    st.none()
    | texts
    | st.integers(-5, 5)
    | st.booleans()
    | st.floats(allow_nan=False)
    | st.lists(st.integers(), max_size=2)
)


def _row(
    seq: int,
    staff: str,
    decision: str | None,
    reasons: list[Any],
    facts: dict[str, Any],
    account: str | None,
    name: str | None,
    id_number: str | None,
    title: str | None,
    report_id: int | None,
) -> tuple[Any, ...]:
    """A source row whose entry hash is right, so the export's fast path is offered."""
    fields: list[Any] = [
        seq, "2026-12-04T10:00:00.000000Z", staff, "check", 7, report_id, decision,
        canonical_json(reasons), canonical_json(facts), "0" * 64, "",
        account, name, id_number, title, None, "ab" * 32,
    ]  # fmt: skip
    fields[10] = hashlib.sha256(canonical_json(ExportRow(*fields).canonical()).encode()).hexdigest()
    return tuple(fields)


def _reference(rows: list[tuple[Any, ...]], masked: bool) -> bytes:
    """What the simple path writes for these rows (csv.writer over every neutralised cell)."""
    text = io.StringIO()
    writer = csv.writer(text)
    for r in rows:
        fields = list(r)
        if masked:
            fields[13] = mask_id_number(fields[13])
        writer.writerow([neutralise(c) for c in ExportRow(*fields).cells()])
    return text.getvalue().encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.builds(
            _row,
            seq=st.integers(1, 10**6),
            staff=texts,
            decision=maybe_texts,
            reasons=st.lists(texts, max_size=3),
            facts=st.dictionaries(st.sampled_from(["profile", "level", "policy_version", "note"]), fact_values),
            account=maybe_texts,
            name=maybe_texts,
            id_number=st.none() | st.sampled_from(["110105196108090312", "110105610809031", "=1+1", ",\r\n"]),
            title=maybe_texts,
            report_id=st.none() | st.integers(-3, 10**6),
        ),
        min_size=1,
        max_size=6,
    ),
    masked=st.booleans(),
)
@example(
    rows=[
        _row(
            1,
            "bench",
            "allow",
            ["ok"],
            {"profile": "C3", "level": "R3", "policy_version": 1},
            "A1",
            "张三",
            None,
            "报告",
            1,
        ),
        _row(2, "=cmd", "allow", ["a,b"], {"profile": "C3"}, 'say "hi"', "两行\n文字", None, "+x", None),
        _row(3, "bench", "-1", [], {"policy_version": -1}, "@a", "\t制表", "110105196108090312", "\r回车", -2),
    ],
    masked=True,
)
def test_csv_rows_are_what_csv_writer_writes(rows: list[tuple[Any, ...]], masked: bool) -> None:
    renderer = export._Renderer("csv", mask_id_number if masked else None)
    text, _ = renderer.batch(rows)
    assert text == _reference(rows, masked)


def test_the_joined_line_is_taken_for_plain_rows() -> None:
    """The fast line is not dead code: a plain intact row takes it, a row with a comma,
    quote, line break or formula lead in a cell does not."""
    formatter = export._Formatter()
    facts = {"profile": "C3", "level": "R3", "policy_version": 1}
    plain = _row(1, "bench", "allow", ["ok"], facts, "A1", "张三", "110105196108090312", "报告", 1)
    parts = formatter.parts(plain, plain[13])
    assert parts is not None
    assert formatter.csv_line(plain, plain[13], parts[2]) is not None
    for name in ("a,b", 'a"b', "a\nb", "a\rb", "=x", "+x", "-x", "@x", "\tx"):
        odd = _row(1, "bench", "allow", ["ok"], facts, "A1", name, None, "报告", 1)
        odd_parts = formatter.parts(odd, None)
        assert odd_parts is not None
        assert formatter.csv_line(odd, None, odd_parts[2]) is None, name
