"""Which characters of a PDF a reader of the page is shown: pdfminer reads every glyph a
content stream places, but a viewer shows none that is drawn invisible (text render mode
3), in white on the white page or fully transparent, a fraction of a point high, outside
the page or a clipping rectangle, in an optional-content layer that is off, or under an
opaque rectangle, image or stamp painted after it. White text whose glyphs lie wholly on a
dark rectangle painted before them (a title banner, a coloured box) is shown. A report
could state one level in such text and show another; the reader compares the two readings
(ingest.metadata), so each character read here carries whether it is shown.

Limits: a clipping path counts as its bounding rectangle, and only rectangles and
upright images cover (a filled curve or a turned image does not); only a filled rectangle
of a dark device colour is a dark background (white text on an image or a gradient is
taken as not shown)."""

from __future__ import annotations

import bisect
import dataclasses
import functools
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pdfminer.cmapdb import CMap, CMapDB, FileUnicodeMap
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTPage
from pdfminer.pdffont import PDFCIDFont
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import PSLiteral, literal_name
from pdfminer.utils import Rect, apply_matrix_pt, mult_matrix

from suitcheck.ingest import pdfinline  # content streams parsed as the window parses them

# Below this a colour component is white enough to vanish on the page (1 is white; in
# CMYK 0 is no ink); below this alpha a glyph is transparent; below this many points a
# glyph is a speck.
_WHITE = 0.95
_INK = 0.05
_TRANSPARENT = 0.05
_SPECK = 1.0
_OPAQUE = 0.95  # at least this opaque, a box or an image hides what is under it
_DARK = 0.5  # at most this luminance (0 black, 1 white), a box white text is legible on
# White characters are looked up against at most this many (characters x boxes) pairs a
# page; beyond it (a hostile page of many boxes) they count as not shown.
_BACKDROP_PAIRS = 5_000_000
_AFTER_ALL = 1 << 62  # the paint order of what a viewer draws after the page (annotations)

# Text render modes (PDF 32000 9.3.6): 3 draws nothing, 7 only clips.
_INVISIBLE_MODES = (3, 7)
_STROKE_ONLY_MODES = (1, 5)
_FILL_AND_STROKE_MODES = (2, 6)


@dataclasses.dataclass(frozen=True)
class _State:
    """What of the graphics state decides whether text shows, beyond pdfminer's own."""

    clip: Rect | None = None  # in device space; None: the page
    fill_alpha: float = 1.0
    stroke_alpha: float = 1.0
    hidden: bool = False  # in an optional-content layer that is off, or a hidden annotation


def _intersect(a: Rect | None, b: Rect) -> Rect:
    if a is None:
        return b
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _bounds(points: Iterable[tuple[float, float]]) -> Rect | None:
    xs, ys = [], []
    for x, y in points:
        xs.append(x)
        ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _transformed(matrix: Any, rect: Sequence[Any]) -> Rect | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in rect)
    except (TypeError, ValueError):
        return None
    return _bounds(apply_matrix_pt(matrix, p) for p in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)))


def _number(value: Any, default: float) -> float:
    try:
        return float(resolve1(value))
    except (TypeError, ValueError):
        return default


def hidden_layers(catalog: dict[str, Any]) -> tuple[set[int], bool]:
    """(the object numbers of the optional-content groups the default view hides, whether
    every group not turned on is hidden: BaseState /OFF)."""
    props = resolve1(catalog.get("OCProperties"))
    config = resolve1(props.get("D")) if isinstance(props, dict) else None
    if not isinstance(config, dict):
        return set(), False

    def ids(key: str) -> set[int]:
        refs = resolve1(config.get(key))
        return {r.objid for r in refs if isinstance(r, PDFObjRef)} if isinstance(refs, list) else set()

    base_off = literal_name(resolve1(config.get("BaseState"))) == "OFF" if config.get("BaseState") else False
    if base_off:
        return ids("ON"), True  # here: the groups that are shown
    return ids("OFF"), False


