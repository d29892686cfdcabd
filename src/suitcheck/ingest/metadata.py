"""Read a research report's metadata from its text: title, date, analysts, rating, level."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

from suitcheck.domain.levels import RiskLevel, UnknownLevelError
from suitcheck.domain.subjects import subject_text
from suitcheck.domain.text import matching_form
from suitcheck.ingest import LEVEL_READER

COMPANY_RATINGS = ("买入", "增持", "持有", "减持", "无评级")
INDUSTRY_RATINGS = ("超配", "标配", "低配")
RATING_CHANGES = ("维持", "首次", "上调", "下调", "调高", "调低", "新增", "首次覆盖")


@dataclasses.dataclass(frozen=True)
class Analyst:
    name: str
    sac_number: str | None
    phone: str | None = None
    email: str | None = None


@dataclasses.dataclass(frozen=True)
class Rating:
    scope: str  # "industry" | "company"
    value: str
    change: str | None


@dataclasses.dataclass(frozen=True)
class ReportMetadata:
    title: str | None
    publisher: str | None
    published_on: dt.date | None
    report_type: str | None
    analysts: tuple[Analyst, ...]
    rating: Rating | None
    stated_level: RiskLevel | None
    # Every level the report states about itself, in order; two different ones make
    # the report unrated (stated_level None) with a finding.
    level_statements: tuple[RiskLevel, ...] = ()
    # What else the report says about its own level that names a level but cannot be
    # read as a statement of one (a negation, a condition, a level not on the scale):
    # the report stays unrated (stated_level None) with a finding.
    unclear_level_statements: tuple[str, ...] = ()
    # The report's own text between its header block and its disclaimers: where body
    # keywords for the subject are looked for (never the disclaimer's printed table).
    body_text: str = ""
    # The title and type read from a PDF's text with what its pages do not show, when they
    # differ from those shown (title, report_type): counted for the subject too, never shown.
    unshown_subject: str = ""
    # The header block's masthead lines ("港股研究"): never the title; the series they name
    # counts for the subject where it lifts a report above the main board
    # (domain.subjects.suggest_level's series_text).
    masthead: str = ""
    # A masthead printed on one line with the report type ("固收研究 | 信用债周报"): never
    # the title, but counted for the subject in full, as it was when read as the title.
    masthead_with_type: str = ""
    # The version of the reader that read the level statement (LEVEL_READER of the build
    # whose worker read the file).
    reader: int | None = LEVEL_READER

    @property
    def level_conflict(self) -> bool:
        return len(set(self.level_statements)) > 1

    @property
    def subject_text(self) -> str:
        """What the subject table is applied to: never the disclaimer."""
        parts = (subject_text(self.title, self.report_type), self.masthead_with_type, self.unshown_subject)
        return " ".join(x for x in parts if x)


# Full-width letters, digits, @ . - + and the ideographic space become ASCII; CJK
# punctuation (，：（）) stays, because it is what a Chinese title should show.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_HALF_WIDTH.update(
    {0xFF20: ord("@"), 0xFF0E: ord("."), 0xFF0D: ord("-"), 0xFF0B: ord("+"), 0x3000: ord(" "), 0x00A0: ord(" ")}
)


def normalize(text: str) -> str:
    """Half-width alphanumerics, unified newlines, no trailing spaces, no blank lines."""
    text = unicodedata.normalize("NFC", text).translate(_HALF_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


_SENTENCE_END = tuple("。！？；：.!?;:)）】」”")
_CJK = re.compile(r"[\u3400-\u9fff]")


def rejoin_wrapped_lines(text: str) -> str:
    """Join a line to the next when a layout wrapped one sentence across them.

    Joins only when the line ends mid-sentence and both sides are CJK (where no space
    belongs) or the break splits a word; list items and headings stay separate.
    """
    out: list[str] = []
    for line in text.split("\n"):
        if out:
            prev = out[-1]
            joinable = (
                len(prev) >= 20
                and not prev.endswith(_SENTENCE_END)
                and _CJK.match(line[:1] or " ") is not None
                and _CJK.match(prev[-1]) is not None
                and not line.startswith(("-", "•", "·", "分析师", "电话", "邮箱"))
            )
            if joinable:
                out[-1] = prev + line
                continue
        out.append(line)
    return "\n".join(out)


_DATE_PATTERNS = (
    re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(20\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)"),
)
_SAC = re.compile(r"S(?:\s*\d){13}")
_ANALYST = re.compile(
    r"(?:分析师|研究员|证券分析师)\s*[:：]?\s*([\u4e00-\u9fa5·]{2,5}|[A-Za-z][A-Za-z .]{1,40}?)\s*"
    r"(?:[(（]?\s*(?:SAC\s*)?(?:执业)?(?:证书)?(?:编号)?\s*[:：]?\s*(S(?:\s*\d){13}))?"
)
_PHONE = re.compile(r"(?:电话|Tel)\s*[:：]\s*([0-9()（）+\- ]{7,24})")
_EMAIL = re.compile(r"(?:邮箱|Email|E-mail)\s*[:：]\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+)", re.I)
_RATING = re.compile(
    r"(" + "|".join(COMPANY_RATINGS + INDUSTRY_RATINGS) + r")\s*[(（]\s*(" + "|".join(RATING_CHANGES) + r")\s*[)）]"
)
_RATING_ALONE = re.compile(
    r"^(?:投资评级|行业评级|公司评级|评级)?\s*[:：]?\s*(" + "|".join(COMPANY_RATINGS + INDUSTRY_RATINGS) + r")$"
)


def _spaced(literal: str) -> str:
    """A regex for `literal` that tolerates spaces and line breaks between its characters
    (PDF layouts wrap and letter-space sentences)."""
    return r"\s*".join(re.escape(ch) for ch in literal)


def _any(*literals: str) -> str:
    return "(?:" + "|".join(_spaced(x) for x in sorted(literals, key=len, reverse=True)) + ")"


_LEVEL_WORDS = _any("中低风险", "中高风险", "低风险", "中风险", "高风险", "较低风险", "较高风险", "中等风险")
_LEVEL_CODE = r"[Rr]\s*[1-5](?!\s*\d)"
_LEVEL_VALUE = rf"(?P<level>{_LEVEL_WORDS}|{_LEVEL_CODE})"
# The same level given twice on one line, as a code beside the words ("R4中高风险",
# "中高风险 R4"); the parenthesised form ("中高风险（R4）") is the aside below.
_LEVEL_SECOND = rf"(?:[ \t]*(?P<second>{_LEVEL_WORDS}|{_LEVEL_CODE}))?"
_QUOTE = r"[\"'“”‘’「」『』《》]?"
_SUBJECT = (
    r"(?:"
    + _spaced("本")
    + r"\s*"
    + _any("", "篇", "份", "期")
    + r"\s*"
    + _any("", "研究", "证券研究")
    + r"\s*"
    + _spaced("报告")
    + r"|"
    + _any("本研报", "本文")
    + r")"
)
# A page's number where a footer prints it after the statement, to the end of its line
# ("… 第1页", "1/3", "第 1 页 共 3 页", "- 1 -", "Page 1 of 3"). Not "4/5", which may be
# read as a level out of five (another level than the words say).
_PAGE_NUMBER = (
    r"[ \t]+(?:第[ \t]*\d+[ \t]*页(?:[ \t]*[/，,]?[ \t]*共[ \t]*\d+[ \t]*页)?|\d+[ \t]*/[ \t]*(?!5(?!\d))\d+"
    r"|[-—–][ \t]*\d+[ \t]*[-—–]|(?i:page)[ \t]*\d+(?:[ \t]*(?i:of)[ \t]*\d+)?)[ \t]*(?:\n|$)"
)
# The report's statement about itself, and only that: "本报告(的)风险等级(为|：)…" or
# "本报告属于…等级". A product's level ("该基金风险等级为…"), a printed scale or an
# appendix's definitions never start with "本报告", and a level word followed by more
# text ("低风险—宏观…", "低风险 宏观经济…") is a table row, not a statement: the level
# must end the sentence, the line or the clause, or be followed by nothing but a page
# footer's page number (the statement a footer repeats on every page).
_SELF_LEVEL = re.compile(
    _SUBJECT
    + r"\s*(?:"
    + r"(?:的\s*)?"
    + _any("风险等级", "风险级别", "风险评级")
    + r"\s*"
    + _any("", "为", "是", "属于", "定为", "评定为", "确定为", "评为")
    + r"\s*[:：]?"
    + r"|"
    + _any("属于", "为", "是")
    + r")\s*"
    + _QUOTE
    + r"\s*(?:[（(]\s*)?"
    + _LEVEL_VALUE
    + _LEVEL_SECOND
    + r"\s*"
    + _QUOTE
    + r"(?:\s*[（(]\s*(?P<aside>[^（()）]{1,30}?)\s*[)）])?"
    + r"\s*"
    + _QUOTE
    + r"(?:\s*"
    + _any("等级", "级别", "级", "等")
    + r")?"
    + r"\s*"
    + _QUOTE
    + r"(?=[ \t]*(?:[。；;，,.!！?？)）]|\n|$)|"
    + _PAGE_NUMBER
    + r")"
)
# Whatever else the report says about its own level ("本报告的风险等级" and the rest of
# that sentence): read with _SELF_LEVEL when it can be, and otherwise, when it names a
# level, a statement suitcheck cannot read (a negation, a sixth level such as 极高风险,
# a sentence broken by a page footer, a form not foreseen). Such a statement may say
# another level than the one read elsewhere, so the report stays unrated until
# compliance rates it, as for two different statements.
_SELF_CLAUSE = re.compile(_SUBJECT + r"\s*(?:的\s*)?" + _any("风险等级", "风险级别", "风险评级", "风险级"))
_CLAUSE_END = re.compile(r"[。！？；;!?]")
# The end of a statement's sentence: a semicolon joins its clauses ("本报告的风险等级为低风险；
# 港股部分为中高风险" says what a comma there says).
_STATEMENT_END = re.compile(r"[。！？!?]")
# Check boxes and ticks: a list of levels with them is a checklist whose ticked level is
# the statement, not a printed scale.
_CHECK_MARKS = "□☐■▣▢◻◼☑☒✓✔√✗✘○◯●◉"
# What follows "本报告的风险等级" when a layout has put its value elsewhere (raised above its
# line, in a cell of its own): a connector and nothing before the clause ends.
_NO_VALUE = re.compile(
    r"\s*(?:的\s*)?" + _any("为", "是", "属于", "定为", "评定为", "确定为", "评为") + r"?\s*[:：]?\s*"
)
# A line that is a level and nothing else (a table cell's value, a raised level word).
_BARE_LEVEL = re.compile(rf"\s*[{_CHECK_MARKS}]?\s*(?:{_LEVEL_WORDS}|{_LEVEL_CODE})\s*[。.；;]?\s*")
# A statement's level followed by more levels, one a line and alone on it (a checklist or a
# table column under "本报告的风险等级为："): which is the report's cannot be read. Not a
# printed scale's row ("低风险 宏观经济及政策…").
_MORE_LEVELS = re.compile(
    rf"[ \t{_CHECK_MARKS}]*\n[ \t]*[{_CHECK_MARKS}]?[ \t]*(?:{_LEVEL_WORDS}|{_LEVEL_CODE})"
    rf"[ \t{_CHECK_MARKS}。.；;]*(?:\n|$)"
)
# A level given to something later in a statement's own sentence ("…，但港股部分为中高风险"),
# or said to prevail ("…，实际以高风险为准", "…，请按照高风险等级对待"); not a client's
# tolerance after 以/按 ("按低风险承受能力投资者的要求…").
_LATER_LEVEL = re.compile(
    rf"(?:(?:为|是|属于)\s*(?P<level>{_LEVEL_WORDS}|{_LEVEL_CODE})"
    rf"|(?:以|按照?|参照|视同|当作)\s*(?P<prevails>{_LEVEL_WORDS}|{_LEVEL_CODE})"
    r"(?!\s*(?:偏好|承受|容忍|投资者|客户|型)))"
)
_CLAUSE_CHARS = 40
# A level named in such a sentence: a code (any digit: R6 too), or 低/中/高 with
# 风险/等级/级别 (so 极高风险, 中偏高风险 and 较低风险 count), or 低/中/高 ending it.
# One followed by spaces or a dash and more words is a row of a printed table.
_LEVEL_TOKEN = re.compile(
    r"(?:[Rr]\s*(?:\d+|[一二三四五六七])|[低中高]\s*(?:风\s*险|等\s*级|级\s*别|级)|[低中高]\s*$"
    r"|(?<![A-Za-z])(?i:low|medium|moderate|high)(?![A-Za-z])|第?[一二三四五六七1-9]\s*级)"
    r"(?![ \t\n—–\-－]+[\u3400-\u9fff])"
)
# ... except a level the statement gives at once ("本报告的风险等级为高风险—衍生品"): a
# printed table's rows follow a colon or a line break, never 为.
_DIRECT_LEVEL = re.compile(rf"^\s*(?:的\s*)?(?:为|是|属于)\s*(?P<level>{_LEVEL_WORDS}|{_LEVEL_CODE})")
# A statement that gives its value at once ("本报告的风险等级为5", "…风险等级：Р5" with a
# Cyrillic letter, "…定为R-5"): what follows its connector is what the report says its level
# is, so when the reader did not read it as a level, it is a statement that cannot be read,
# whether or not it looks like a level to the patterns above (fail closed). The verb before
# 为 may be a few words long ("经公司评定为5"); a colon, an equals sign or a bracket gives a
# value too ("本报告的风险等级（R-5）"). Not "是否" (a question about the level), "是根据…" (how
# it was set), "…为准" (which rating prevails) nor "作为…": these state none.
_GIVES_VALUE = re.compile(
    r"^\s*(?:的\s*)?(?:(?:[\u3400-\u9fff]\s*){0,8}?(?:(?<!作)为(?!\s*准)|属于)"
    r"|是(?!\s*(?:否|根据|依据|按照|由))|[:：=＝(（\[【])\s*\S"
)
# A page's footer inside a sentence: the page number or the footer's reminder on lines of
# their own, between two halves of one sentence.
_FOOTER_LINES = re.compile(r"(?:\n[^\n]{0,40}(?:第\s*\d+\s*页|请务必阅读|免责声明)[^\n]{0,40})+(?=\n)")
_CJK_BREAK = re.compile(r"(?<=[\u3400-\u9fff])\n(?=[\u3400-\u9fff])")


def _unbroken(rest: str) -> str:
    """A sentence's rest without page footers inside it and with its CJK words whole again."""
    return _CJK_BREAK.sub("", _FOOTER_LINES.sub("", rest))


