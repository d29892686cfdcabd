"""Text from files and users made harmless to show: control characters and bidirectional
overrides become visible escapes, so a file name cannot move the cursor, recolour a
terminal, fake a line of output or reverse what a reader sees."""

from __future__ import annotations

import re
import unicodedata

# What a spreadsheet may take a text cell beginning with for a formula (OWASP's list).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# A text the sheet mark is put before: a formula lead, or quotes before one (so a text that
# itself begins with the mark is told from a marked one).
_MARKED = re.compile("'*[=+\\-@\t\r]")
_MARK_LEADS = "".join(FORMULA_LEADS) + "'"


def sheet_quoted(value: object) -> object:
    """A value as a file a spreadsheet reads holds it: a text it could run as a formula
    (=HYPERLINK(...)) gets a quote before it, as a spreadsheet's own text mark; so does a
    text that begins with quotes before such a lead, so sheet_unquoted gives every text back."""
    if isinstance(value, str) and value[:1] in _MARK_LEADS and _MARKED.match(value):
        return "'" + value
    return value


def sheet_unquoted(text: str) -> str:
    """The text sheet_quoted was given: one quote less before quotes and a formula lead."""
    if text[:1] == "'" and _MARKED.match(text, 1):
        return text[1:]
    return text


# C0 controls and DEL, C1 controls, the Arabic letter mark, LRM/RLM, the line and
# paragraph separators, and the bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, keep: str = "") -> str:
    """`text` with every unsafe character written as \\xNN or \\uNNNN, except those in `keep`
    (the CLI keeps the newlines of its own multi-line output)."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


def has_controls(text: str) -> bool:
    return _UNSAFE.search(text) is not None


# What json.dumps leaves raw: it escapes C0 controls inside strings itself, and a raw C0
# character in its output is the indentation's own newline, which must stay.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_escape_controls(dumped: str) -> str:
    """JSON text (json.dumps, ensure_ascii=False) with the unsafe characters that JSON
    leaves raw (DEL, C1 controls, bidi overrides) written as \\uNNNN: the same data to a
    parser, nothing a terminal would obey."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def escape_unshown(text: str) -> str:
    """`text` with every character that does not show as itself (not str.isprintable: a
    control, a format character such as a zero-width space or a bidi mark, a separator
    other than the space) written as \\xNN, \\uNNNN or \\UNNNNNNNN: what a report shows of
    a value refused for such a character, so the reader sees where it is. XML (an XLSX
    cell) cannot hold a C0 control at all."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else char_code(ch) for ch in text)


def char_code(ch: str) -> str:
    """One character written as its code, \\xNN, \\uNNNN or \\UNNNNNNNN: how a character
    that does not show as itself is shown."""
    return _escape(ch) if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


# What a Chinese input method's full-width mode types instead of ASCII: the full-width
# forms block (！ to ～) and the ideographic space. Nothing else that merely looks like a
# digit or letter (superscripts, circled digits, other scripts) is folded.
_HALF_WIDTH = {**{0xFF01 + i: 0x21 + i for i in range(0x5E)}, 0x3000: 0x20}


def half_width(text: str) -> str:
    """`text` with full-width ASCII forms as ASCII (８８００９９ -> 880099, ＃１２ -> #12):
    what a clerk typing with the input method in full-width mode meant."""
    return text if text.isascii() else text.translate(_HALF_WIDTH)


# Traditional forms of the characters the level statements and the subject keywords are
# spelt with (報告 風險等級 為 中高風險, 創業板 期貨 期權, 窩輪 精選層, ...): a report from a Hong Kong or
# Taiwan desk states its level and names its subject with them.
# With them, variant forms a reader takes for the ordinary character (夲 本, 吿 告, 爲 为, 髙 高),
# and the Japanese forms of 險 and 權 (険 险, 権 权: 風険等級, 期権): 夲报告的风险等级为高风険
# reads as the statement it shows.
_TRADITIONAL = str.maketrans(
    "報風險級為屬於評別確較極則時設當萬該產證創業貨權恆債幣資經財訊觀轉際劃窩輪換選層聯結構認購夲吿爲髙険権",
    "报风险级为属于评别确较极则时设当万该产证创业货权恒债币资经财讯观转际划窝轮换选层联结构认购本告为高险权",
)


# Unicode's format characters (category Cf, as of Unicode 14): soft hyphen, Arabic and
# Syriac marks, zero-width spaces and joiners, bidi controls, word joiner and invisible
# operators, BOM, interlinear annotation marks, tags. Listed, not looked up per
# character, so a report of millions of characters is folded in C.
_FORMAT_RANGES = (
    (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891),
    (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
    (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
# The rest of what Unicode says to show as nothing (Default_Ignorable_Code_Point) that is no
# format character: the combining grapheme joiner, the Hangul fillers (NFKC makes U+3164
# and U+FFA0 U+1160), Khmer inherent vowels, Mongolian and other variation selectors, and
# the unassigned rest of the ignorable planes. Inside "高风险" they hide the word from a
# search while a reader sees it whole.
_IGNORABLE_RANGES = (
    (0x34F, 0x34F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF),
)  # fmt: skip


# What shows as a blank but is no space to a regex's \s: the braille pattern blank (本⠀报告).
_BLANKS = {0x2800: " "}
# The CJK Radicals Supplement's simplified radicals that are whole characters, drawn as
# them (⻛ is 风: 本报告的⻛险等级为高⻛险), which NFKC leaves alone (it folds only the Kangxi
# radicals): Unicode's EquivalentUnifiedIdeograph for U+2EC5 ... U+2EF3.
_RADICALS = str.maketrans("⻅⻉⻋⻓⻔⻙⻚⻛⻜⻢⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳", "见贝车长门韦页风飞马鱼鸟卤麦黄黾齐齿龙龟")
_FOLDED = {**_TRADITIONAL, **_RADICALS, **{code: ord(blank) for code, blank in _BLANKS.items()}}


# The combining marks (Unicode's blocks of them, and those CJK text uses) that draw on the
# character before them: a combining low line under each character underlines a text file's
# sentence (本̲报̲告̲…), an enclosing circle, an ideographic tone mark. The sentence reads as if
# they were not there. Listed by block, as above: a class of few ranges is folded in C.
_MARK_RANGES = (
    (0x300, 0x36F), (0x483, 0x489), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
    (0x302A, 0x302F), (0x3099, 0x309A), (0xFE20, 0xFE2F),
)  # fmt: skip
_UNSEEN = re.compile(
    "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _FORMAT_RANGES + _IGNORABLE_RANGES + _MARK_RANGES) + "]"
)


def matching_form(text: str) -> str:
    """`text` as the level statement and the subject keywords are looked for in it: NFKC
    (full-width letters and digits, compatibility ideographs and Kangxi radicals that show
    as the ordinary character: ⾼ is 高), no format or other default-ignorable characters (a
    zero-width space, a soft hyphen or a variation selector shows nothing, so the sentence
    reads as if it were not there), no combining marks (the blocks above), a blank that is
    no space (U+2800) as a space, the simplified radicals above as their characters, and the
    traditional and variant characters above as their simplified forms.
    Only for finding: what is shown and stored stays as the report has it."""
    text = unicodedata.normalize("NFKC", text)
    return _UNSEEN.sub("", text).translate(_FOLDED)