class ShownDevice(PDFPageAggregator):
    """A layout device that marks each character with whether a reader is shown it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = _State()
        self.painted = True  # the current string is painted in a colour a reader sees
        self.light = False  # the current string is painted, but in white: shown only on a dark box
        self.page_box: Rect | None = None
        self.page_ctm: Any = (1, 0, 0, 1, 0, 0)
        self.unshown: set[int] = set()  # id() of the characters of the current page not shown
        self.turned: dict[int, list[LTChar]] = {}  # the page's turned characters by direction (degrees)
        # id() of the characters of the current page whose glyph draws another character than
        # the font's ToUnicode map says (_drawn_as), with the character it draws
        self.drawn_as: dict[int, str] = {}
        # What is painted, in order: characters (their centre) and opaque rectangles painted
        # over whatever came before (a filled box, an image), for covered() and on_dark().
        self.chars: list[tuple[float, float, int, int]] = []  # (x, y, order, id)
        self.covers: list[tuple[Rect, int, bool]] = []  # (box, order, dark)
        self.light_chars: list[tuple[Rect, int, int]] = []  # white characters: (box, order, id)

    def begin_page(self, page: Any, ctm: Any) -> None:
        super().begin_page(page, ctm)
        self.page_ctm = ctm
        self.page_box = _transformed(ctm, page.cropbox)
        self.unshown = set()
        self.turned = {}
        self.drawn_as = {}
        self.chars, self.covers, self.light_chars = [], [], []

    def end_page(self, page: Any) -> None:
        self.unshown -= self.on_dark()
        self.unshown |= self.covered()
        super().end_page(page)

    def on_dark(self) -> set[int]:
        """The white characters a reader is shown: those whose whole box lies on a dark box,
        the last opaque box painted before them that reaches into theirs (a white strip
        painted over part of the band puts the glyph partly on white again; a dark speck
        under a glyph's centre does not make it legible)."""
        if not self.light_chars or not any(dark for _box, _order, dark in self.covers):
            return set()
        if len(self.light_chars) * len(self.covers) > _BACKDROP_PAIRS:
            return set()
        shown: set[int] = set()
        for (gx0, gy0, gx1, gy1), painted, ident in self.light_chars:
            last = max(
                (
                    (order, dark, box)
                    for box, order, dark in self.covers
                    if order < painted and box[0] < gx1 and gx0 < box[2] and box[1] < gy1 and gy0 < box[3]
                ),
                default=None,
                key=lambda under: under[0],
            )
            if last is not None and last[1]:
                x0, y0, x1, y1 = last[2]
                if x0 <= gx0 and y0 <= gy0 and gx1 <= x1 and gy1 <= y1:
                    shown.add(ident)
        return shown

    def covered(self) -> set[int]:
        """The characters an opaque rectangle painted later lies over (text behind a box or
        an image): by their centre."""
        if not self.covers or not self.chars:
            return set()
        chars = sorted(self.chars)
        xs = [c[0] for c in chars]
        hidden: set[int] = set()
        for (x0, y0, x1, y1), order, _dark in self.covers:
            for _x, y, painted, ident in chars[bisect.bisect_left(xs, x0) : bisect.bisect_right(xs, x1)]:
                if painted < order and y0 <= y <= y1:
                    hidden.add(ident)
        return hidden

    def hide_under(self, rects: Iterable[Sequence[Any]]) -> None:
        """Mark the characters of the page just laid out that lie under these rectangles
        (annotations painted over the page, in the page's own space) as not shown."""
        self.covers = [(box, _AFTER_ALL, False) for rect in rects if (box := _transformed(self.page_ctm, rect))]
        self.unshown |= self.covered()

    def _cover(self, box: Rect | None, *, dark: bool = False) -> None:
        state = self.state
        if box is None or state.hidden or state.fill_alpha < _OPAQUE:
            return
        if state.clip is not None:
            box = _intersect(state.clip, box)
        if box[0] < box[2] and box[1] < box[3]:
            self.covers.append((box, len(self.chars) + len(self.covers), dark))

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Sequence[Any]) -> None:
        super().paint_path(gstate, stroke, fill, evenodd, path)
        if fill and "".join(str(seg[0]) for seg in path).rstrip("h") in ("mlll", "mllll"):
            points = [apply_matrix_pt(self.ctm, (float(seg[1]), float(seg[2]))) for seg in path if len(seg) == 3]
            if len({round(x, 1) for x, _ in points}) <= 2 and len({round(y, 1) for _, y in points}) <= 2:
                dark = _dark(gstate.ncs, gstate.ncolor)
                self._cover(_bounds(points), dark=dark)  # an axis-aligned filled rectangle

    def render_image(self, name: str, stream: Any) -> None:
        super().render_image(name, stream)
        figure = self.cur_item
        matrix = getattr(figure, "matrix", None)
        if matrix is None:
            return
        a, b, c, d = (matrix[i] for i in range(4))
        opaque = not any(stream.get(key) for key in ("SMask", "Mask", "ImageMask", "SMaskInData"))
        if opaque and ((abs(b) < 1e-6 and abs(c) < 1e-6) or (abs(a) < 1e-6 and abs(d) < 1e-6)):
            self._cover((figure.x0, figure.y0, figure.x1, figure.y1))

    def render_char(self, matrix: Any, font: Any, fontsize: float, scaling: float, rise: float, cid: int,
                    ncs: Any, graphicstate: Any) -> float:  # fmt: skip
        adv = super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
        item = self.cur_item._objs[-1]
        if not isinstance(item, LTChar):
            return adv
        shown = self.painted and self._in_view(item)
        original = item
        angle = _angle(matrix)
        if angle:
            # Text turned on the page (a landscape page, a line set at 90 or 45 degrees): laid
            # out apart, turned upright, so that its lines read as lines (turned_pages).
            self.cur_item._objs.pop()
            item = LTChar(mult_matrix(matrix, _rotation(-angle)), font, fontsize, scaling, rise, item.get_text(),
                          font.char_width(cid), font.char_disp(cid), ncs, graphicstate)  # fmt: skip
            self.turned.setdefault(angle, []).append(item)
        if not shown:
            self.unshown.add(id(item))
        drawn = _drawn_as(font, cid)
        if drawn is not None and drawn != item.get_text():
            self.drawn_as[id(item)] = drawn
        x, y = (original.x0 + original.x1) / 2, (original.y0 + original.y1) / 2
        placed = (x, y, len(self.chars) + len(self.covers), id(item))
        self.chars.append(placed)
        if self.light and self._in_view(original):
            # shown if its box lies on a dark box (on_dark)
            self.light_chars.append(((original.x0, original.y0, original.x1, original.y1), placed[2], id(item)))
        return adv

    def turned_pages(self) -> list[LTPage]:
        """The page's turned text, one laid-out page a direction, each turned upright."""
        pages = []
        for _angle, chars in sorted(self.turned.items()):
            page = LTPage(self.pageno, (min(c.x0 for c in chars), min(c.y0 for c in chars),
                                        max(c.x1 for c in chars), max(c.y1 for c in chars)))  # fmt: skip
            page.extend(chars)
            if self.laparams is not None:
                page.analyze(self.laparams)
            pages.append(page)
        return pages

    def begin_string(self, state: _State, mode: int, gstate: Any) -> None:
        """The state a string of text is shown in (once per string, not per character)."""
        self.state = state
        self.light = False
        if state.hidden or mode in _INVISIBLE_MODES:
            self.painted = False
            return
        fill = (gstate.ncs, gstate.ncolor, state.fill_alpha)
        stroke = (gstate.scs, gstate.scolor, state.stroke_alpha)
        paints = (
            [stroke] if mode in _STROKE_ONLY_MODES else [fill, stroke] if mode in _FILL_AND_STROKE_MODES else [fill]
        )
        self.painted = any(alpha >= _TRANSPARENT and not _white(space, colour) for space, colour, alpha in paints)
        self.light = not self.painted and any(alpha >= _OPAQUE for _space, _colour, alpha in paints)

    def _in_view(self, item: LTChar) -> bool:
        """Big enough to see, and inside the page and the clipping rectangle."""
        if (item.height < _SPECK or item.width < _SPECK / 4) and item.get_text().strip():
            return False
        x, y = (item.x0 + item.x1) / 2, (item.y0 + item.y1) / 2
        for box in (self.page_box, self.state.clip):
            if box is not None and not (box[0] <= x <= box[2] and box[1] <= y <= box[3]):
                return False
        return True