def _named_levels(rest: str) -> set[str]:
    rest = _unbroken(rest)
    named = {"".join(t.group().split()) for t in _LEVEL_TOKEN.finditer(rest)}
    direct = _DIRECT_LEVEL.match(rest)
    if direct:
        named.add("".join(direct["level"].split()))
    return named


# The report's statement about itself in English ("The risk level of this report is
# Medium-High (R4).", "This report's risk level: medium."): read as the Chinese one is.
_EN_LEVEL = r"(?:medium[\s-]*low|medium[\s-]*high|low|medium|moderate|high|R\s*[1-5](?!\s*\d))"
_SELF_LEVEL_EN = re.compile(
    r"(?:(?:the\s+)?risk\s+(?:level|rating)\s+of\s+this\s+(?:research\s+)?report\s*(?:is|:)"
    r"|this\s+(?:research\s+)?report['’]?s\s+risk\s+(?:level|rating)\s*(?:is|:))"
    rf"\s*(?P<level>{_EN_LEVEL})(?:\s+risk)?(?:\s*\(\s*(?P<aside>[^()]{{1,30}}?)\s*\))?"
    r"(?=\s*(?:[.;,]|\n|$))",
    re.I,
)
# Whatever else the report says about itself that names a level, in words the strict
# forms above do not know: another word for "this report" (本文件, 本篇, 本次报告, 本周报),
# another connector (之, 所属, 对应的, 的适当性), a level without 风险等级 ("本报告为高风险研
# 报", "本报告被评为高风险等级"), a footer between 风险 and 等级, or English. Any of these
# is a statement suitcheck cannot read: looked for in the text without the statements
# already read, it leaves the report unrated with a finding.
_DOCUMENTS = (
    *("报告", "研报", "文件", "文", "篇", "资料", "材料", "点评"),
    *("周报", "月报", "日报", "简报", "刊", "纪要", "专题"),
)
_PARTS = ("部分", "内容", "章节", "附录", "正文", "段落", "篇章", "板块")
# "This report" is also 此报告, 该报告, 这份报告, 上述报告 (not 因此, 如此, 应该).
_SELF_LOOSE_REF = (
    r"(?:(?<![基成资日根样账])本|(?<![因如彼从由])此|(?<!应)该|这|上述|以上)\s*(?:[\u3400-\u9fff]\s*){0,4}?"
    + _any(*_DOCUMENTS)
)
# A report's level as a label gives it (a first page's box: "报告风险等级：高风险",
# "证券研究报告风险等级 R5"), not a product's ("产品风险等级：R2" is no report's).
_REPORT_LABEL = (
    r"(?<![\u3400-\u9fff])(?:证\s*券\s*)?(?:研\s*究\s*)?(?:报\s*告|研\s*报)\s*风\s*险\s*"
    + _any("等级", "评级", "级别")
    + rf"\s*[:：]?\s*[\"'“”‘’「」『』【\[(（]?\s*(?:{_LEVEL_WORDS}|{_LEVEL_CODE})"
)
# A correction of a level ("更正声明：原报告风险等级有误，应为高风险", "勘误：上文所述风险等级应
# 为高风险"): whatever it corrects, it says the level is another.
_ERRATUM_WORD = _any("更正", "勘误", "订正", "修正", "纠正", "有误")
_GRADE_WORD = _any("等级", "级别", "评级")
_CORRECTED_TO = (
    r"[^。！？；;!?\n]{0,12}?(?:为|是|至)\s*[\"'“”‘’「」『』【\[(（]?\s*"
    rf"(?:{_LEVEL_WORDS}|{_LEVEL_CODE})(?!\s*(?:偏好|承受|容忍|投资者|客户|型))"
)
_ERRATUM = (
    rf"{_GRADE_WORD}[^。！？；;!?\n]{{0,24}}?{_ERRATUM_WORD}{_CORRECTED_TO}"
    rf"|{_ERRATUM_WORD}[^。！？；;!?\n]{{0,24}}?{_GRADE_WORD}{_CORRECTED_TO}"
)
_SELF_LOOSE = re.compile(
    _SELF_LOOSE_REF
    + r"(?:"
    + r"(?:[\u3400-\u9fff]\s*){0,4}?风\s*险(?:\s*\n[^\n]{0,40}(?:第\s*\d+\s*页|请务必阅读|免责声明)[^\n]{0,40})*\s*"
    + _any("等级", "级别", "评级", "级", "类别", "分类")
    + r"|(?:[\u3400-\u9fff]\s*){0,6}?"
    + _any("为", "属于", "属", "是", "列为", "归为", "划为", "定为", "评为", "归入", "列入")
    + rf"\s*[\"'“”‘’「」『』【\[(（<《]?\s*(?:{_LEVEL_WORDS}|{_LEVEL_CODE})(?!\s*(?:偏好|承受|容忍|投资者|客户|型))"
    # A part of the report given its own level ("本报告涉及港股的部分风险等级为…"), however
    # many words name the part; not a product the report mentions ("本报告提及的理财产品…").
    + r"|[^。！？；;!?]{0,24}?"
    + _any(*_PARTS)
    + r"(?:[^。！？；;!?]{0,4}?风\s*险\s*"
    + _any("等级", "级别", "评级", "类别")
    # ... or said to be at a level without 风险等级 ("本报告涉及港股的部分为中高风险")
    + r"|\s*(?:的\s*)?"
    + _any("为", "属于", "属", "是", "列为", "归为", "划为", "定为", "评为")
    + rf"\s*[\"'“”‘’「」『』【\[(（<《]?\s*(?:{_LEVEL_WORDS}|{_LEVEL_CODE})(?!\s*(?:偏好|承受|容忍|投资者|客户|型)))"
    + r")"
    + r"|"
    + _REPORT_LABEL
    + r"|"
    + _ERRATUM
    + r"|this\s+(?:research\s+)?report\b|risk\s+(?:level|rating|grade|category)\s+of\s+this\b",
    re.I,
)
_LOOSE_END = re.compile(r"[。！？；;!?]|\.(?:\s|$)")
# A clause that names three levels or more is a scale printed after "本报告的风险等级",
# not a statement of one.
_SCALE_LEVELS = 3
# A statement under a condition ("若…，则本报告的风险等级为…", "如…，本报告…", "当…时，
# 本报告…") is not the report's level. 如 and 当 are also parts of words every disclaimer
# uses before its real statement (适当性管理办法, 应当, 当前, 例如, 如实), and "如无特别说明"
# (unless stated otherwise) gives the report's own level: none of these is a condition, or
# every report citing the suitability measures would be unrated.
_CONDITION = re.compile(
    r"(?:若(?!干)|如果|假如|倘若|假设|假使|如若|一旦|万一|除非"
    r"|(?<![例比诸假譬])如(?![下此何实今同期无果若])"
    r"|如无(?!(?:特别|特殊|其他|另行)?(?:说明|声明|规定|约定|标注|注明))"
    r"|(?<![应适相正恰妥每])当(?![前日期地年月天然中今])"
    r")|则\s*$"
)
_CONDITION_CHARS = 40
# A statement shown as an example of the form ("例如：“本报告的风险等级为低风险。”", "标注格式
# 为：…") is not the report's level: one after these words in its sentence cannot be read.
_EXAMPLE = re.compile(r"例如|比如|譬如|举例|示例(?!证券)|样例|范例|例\s*[:：]|格式|模板|范本")
_TYPE = re.compile(
    r"^[\u4e00-\u9fa5A-Za-z0-9]{0,12}(?:点评|报告|周报|月报|日报|年报|深度|简评|快报|专题|研究|跟踪|策略|动态|前瞻)$"
)
_PUBLISHER = re.compile(r"证券(?:股份有限公司|有限责任公司|研究所|研究报告|研究院)")