def _drawn_as(font: Any, cid: int) -> str | None:
    """The character a CID font's glyph draws by its character collection (Adobe-GB1,
    -CNS1, -Japan1, -Korea1 define which character each CID is), when the font also has a
    ToUnicode map, which pdfminer reads instead and which may say another: a report can map
    the glyph of 高 to 低, so that the page shows 高风险 and the text reads 低风险. None when
    the collection does not say (Adobe-Identity: an embedded font's glyphs are only known
    through its maps) or the font has no ToUnicode map (pdfminer then reads the collection)."""
    if not isinstance(font, PDFCIDFont) or not isinstance(font.unicode_map, FileUnicodeMap):
        return None
    collection = _collection(font.cidcoding, bool(font.vertical))
    try:
        return collection.get_unichr(cid) if collection is not None else None
    except KeyError:
        return None


_COLLECTIONS = ("Adobe-GB1", "Adobe-CNS1", "Adobe-Japan1", "Adobe-Korea1")


@functools.lru_cache(maxsize=16)
def _collection(cidcoding: str, vertical: bool) -> Any:
    """A character collection's CID-to-Unicode map, for the four that define their
    characters; None for any other (an embedded font's Adobe-Identity). Looked up once,
    not at every glyph."""
    if cidcoding not in _COLLECTIONS:
        return None
    try:
        return CMapDB.get_unicode_map(cidcoding, vertical)
    except CMapDB.CMapNotFound:
        return None