def parse_date(text: str) -> dt.date | None:
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
    return None


def _analysts(text: str) -> tuple[Analyst, ...]:
    found: list[Analyst] = []
    matches = list(_ANALYST.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else min(len(text), m.end() + 200)
        tail = text[m.end() : end]
        sac = m[2] or (s.group(0) if (s := _SAC.search(tail[:60])) else None)
        phone = _PHONE.search(tail)
        email = _EMAIL.search(tail)
        name = m[1].strip()
        # "分析师承诺" and the like: a real analyst line carries a SAC number or contacts.
        if any(a.name == name for a in found) or not (sac or phone or email):
            continue
        found.append(
            Analyst(
                name=name,
                sac_number="".join(sac.split()) if sac else None,
                phone=phone[1].strip() if phone else None,
                email=email[1] if email else None,
            )
        )
    return tuple(found)


def _publisher(text: str) -> str | None:
    """The longest name shared by every 'XX证券股份有限公司 / 研究所 / 研究报告' mention."""
    candidates: list[str] = []
    for m in _PUBLISHER.finditer(text):
        before = text[max(0, m.start() - 6) : m.start()]
        run = re.search(r"[\u4e00-\u9fa5]*$", before)
        if run and len(run.group(0)) >= 2:
            candidates.append(run.group(0))
    if not candidates:
        return None
    common = candidates[0]
    for c in candidates[1:]:
        n = 0
        while n < min(len(common), len(c)) and common[-1 - n] == c[-1 - n]:
            n += 1
        if n >= 2:
            common = common[len(common) - n :]
    return common[-4:] + "证券" if len(common) >= 2 else None


def _rating(lines: list[str], text: str) -> Rating | None:
    m = _RATING.search(text[:3000])
    value = change = None
    if m:
        value, change = m[1], m[2]
    else:
        for line in lines[:40]:
            alone = _RATING_ALONE.match(line)
            if alone:
                value = alone[1]
                break
    if value is None:
        return None
    return Rating("industry" if value in INDUSTRY_RATINGS else "company", value, change)


def _level_statements(text: str) -> tuple[tuple[RiskLevel, ...], tuple[str, ...]]:
    """Every level the report states about itself, and what else it says about its own
    level that names one but cannot be read as a statement (each as its text).

    A statement whose aside or second code names another level ("R3（中高风险）")
    contradicts itself and counts as both. A statement under a condition is one that
    cannot be read. `text` is searched in its matching form (traditional characters,
    compatibility forms and invisible characters folded)."""
    text = matching_form(text)
    found: list[RiskLevel] = []
    unclear: list[str] = []
    read_at: set[int] = set()
    for m in _SELF_LEVEL.finditer(text):
        read_at.add(m.start())
        before = text[max(0, m.start() - _CONDITION_CHARS) : m.start()]
        sentence = re.split(r"[。！？；;!?\n]", before)[-1]
        # An example is looked for across line breaks too: a layout wraps "例如：" apart from it.
        if _CONDITION.search(sentence) or _EXAMPLE.search(re.split(r"[。！？；;!?]", before)[-1]):
            unclear.append(_clause(sentence + m.group()))
            continue
        if _MORE_LEVELS.match(text, m.end()) or _value_between_levels(text, m):
            unclear.append(_clause(m.group() + text[m.end() : m.end() + _CLAUSE_CHARS]))
            continue
        read = _statement_levels(m, unclear)
        found += read
        # The same sentence going on to give a part of the report another level ("…为中风险，
        # 涉及港股的部分为中高风险"): which level is the report's cannot be read.
        rest = _rest_of_sentence(text, m.end())
        if _gives_another_level(rest, read):
            unclear.append(_clause(m.group() + rest))
    unclear += _unread_clauses(text, read_at)
    for m in _SELF_LEVEL_EN.finditer(text):
        found += _statement_levels(m, unclear)
    for sentence, named in _loose_statements(text):
        # One that names only the level the report states says nothing new ("本文件的风险
        # 等级为中风险" beside "本报告的风险等级为中风险"): no reason to leave it unrated.
        if not (found and _read_as(sentence, named) <= set(found)):
            unclear.append(sentence)
    for sentence, named in _labelled_statements(_without_statements(text)):
        if not (found and _read_as(sentence, named) <= set(found)):
            unclear.append(sentence)
    return tuple(found), tuple(dict.fromkeys(unclear))  # a sentence repeated on every page is one


# The report's level given under a label or in an order the forms above do not read: the
# report named after the label ("风险等级（本报告）：高风险", "【风险等级】本报告：高风险",
# "风险评级：高风险（本报告）"), a label naming the report with more words ("报告的风险等级为
# 高风险", "研究报告风险等级评定：高风险", "报告风险评级 | R5"), "this report" far from the
# label ("本报告在适当性管理中的风险等级为高风险", "本公司已对本报告进行了风险等级评定，评定结
# 果为高风险"), a box headed by the report ("本报告信息" / "风险等级：R5（高风险）"), or English
# ("Report risk level: High", "Risk level (this report): R5"). Each is a statement about the
# report's own level that is not read: naming another level than the one read, it leaves the
# report unrated with a finding, as two statements do. A level that belongs to something the
# label names (产品风险等级, 该基金风险等级, 投资者风险等级) is not the report's.
_LEVEL_LABEL = re.compile(
    r"风\s*险\s*(?:等\s*级|评\s*级|级\s*别|类\s*别|分\s*类|定\s*级)"
    # ... or a grade without 风险 ("本报告等级：高风险", "报告评级：R5"): its value must name a level
    r"|(?<!险)(?<!险\s)(?:等\s*级|评\s*级|级\s*别)"
    r"|(?<![A-Za-z])risk\s*(?:level|rating|grade|category|class(?:ification)?)(?![A-Za-z])",
    re.I,
)
_OWN_REF = re.compile(rf"{_SUBJECT}|{_SELF_LOOSE_REF}")
# Words that give a label to something other than the report: right before it ("产品风险等级",
# "该基金（风险等级：R2）"), or between "this report" and it ("本报告提及的理财产品风险等级",
# "本报告推荐基金" / "风险等级：R2"). Not 证券 before 研究报告, which is the report's name.
_OTHER_OWNER = (
    r"(?:产\s*品|基\s*金|理\s*财|股\s*票|个\s*股|债\s*券|标\s*的|证\s*券(?!\s*研\s*究)|期\s*货|期\s*权"
    r"|衍\s*生\s*品|资\s*产|组\s*合|计\s*划|信\s*托|公\s*司|项\s*目|品\s*种|工\s*具|业\s*务|账\s*户|客\s*户"
    r"|投\s*资\s*者|行\s*业|板\s*块|市\s*场|个\s*券|主\s*体|发\s*行\s*人|企\s*业|(?i:fund|product|portfolio))"
)
_OWNER_ELSE = re.compile(_OTHER_OWNER + r"\s*(?:的|之|所\s*属|对\s*应)?\s*(?:的\s*)?[\s（(【\[:：,，、]*$")
_OWNER_BETWEEN = re.compile(_OTHER_OWNER)
# A label right after the report's own name, as a first page's box prints it ("报告风险等级",
# "证券研究报告的风险等级", "研报风险评级"); not a product's, another report's (该报告, 相关报告
# are read above or not the report's) nor one in a longer phrase ("与证券研究报告的…").
_REPORT_NAME_BEFORE = re.compile(
    r"(?<![\u3400-\u9fff])(?:证\s*券\s*)?(?:研\s*究\s*)?(?:报\s*告|研\s*报)\s*(?:的\s*|之\s*)?$"
    r"|(?<![A-Za-z])(?:research\s+)?report(?:['’]s)?\s*$",
    re.I,
)
# The report named right after the label or its level ("风险等级（本报告）", "【风险等级】本报告：",
# "风险评级：高风险（本报告）", "Risk level (this report)").
_REPORT_NAME_AFTER = re.compile(
    rf"^[\s】\]）)]*[:：|｜丨]?\s*[（(【\[]?\s*(?:{_SUBJECT}|(?i:this\s+(?:research\s+)?report\b))"
    r"|^\s*(?i:of\s+(?:this|the)\s+(?:research\s+)?report\b)"
    rf"|^[^。！？；;!?\n]{{0,12}}?(?:{_LEVEL_WORDS}|{_LEVEL_CODE}|(?i:low|medium|high))\s*[（(【\[]\s*"
    rf"(?:{_SUBJECT}|(?i:this\s+(?:research\s+)?report\b))"
)
_TOLERANCE_AFTER = re.compile(
    rf"(?:{_LEVEL_WORDS}|{_LEVEL_CODE})(?=\s*(?:及以[上下])?\s*(?:偏好|承受|容忍|投资者|客户|型|的投资者))"
)
# A label that heads the levels' definitions ("证券研究报告风险等级说明：", "报告风险等级及适当性
# 匹配关系", "风险等级划分标准"), and a level its definition follows ("高风险：期货、期权…",
# "低风险—宏观经济", "高风险指衍生品…"): a printed scale, not a statement.
_DEFINITIONS_HEAD = re.compile(
    r"^\s*(?:的\s*)?(?:及|与|和|之)?[\u3400-\u9fff]{0,6}?(?:说\s*明|定\s*义|释\s*义|划\s*分|标\s*准|体\s*系|对\s*照"
    r"|匹\s*配|分\s*级|描\s*述|解\s*释|含\s*义|(?i:definitions?|scale))"
)
_DEFINED_LEVEL = re.compile(
    rf"(?:{_LEVEL_WORDS}|{_LEVEL_CODE})(?=[ \t]*(?:[:：—–\-－]|是\s*指|指|即|包\s*括|对\s*应|适\s*用)"
    r"[ \t]*[\u3400-\u9fff])"
)
# ... and on the line below a label left without a value, a level followed by a cell of
# words ("低风险 | 宏观经济…"): the first row of a scale printed as a table under its heading.
_DEFINED_ROW = re.compile(rf"(?:{_LEVEL_WORDS}|{_LEVEL_CODE})(?=[ \t]*[|｜丨][ \t]*[\u3400-\u9fff])")
_LABEL_CHARS = 40
# A short line heading a box that names the report by its kind ("证券研究报告", "公司研究报告",
# "报告信息"): the label under it is the report's; not a list of other reports (相关报告).
_REPORT_HEADING = re.compile(
    r"(?!相关|其他|其它|往期|历史|近期|更多|参考|推荐|重点|最新|精选)(?:[\u3400-\u9fff][ \t]*){0,4}?"
    r"(?:研\s*究\s*)?(?:报\s*告|研\s*报)"
    r"(?:\s*(?:信\s*息|基\s*本\s*信\s*息|概\s*要|要\s*素|摘\s*要))?\s*[:：]?"
)
# What follows a grade without 风险 when it labels a value ("等级：", "评级为", "级别 | ").
_GRADE_GIVEN = re.compile(r"[ \t]*(?:[:：|｜丨=]|为|是|属于|\n|$)")
_REF_ASIDE = re.compile(r"^\s*[（(【\[][^（()）【】\[\]\n]{0,16}[）)】\]]")
# A risk label's value that looks like a grade but names no level the reader reads: a number,
# a numeral, stars, a short word or code ending the clause ("5", "伍", "★★★★★", "RⅤ", "H").
_GRADE_VALUE = re.compile(
    r"[ \t]*[）)】\]]?[ \t]*(?:[:：|｜=]|为|是)?[ \t\n]*[\"'“”‘’「」『』【\[(（]?[ \t]*"
    r"(?:\d{1,2}|[①-⑩]|[Ⅰ-Ⅻ]|[一二三四五六七八九十壹贰叁肆伍陆柒捌玖]|[★☆*✩✪✭✮]{1,10}|[A-Za-z][A-Za-z0-9 -]{0,14})"
    r"[ \t]*(?:级|星|等|档)?[ \t]*[\"'”’」』】\])）]?[ \t]*(?:[。；;，,]|\n|$)"
)
# "The report's risk" given a level, without 等级 ("本报告风险：高", "报告风险：高风险").
_REPORT_RISK_VALUE = re.compile(
    rf"(?:{_SUBJECT}|(?<![\u3400-\u9fff])(?:证\s*券\s*)?(?:研\s*究\s*)?(?:报\s*告|研\s*报))\s*(?:的\s*)?风\s*险"
    r"\s*(?:[:：|｜]|为|是|属于)\s*[\"'“”‘’「」『』【\[(（]?\s*"
    rf"(?P<level>{_LEVEL_WORDS}|{_LEVEL_CODE}|[低中高](?:\s*(?:风\s*险|等\s*级|级))?)"
    r"(?=\s*[\"'“”‘’「」『』】\])）]?\s*(?:[。；;，,.!！?？]|\n|$))"
)
# The characters every way of naming the report above starts with.
_MAY_NAME_REPORT = re.compile(r"[本此该这报研]|上\s*述|以\s*上|(?i:report)")


def _names_the_report(label: str, previous: str, head: str, tail: str) -> bool:
    """Whether a risk label (`label`, with the start of its line `head`, the rest of its
    clause `tail` and the short line heading it `previous`) is one about the report: the
    report named before it, after it or its level, in its sentence with no product between,
    or heading its box; not a product's, not a definitions heading, and a grade without 风险
    only when it labels a value."""
    lead = previous + "\n" + head
    refs = list(_OWN_REF.finditer(lead))
    own = (
        _REPORT_NAME_BEFORE.search(head)
        or _REPORT_NAME_AFTER.match(tail)
        # An aside in brackets right after the report's name is the report's ("本报告（基金研究）")
        or (refs and not _OWNER_BETWEEN.search(_REF_ASIDE.sub("", lead[refs[-1].end() :], count=1)))
        or _REPORT_HEADING.fullmatch(previous)
    )
    if not own or _OWNER_ELSE.search(lead) or _DEFINITIONS_HEAD.match(tail):
        return False
    # 等级 in a phrase ("本报告覆盖的AAA等级信用债为低风险") is no label with its value.
    return bool(re.search(r"险|risk", label, re.I) or _GRADE_GIVEN.match(tail))


def _labelled_statements(text: str) -> list[tuple[str, set[str]]]:
    """What the report says about its own level under a label the other forms do not read
    (see _LEVEL_LABEL), each as its text and the level spellings it names. `text` is the
    report's text with the statements already read or found unclear cut out."""
    found: list[tuple[str, set[str]]] = []
    for k in _LEVEL_LABEL.finditer(text):
        # Only the characters around the label are looked at (a line may be a whole file's).
        start = max(0, k.start() - _LABEL_CHARS)
        if not _MAY_NAME_REPORT.search(text, max(0, start - 22), k.end() + _LABEL_CHARS):
            continue  # nothing near it could name the report
        line_start = text.rfind("\n", start, k.start()) + 1
        head = text[max(line_start, start) : k.start()]
        head = re.split(r"[。！？；;!?]|\.\s", head)[-1]
        previous = ""
        if not re.sub(r"[\s【\[（(]|的|之", "", head) and line_start:
            # The label opens its line: a short line above it naming the report heads it.
            above_start = text.rfind("\n", max(0, line_start - 22), line_start - 1) + 1
            above = text[above_start : line_start - 1]
            if (above_start or line_start - 1 <= 21) and len(above) <= 20 and not above.endswith(_SENTENCE_END):
                previous = above
        line_end = text.find("\n", k.end(), k.end() + _LABEL_CHARS)
        line_end = min(len(text), k.end() + _LABEL_CHARS) if line_end < 0 else line_end
        tail = re.split(r"[。！？；;!?]|\.(?:\s|$)", text[k.end() : line_end])[0]
        if not _names_the_report(k.group(), previous, head, tail):
            continue
        if line_end < len(text) and re.fullmatch(r"[\s:：|｜丨为是（）()【】\[\]]*", tail):
            # The label's value on the line below, as a table lays it out.
            below = text[line_end + 1 : line_end + 1 + _LABEL_CHARS].split("\n", 1)[0]
            tail += "\n" + re.split(r"[。！？；;!?]|\.(?:\s|$)", _DEFINED_ROW.sub("", below))[0]
        named = _named_levels(_DEFINED_LEVEL.sub("", _TOLERANCE_AFTER.sub("", tail)))
        checklist = bool(named) and any(mark in tail for mark in _CHECK_MARKS)
        if named and (len(named) < _SCALE_LEVELS or checklist):
            found.append((_clause(f"{previous} {head}{k.group()}{tail}"), named))
            continue
        after = _REPORT_NAME_AFTER.match(tail)
        value = tail[after.end() :] if after else tail
        if not named and re.search(r"险|risk", k.group(), re.I) and _GRADE_VALUE.match(value):
            # A value that is no level the reader knows ("报告风险等级：5", "…：★★★★★"):
            # never the stated level (fail closed).
            found.append((_clause(f"{previous} {head}{k.group()}{tail}"), {"?"}))
    for m in _REPORT_RISK_VALUE.finditer(text):
        found.append((_clause(m.group()), {"".join(m["level"].split())}))
    return found


def _value_between_levels(text: str, m: re.Match[str]) -> bool:
    """Whether a statement whose level stands on the line after its connector
    ("本报告的风险等级为" / "低风险。") comes right after a line that is a level alone: the
    label sits between two values (a cell centred on two rows, a level word raised above
    the line), and which one is the report's cannot be read."""
    if "\n" not in text[m.start() : m.start("level")] or text[m.start() - 1 : m.start()] != "\n":
        return False
    previous = text[: m.start() - 1].rsplit("\n", 1)[-1]
    return _BARE_LEVEL.fullmatch(previous) is not None


# A level given before the words naming the report's level ("高风险（本报告风险等级）",
# "高风险为本报告的风险等级", "R5：本报告风险等级").
_LEVEL_BEFORE_LABEL = re.compile(
    rf"(?P<level>{_LEVEL_WORDS}|{_LEVEL_CODE})\s*(?:[（(【\[]|为|是|即|系|乃|[:：=—–\-]+)\s*$"
)


def _unread_clauses(text: str, read_at: set[int]) -> list[str]:
    """What the report says after "本报告的风险等级" where no statement was read (`read_at`:
    where the statements read start) that names a level or gives a value: a statement
    that cannot be read. One that names three levels or more is a printed scale, unless it
    ticks one of them (a checklist: □低风险 … ☑高风险). One whose connector ends its clause
    ("本报告的风险等级为" / "。") had its value laid out elsewhere: it cannot be read either."""
    unclear: list[str] = []
    for m in _SELF_CLAUSE.finditer(text):
        if m.start() in read_at:
            continue
        rest = text[m.end() : m.end() + _CLAUSE_CHARS]
        end = _CLAUSE_END.search(rest)
        rest = rest[: end.start()] if end else rest
        named = _named_levels(rest)
        before = _LEVEL_BEFORE_LABEL.search(text, max(0, m.start() - _CLAUSE_CHARS), m.start())
        if not named and before and re.match(r"[ \t]*(?:[）)】\]]|\n|$)", rest):
            # The level before the words that name it ("高风险（本报告风险等级）", "高风险为…").
            named = {"".join(before["level"].split())}
            rest = before.group() + m.group() + rest
        checklist = bool(named) and any(mark in rest for mark in _CHECK_MARKS)
        if (named or _GIVES_VALUE.match(_unbroken(rest))) and (len(named) < _SCALE_LEVELS or checklist):
            unclear.append(_clause(m.group() + rest))
        elif _NO_VALUE.fullmatch(rest) and rest.strip():
            # "本报告的风险等级为" and the sentence's end, its value laid out elsewhere
            unclear.append(_clause(m.group() + rest))
    return unclear


_LEVEL_NAME = re.compile(rf"{_LEVEL_WORDS}|{_LEVEL_CODE}")


def _read_as(sentence: str, named: set[str]) -> set[RiskLevel | None]:
    """The levels a loose sentence names, in the spellings a statement is read in; None
    when it also names one in another spelling (五级, Medium, R四), which is not read."""
    spelled = ["".join(m.group().split()) for m in _LEVEL_NAME.finditer(sentence)]
    levels: set[RiskLevel | None] = set()
    if any(not any(token in spelling for spelling in spelled) for token in named):
        levels.add(None)
    for spelling in spelled:
        try:
            levels.add(RiskLevel.parse(spelling))
        except UnknownLevelError:
            levels.add(None)
    return levels


def _without_statements(
    text: str, patterns: tuple[re.Pattern[str], ...] = (_SELF_LEVEL, _SELF_CLAUSE, _SELF_LEVEL_EN, _SELF_LOOSE)
) -> str:
    """`text` with what `patterns` match (statements read, or looked at already) cut out;
    not "this report" alone (_SELF_LOOSE's English), which a label before it may still
    give a level."""

    def cut(m: re.Match[str]) -> str:
        return m.group() if m.re is _SELF_LOOSE and m.group()[:1] in "tT" else "。"

    for pattern in patterns:
        text = pattern.sub(cut, text)
    return text


# An English sentence about this report that says something of its level: its risk level,
# rating, grade or category, that it is rated, or that it is classified (graded, deemed...)
# at a level ("This report is classified as high risk").
_EN_ABOUT_LEVEL = (
    r"risk\s+(?:level|rating|grade|category)|\brated\b"
    r"|\b(?:classified|categori[sz]ed|graded|assessed|deemed|considered|labell?ed|designated|ranked)\b"
    r"[^.;!?]{0,24}?(?:\b(?:low|medium|moderate|high)[\s-]+risk\b|\bR\s*\d)"
    # ... or a level after "this report" and a colon or a dash ("This report: high risk")
    r"|\breport\s*[:：—–-]+\s*(?:low|medium|moderate|high|R\s*\d)\b"
)


def _loose_statements(text: str) -> list[tuple[str, set[str]]]:
    """What the report says about its own level in words the strict forms do not read
    (see _SELF_LOOSE), each as its text and the level spellings it names ("?" for an
    English one, never taken for the stated level). The strict forms' matches are cut
    out first, so what they read (or found unclear) is not counted twice."""
    text = _without_statements(text, (_SELF_LEVEL, _SELF_CLAUSE, _SELF_LEVEL_EN))
    unclear: list[tuple[str, set[str]]] = []
    for m in _SELF_LOOSE.finditer(text):
        rest = text[m.end() : m.end() + _CLAUSE_CHARS + 20]
        end = _LOOSE_END.search(_unbroken(rest))
        sentence = _unbroken(m.group() + rest)
        sentence = sentence[: len(_unbroken(m.group())) + end.start()] if end else sentence
        named = _named_levels(sentence[len(_unbroken(m.group())) :]) | _named_levels(_unbroken(m.group()))
        if m.group()[:1] in "tTrR":  # English: a sentence about this report's risk level or rating
            if re.search(_EN_ABOUT_LEVEL, sentence, re.I):
                unclear.append((_clause(sentence), {"?"}))  # not read: never the stated level
            continue
        if not named and _GIVES_VALUE.match(sentence[len(_unbroken(m.group())) :]):
            named = {"?"}  # a value given but not read as a level: never the stated level
        if named and len(named) < _SCALE_LEVELS:
            unclear.append((_clause(sentence), named))
    return unclear


def _statement_levels(m: re.Match[str], unclear: list[str]) -> list[RiskLevel]:
    """The levels one read statement gives (its level, a second code, an aside naming one)."""
    read: list[RiskLevel] = []
    groups = m.groupdict()
    for group in ("level", "second", "aside"):
        spelling = groups.get(group)
        if not spelling:
            continue
        try:
            read.append(RiskLevel.parse("".join(spelling.split())))
        except UnknownLevelError:
            # An aside that is no level but names one ("若涉及港股则为中高风险"):
            # what it says cannot be read; any other aside ("适合稳健型投资者") is no level.
            if group == "aside" and _LEVEL_TOKEN.search(spelling):
                unclear.append(_clause(m.group()))
    return read


def _rest_of_sentence(text: str, start: int) -> str:
    rest = text[start : start + _CLAUSE_CHARS]
    end = _STATEMENT_END.search(rest)
    return rest[: end.start()] if end else rest


def _gives_another_level(rest: str, read: list[RiskLevel]) -> bool:
    """Whether the rest of a statement's sentence gives something a level other than the
    one it read ("…，但港股部分为中高风险")."""
    for later in _LATER_LEVEL.finditer(rest):
        try:
            if RiskLevel.parse("".join((later["level"] or later["prevails"]).split())) not in read:
                return True
        except UnknownLevelError:
            continue
    return False


def _clause(text: str) -> str:
    """A statement's text to show compliance: on one line, spaces as they are."""
    return " ".join(text.split())


def _stated_level(statements: tuple[RiskLevel, ...], unclear: tuple[str, ...] = ()) -> RiskLevel | None:
    """The report's level when it states exactly one and nothing about its level that
    cannot be read; none (unrated) when it states none, two different ones or one that
    cannot be read (fail closed: compliance decides)."""
    distinct = set(statements)
    return statements[0] if len(distinct) == 1 and not unclear else None


# Lines of a report's header block that are never its title: the publisher's name, the
# masthead ("证券研究报告", "公司研究"), sidebar labels and market data, contacts, related
# reports; and lines that start the body.
_PUBLISHER_LINE = re.compile(
    r"(?:证券|期货|基金|资管|投资|金融)(?:股份)?(?:有限)?(?:责任)?公司|(?:研究所|研究院|研究中心|研究部)$|securities",
    re.I,
)
_MASTHEAD = re.compile(
    r"^(?:[\u4e00-\u9fa5]{0,4}(?:证券)?研究报告|[\u4e00-\u9fa5]{1,4}研究|公司报告|行业报告|公司深度|行业深度|"
    r"研究简报|证券研究|投资研究|Research(?: Report)?|Equity Research)$",
    re.I,
)
_LABEL = re.compile(
    r"^(?:报告日期|发布日期|发布时间|日期|股票代码|证券代码|代码|目标价|当前价|收盘价|总股本|流通股本|流通A股|"
    r"总市值|流通市值|市值|52周|一年内|最近一年|相关报告|相关研究|数据来源|资料来源|联系人|执业证书|地址|网址|"
    r"行业评级|投资评级|公司评级|评级|市场表现|基础数据|主要数据|www\.|http|\[Table|《|\d+[、.．]\s*《|"
    r"分析师|研究员|研究助理|电话|邮箱|Tel|E-?mail|SAC|请务必|敬请)",
    re.I,
)
_BODY_START = re.compile(
    r"^(?:事件|点评|投资要点|要点|摘要|核心观点|主要观点|报告摘要|内容摘要|投资建议|报告要点|正文|"
    r"本周观点|本月观点|一[、.．])\s*[:：]?"
)
_DISCLAIMER = re.compile(
    r"风险提示|免责声明|重要声明|法律声明|特别声明|分析师声明|分析师承诺|信息披露|评级说明|评级体系|"
    r"风险等级及适当性|适当性匹配|本报告仅供|请务必阅读|本报告的风险等级|本报告风险等级"
)
_DATE_ONLY = re.compile(
    r"(?:(?:报告日期|发布日期|发布时间|日期)\s*[:：]?\s*)?(?:"
    + "|".join(p.pattern.replace("(?<!\\d)", "").replace("(?!\\d)", "") for p in _DATE_PATTERNS)
    + r")"
)


def _is_type(line: str) -> bool:
    return bool(_TYPE.match(line)) and len(line) <= 16 and "声明" not in line and not _MASTHEAD.match(line)


# What joins the parts of a masthead printed on one line ("证券研究报告·公司点评",
# "行业研究 | 行业周报", "证券研究报告——公司深度").
_MASTHEAD_JOIN = re.compile(r"\s*(?:[·•・|｜丨/／]|[—–]+|-{2,})\s*|\s+")


_DATE_LABEL = re.compile(r"^(?:报告日期|发布日期|发布时间|日期)\s*[:：]?$")


def _masthead_parts(line: str) -> list[str]:
    """The parts of a masthead printed on one line with the report type or the date: the
    series (证券研究报告, 公司研究, the publisher), report types and the date, joined by a
    dot, a bar, a slash, a dash or a space (the date left out of the parts); none when the
    line is anything else (a title: "港股策略｜年度展望" names no series and no date)."""
    undated = line
    for pattern in _DATE_PATTERNS:
        undated = pattern.sub(" | ", undated)
    dated = undated != line
    parts = [p for p in _MASTHEAD_JOIN.split(undated) if p and not _DATE_LABEL.match(p)]
    if len(parts) + dated < 2 or not all(_MASTHEAD.match(p) or _is_type(p) or _is_publisher_line(p) for p in parts):
        return []
    return parts if dated or any(_MASTHEAD.match(p) or _is_publisher_line(p) for p in parts) else []


def _is_publisher_line(line: str) -> bool:
    return len(line) <= 40 and bool(_PUBLISHER_LINE.search(line))


def _titled_warning(line: str) -> str:
    """`line` without a 风险提示 its title gives ("期货市场风险提示：交割月临近"), for the
    disclaimer test: a line opening with 风险提示 is the body's or a sidebar's risk section."""
    return line if line.startswith("风险提示") else line.replace("风险提示", "")


def _title_like(line: str) -> bool:
    return (
        6 <= len(line) <= 80
        and not _RATING.search(line)
        and not _RATING_ALONE.match(line)
        and not (parse_date(line) is not None and len(line) <= 16)
        and not _LABEL.match(line)
        and not _BODY_START.match(line)
        and not _MASTHEAD.match(line)
        and not _masthead_parts(line)
        and not _is_publisher_line(line)
        and not _DISCLAIMER.search(_titled_warning(line))
        and not line.endswith(("。", "；", "，"))
        and not line.startswith(("-", "•", "·", "*", "●", "■", "◆"))
        and not _SAC.search(line)
        and not re.fullmatch(r"[\d\s年月日:/.\-%+]+", line)
    )


# A line longer than this starts the body, unless it is the header's first title-like line:
# a results review's title runs to 80 characters (_title_like), and its subject counts.
_BODY_LINE = 60
_HEADER_LINES = 40  # what callers take of a header block at most


def _body_start(lines: list[str]) -> int:
    """Where the header block ends: a body heading (事件：, 投资要点, ...), a sentence that
    opens with a date ("2025 年 1 月 20 日，…"), or the first long line that is not the title."""
    titled = False
    for i, line in enumerate(lines):
        if _BODY_START.match(line):
            return i
        if not titled and i < _HEADER_LINES and _title_like(line) and not _is_type(line):
            titled = True
        elif len(line) > _BODY_LINE:
            return i
        m = _DATE_ONLY.match(line)
        if m and line[m.end() :].lstrip()[:1] in ("，", ",", "、", "：", ":"):
            return i
    return len(lines)


def _publication_date(lines: list[str], body_start: int) -> dt.date | None:
    """The date in the header block (masthead or sidebar): a line that is only a date,
    perhaps labelled (报告日期：…). Never the first date of a body sentence; in a
    two-column PDF the sidebar may follow the body, so date-only lines after the header
    block count too, but only on the first page."""

    def date_only(i: int) -> dt.date | None:
        line = lines[i]
        m = _DATE_ONLY.fullmatch(line)
        if m is None:
            return None
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if following[:1] in ("，", ",", "、"):  # a sentence wrapped right after its date
            return None
        return parse_date(line)

    labelled = [i for i in range(len(lines)) if re.match(r"(?:报告日期|发布日期|发布时间)", lines[i])]
    order = labelled + list(range(min(body_start, len(lines)))) + list(range(body_start, len(lines)))
    for i in order:
        found = date_only(i)
        if found is not None:
            return found
    return None


def _body_text(lines: list[str], body_start: int) -> str:
    body: list[str] = []
    for line in lines[body_start:]:
        if _DISCLAIMER.search(line) and not line.startswith(("-", "•")):
            break
        body.append(line)
    return "\n".join(body)


def _reading(levels: tuple[RiskLevel, ...], unread: tuple[str, ...]) -> str:
    codes = ", ".join(dict.fromkeys(x.code for x in levels)) or "no level"
    return codes + (" and an unreadable statement" if unread else "")


def _read_otherwise(
    statements: tuple[RiskLevel, ...], unclear: tuple[str, ...], other_text: str, how: str
) -> str | None:
    """A sentence for compliance (short: a finding quotes 120 characters) when the level
    reads otherwise in `other_text` (the page without its unshown text, or read column by
    column) than in the report's text; None when it reads the same (the same levels, the
    same statements that cannot be read)."""
    other, other_unclear = _level_statements(normalize(other_text))
    if set(other) == set(statements) and set(other_unclear) == set(unclear):
        return None
    return how.format(_reading(statements, unclear), _reading(other, other_unclear))


# What changes the level read, and the two readings (the report's text, the other one).
_UNSHOWN = "text its pages do not show (hidden, white, tiny, covered...) changes its level: {} with it, {} without"
_COLUMNS = "its level reads otherwise column by column: {} as laid out, {} by columns"
_PLACED = "its level reads otherwise as its glyphs are placed and drawn: {} as read, {} as on the page"


# A glyph pdfminer can map to no character ("(cid:1234)"): a font without a usable
# character map; or one its map sends to U+0000, read as U+FFFD (ingest.pdf). A page shows
# it; the reader cannot read it.
_UNMAPPED = r"(?:\(cid:\d+\)|\ufffd)"
_LEVEL_VOCABULARY = r"[本报告风险等级为属于高中低Rr]"
# Unmapped glyphs where a statement of the level could be: four or more in a row (a whole
# sentence in such a font), or one beside a character a level statement is written with
# (本□告的风险等级为高风险). Elsewhere (a chart's symbol font) they say nothing about it.
_UNREAD_GLYPHS = re.compile(
    rf"(?:{_UNMAPPED}[ \t]*){{4,}}|{_LEVEL_VOCABULARY}[ \t\n]?{_UNMAPPED}|{_UNMAPPED}[ \t\n]?{_LEVEL_VOCABULARY}"
)


def _unread_glyphs(text: str) -> str | None:
    """A sentence for compliance when a PDF's text has glyphs the reader cannot map to
    characters where they could state the report's level; None when it has none."""
    found = _UNREAD_GLYPHS.search(text)
    if found is None:
        return None
    around = " ".join(text[max(0, found.start() - 20) : found.end() + 20].split())
    return f"glyphs mapped to no character where a level could be stated: {around}"


def extract_metadata(
    raw_text: str, shown_text: str | None = None, columns_text: str | None = None, placed_text: str | None = None
) -> ReportMetadata:
    """The metadata of a report's text. For a PDF (ingest.pdf.PdfTexts), `shown_text` is
    the part of it a reader of its pages is shown, `columns_text` the same text read
    column by column and `placed_text` the same as its pages show it (each line in the
    order its characters are placed, each glyph as the character it draws): when the level
    reads otherwise in any, the report is unrated with that finding (a page that shows
    高风险 over a hidden 低风险; a sentence whose end at the head of the next column says 高风险
    while the box beside its start says 低风险; a 高风险 sentence drawn from its last character
    to its first beside a small-print 低风险; a 高 glyph its font's map calls 低)."""
    # No rejoining here: the patterns tolerate line breaks, and joining could glue a
    # title to the report-type line below it.
    text = normalize(raw_text)
    lines = text.split("\n")
    start = min(_body_start(lines), 40)
    title, report_type, published, with_type, masthead = _header(raw_text)
    unshown_subject = ""
    if shown_text is not None and shown_text != raw_text and "".join(shown_text.split()):
        # The title a reader sees is the report's title; one read from text nobody is shown
        # (a hidden 宏观经济周报 above the 创业板 title) still counts for the subject (就高).
        shown = _header(shown_text)
        if shown[:2] != (title, report_type) or shown[3:] != (with_type, masthead):
            unshown_subject = " ".join(x for x in (subject_text(title, report_type), with_type, masthead) if x)
        title, report_type, published, with_type, masthead = shown
    statements, unclear = _level_statements(text)
    if shown_text is not None:  # a PDF
        found = [_unread_glyphs(text)]
        for other, how in ((shown_text, _UNSHOWN), (columns_text, _COLUMNS), (placed_text, _PLACED)):
            if other is not None and other != raw_text:
                found.append(_read_otherwise(statements, unclear, other, how))
        unclear += tuple(x for x in found if x)
    return ReportMetadata(
        title=title,
        publisher=_publisher(text),
        published_on=published,
        report_type=report_type,
        analysts=_analysts(text),
        rating=_rating(lines, text),
        stated_level=_stated_level(statements, unclear),
        level_statements=statements,
        unclear_level_statements=unclear,
        body_text=_body_text(lines, start),
        unshown_subject=unshown_subject,
        masthead=masthead,
        masthead_with_type=with_type,
    )


def _header(raw_text: str) -> tuple[str | None, str | None, dt.date | None, str, str]:
    """(title, report type, publication date, mastheads printed with the report type,
    masthead lines alone) from a report's header block."""
    lines = normalize(raw_text).split("\n")
    first_page = normalize(raw_text.split("\f", 1)[0]).split("\n")[:200]
    header = lines[: min(_body_start(lines), 40)]
    candidates = [ln for ln in header if _title_like(ln)]
    title = candidates[0] if candidates else None
    if len(candidates) > 1 and _is_type(candidates[0]) and not _is_type(candidates[1]):
        title = candidates[1]  # the report type was printed above the title
    after = header[header.index(title) + 1 :] if title else header
    head = lines[:40]
    with_type = [parts for parts in map(_masthead_parts, header) if parts]
    report_type = (
        next((ln for ln in after if _is_type(ln) and ln != title), None)
        or next((ln for ln in head if _is_type(ln) and ln != title), None)
        or next((p for parts in with_type for p in reversed(parts) if _is_type(p)), None)
    )
    alone = " ".join(line for line in header if _MASTHEAD.match(line))
    published = _publication_date(first_page, min(_body_start(first_page), 40))
    return title, report_type, published, " ".join(" ".join(parts) for parts in with_type), alone