def _angle(matrix: Any) -> int:
    """The direction a glyph's baseline runs on the page, in whole degrees (0: left to right)."""
    a, b = matrix[0], matrix[1]
    if b == 0 and a > 0:
        return 0
    return round(math.degrees(math.atan2(b, a))) % 360


def _rotation(degrees: int) -> tuple[float, float, float, float, float, float]:
    r = math.radians(degrees)
    return (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0.0, 0.0)


def _white(space: Any, colour: Any) -> bool:
    """Whether a colour is (near) white: nothing a reader sees on a white page."""
    values = colour if isinstance(colour, (list, tuple)) else (colour,)
    try:
        comps = [float(v) for v in values]
    except (TypeError, ValueError):
        return False  # a pattern or a named colour: taken as shown
    name = getattr(space, "name", "")
    n = getattr(space, "ncomponents", len(comps))
    if name in ("Separation", "DeviceN", "Indexed", "Pattern") or len(comps) != n:
        return False
    if n == 4:
        return all(c <= _INK for c in comps)
    return n in (1, 3) and all(c >= _WHITE for c in comps)


def _dark(space: Any, colour: Any) -> bool:
    """Whether a fill colour is dark enough for white text on it to be read: a device
    grey, RGB or CMYK colour of luminance at most _DARK. Any other colour space (a
    separation, a pattern, an indexed palette) is not known to be dark."""
    values = colour if isinstance(colour, (list, tuple)) else (colour,)
    try:
        comps = [min(1.0, max(0.0, float(v))) for v in values]
    except (TypeError, ValueError):
        return False
    name = getattr(space, "name", "")
    if name not in ("DeviceGray", "DeviceRGB", "DeviceCMYK") or len(comps) != getattr(space, "ncomponents", -1):
        return False
    if len(comps) == 4:  # CMYK: what is left of white after the inks
        c, m, y, k = comps
        comps = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    if len(comps) == 3:
        r, g, b = comps
        return 0.2126 * r + 0.7152 * g + 0.0722 * b <= _DARK
    return len(comps) == 1 and comps[0] <= _DARK


# A CID no font maps to a character (CIDs run to 65535): a glyph read through it is
# "(cid:N)", a glyph mapped to no character (ingest.metadata).
_NO_CHARACTER = 1 << 20


class _UnreadEncoding(CMap):
    """The encoding of a CID font pdfminer cannot read as the report window does: a CMap
    embedded in the file (pdfminer looks it up by its name, and reads an empty map for a
    name it does not know, every glyph vanishing from the text, or its own map of that
    name, whatever the embedded one says: an embedded "UniGB-UCS2-H" mapping the code of
    低 to the glyph of 高 was read as 低风险 and shown as 高风险), or of a name it does not
    know. Each two bytes (at least one glyph a string) read as a glyph mapped to no
    character instead."""

    def decode(self, code: bytes) -> Iterator[int]:
        return iter((_NO_CHARACTER,) * max(1, len(code) // 2) if code else ())


class ShownResources(PDFResourceManager):
    """pdfminer's resource manager, except that a CID font whose encoding is embedded, or
    of a name pdfminer does not know, reads its glyphs as glyphs mapped to no character
    (_UnreadEncoding): the report window (PDFium) draws them by the embedded map (or its
    guess at the name), which pdfminer does not read."""

    def get_font(self, objid: object, spec: Any) -> Any:
        font = super().get_font(objid, spec)
        if not isinstance(font, PDFCIDFont):
            return font
        embedded = isinstance(resolve1(spec.get("Encoding")) if isinstance(spec, dict) else None, PDFStream)
        cmap = font.cmap
        if embedded or (type(cmap) is CMap and not cmap.code2cid):
            font.cmap = _UnreadEncoding()
            # ... and no ToUnicode map reads them either: one mapping _NO_CHARACTER's code to
            # nothing would make a glyph vanish again (the 中 of a shown 中低风险, read 低风险).
            font.unicode_map = None
        return font


class ShownInterpreter(PDFPageInterpreter):
    """pdfminer's interpreter, also keeping what decides whether text shows (ShownDevice):
    clipping rectangles, transparency (ExtGState ca/CA), optional content, and the state a
    form XObject inherits (pdfminer starts a form afresh)."""

    device: ShownDevice

    def __init__(self, rsrcmgr: Any, device: ShownDevice) -> None:
        super().__init__(rsrcmgr, device)
        self.hidden_groups: tuple[set[int], bool] = (set(), False)
        self.base = _State()
        self._inherit: tuple[Any, Any, _State] | None = None
        self._pending: _State | None = None
        self._state = self.base
        self.saved: list[_State] = []
        self.marked: list[bool] = []

    @property
    def state(self) -> _State:
        return self._state

    @state.setter
    def state(self, value: _State) -> None:
        """The device paints in the state of the interpreter that runs (a form's, then the
        page's again)."""
        self._state = value
        self.device.state = value

    def dup(self) -> ShownInterpreter:
        interp = self.__class__(self.rsrcmgr, self.device)
        interp.hidden_groups = self.hidden_groups
        return interp

    def execute(self, streams: Sequence[object]) -> None:
        """pdfminer's, its content parser given the colour spaces of these resources (an
        inline image may name one: ingest.pdfinline)."""
        colour_spaces = pdfinline.COLOUR_SPACES.set(self.csmap)
        try:
            super().execute(streams)
        finally:
            pdfinline.COLOUR_SPACES.reset(colour_spaces)

    def subinterp(self) -> ShownInterpreter:
        interp = super().subinterp()
        assert isinstance(interp, ShownInterpreter)
        interp._inherit = (self.graphicstate.copy(), self.textstate.copy(), self._pending or self.state)
        return interp

    def init_state(self, ctm: Any) -> None:
        super().init_state(ctm)
        self.state = self.base
        self.saved = []
        self.marked = []
        if self._inherit is not None:
            self.graphicstate, self.textstate, self.state = self._inherit
            self._inherit = None

    def do_q(self) -> None:
        super().do_q()
        self.saved.append(self.state)

    def do_Q(self) -> None:
        super().do_Q()
        if self.saved:
            self.state = self.saved.pop()

    def do_W(self) -> None:
        points = [
            (float(seg[i]), float(seg[i + 1]))
            for seg in self.curpath
            for i in range(1, len(seg) - 1, 2)
            if _numbers(seg[i : i + 2])
        ]
        box = _bounds(apply_matrix_pt(self.ctm, p) for p in points)
        if box is not None:
            self.state = dataclasses.replace(self.state, clip=_intersect(self.state.clip, box))

    def do_W_a(self) -> None:
        self.do_W()  # even-odd or nonzero: the same bounding rectangle

    def do_gs(self, name: Any) -> None:
        params = resolve1(resolve1(self.resources.get("ExtGState", {})).get(literal_name(name)))
        if isinstance(params, dict):
            self.state = dataclasses.replace(
                self.state,
                fill_alpha=_number(params.get("ca"), self.state.fill_alpha),
                stroke_alpha=_number(params.get("CA"), self.state.stroke_alpha),
            )

    def do_BMC(self, tag: Any) -> None:
        self.marked.append(self.state.hidden)
        super().do_BMC(tag)

    def do_BDC(self, tag: Any, props: Any) -> None:
        hidden = self.state.hidden
        if isinstance(tag, PSLiteral) and literal_name(tag) == "OC":
            if isinstance(props, PSLiteral):
                props = resolve1(self.resources.get("Properties", {})).get(literal_name(props))
            hidden = hidden or self.layer_hidden(props)
        self.marked.append(self.state.hidden)
        self.state = dataclasses.replace(self.state, hidden=hidden)
        super().do_BDC(tag, props)

    def do_EMC(self) -> None:
        if self.marked:
            self.state = dataclasses.replace(self.state, hidden=self.marked.pop())
        super().do_EMC()

    def do_Do(self, xobjid: Any) -> None:
        xobj = resolve1(resolve1(self.resources.get("XObject", {})).get(literal_name(xobjid)))
        self._pending = None
        if isinstance(xobj, PDFStream):
            state = self.state
            matrix = resolve1(xobj.get("Matrix")) or (1, 0, 0, 1, 0, 0)
            bbox = resolve1(xobj.get("BBox"))
            try:
                box = _transformed(mult_matrix(tuple(float(v) for v in matrix), self.ctm), bbox)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                box = None
            if box is not None:
                state = dataclasses.replace(state, clip=_intersect(state.clip, box))
            if self.layer_hidden(xobj.get("OC")):
                state = dataclasses.replace(state, hidden=True)
            self._pending = state
        try:
            if isinstance(xobj, PDFStream) and _form_without_box(xobj):
                self._draw_form_without_box(literal_name(xobjid), xobj)
            else:
                super().do_Do(xobjid)
        finally:
            self._pending = None
            self.device.state = self.state

    def _draw_form_without_box(self, name: str, form: PDFStream) -> None:
        """A form XObject with no usable /BBox, which pdfminer does not draw and PDFium
        (the report window) draws unclipped: drawn as pdfminer draws one with a box, the box
        taken to hold the whole page (a white box and 高风险 drawn over a 低风险 sentence were
        shown and never read)."""
        matrix = resolve1(form.get("Matrix")) or (1, 0, 0, 1, 0, 0)
        resources = resolve1(form.get("Resources"))
        interpreter = self.subinterp()
        self.device.begin_figure(name, _EVERYWHERE, matrix)
        interpreter.render_contents(
            resources if isinstance(resources, dict) else self.resources.copy(),
            [form],
            ctm=mult_matrix(matrix, self.ctm),
        )
        self.device.end_figure(name)

    def do_TJ(self, seq: Any) -> None:
        self.device.begin_string(self.state, int(_number(self.textstate.render, 0)), self.graphicstate)
        super().do_TJ(seq)

    def process_appearance(self, appearance: Any, *, hidden: bool) -> None:
        """Lay out an annotation's appearance (given as a page), `hidden`: a viewer does not
        draw it (a hidden annotation, a state not selected)."""
        self.base = _State(hidden=hidden)
        try:
            self.process_page(appearance)
        finally:
            self.base = _State()

    def layer_hidden(self, ref: Any) -> bool:
        """Whether an optional-content group (or membership dictionary) is off in the
        default view. A membership of several groups is taken as hidden when any is."""
        if ref is None:
            return False
        groups, base_off = self.hidden_groups
        target = resolve1(ref)
        if isinstance(target, dict) and literal_name(target.get("Type")) == "OCMD":
            members = resolve1(target.get("OCGs"))
            refs = members if isinstance(members, list) else [target.get("OCGs")]
            return any(self._group_hidden(r, groups, base_off) for r in refs)
        return self._group_hidden(ref, groups, base_off)

    @staticmethod
    def _group_hidden(ref: Any, groups: set[int], base_off: bool) -> bool:
        if not isinstance(ref, PDFObjRef):
            return base_off
        return (ref.objid not in groups) if base_off else (ref.objid in groups)


# The box of a form XObject that gives none: larger than any page.
_EVERYWHERE = (-1e6, -1e6, 1e6, 1e6)


def _form_without_box(xobj: PDFStream) -> bool:
    """A form XObject whose /BBox is missing or is no rectangle of four numbers."""
    if literal_name(resolve1(xobj.get("Subtype"))) != "Form":
        return False
    box = resolve1(xobj.get("BBox"))
    return not (isinstance(box, list) and len(box) == 4 and _numbers(box))


def _numbers(values: Sequence[Any]) -> bool:
    try:
        [float(v) for v in values]
    except (TypeError, ValueError):
        return False
    return True
