"""PDF text with layout analysis (pdfminer.six), so a sidebar column is not interleaved
with the body and a SAC number wrapped inside a narrow column stays in one block; with the
text of form XObjects and annotations, and apart from it the text a reader is shown."""

from __future__ import annotations

import logging
import re
from typing import Any, NamedTuple

from suitcheck.ingest.errors import IngestError

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def extract_pdf_text(data: bytes, *, max_pages: int | None = None, max_chars: int | None = None) -> str:
    """The text of every page, pages separated by form feeds. Stops with an IngestError
    at the first page over `max_pages` or once the text exceeds `max_chars`."""
    return extract_pdf_texts(data, max_pages=max_pages, max_chars=max_chars)[0]


class PdfTexts(NamedTuple):
    """A PDF's text four ways, pages separated by form feeds."""

    text: str  # everything it holds, in reading order: the report's text
    shown: str  # without what a viewer shows nobody (ingest.pdfshown)
    columns: str  # everything, read column by column (left to right, each top to bottom)
    # everything as its pages show it: each line's characters in the order they are placed on
    # it (left to right), not the order the content stream draws them in, and each the
    # character its glyph draws where the font's collection says which (ingest.pdfshown)
    placed: str


def extract_pdf_texts(data: bytes, *, max_pages: int | None = None, max_chars: int | None = None) -> PdfTexts:
    """The PDF's text (PdfTexts): the page's text, the text of its form XObjects and of
    its annotations (their appearances, notes and field values); the same without what a
    viewer shows nobody; the same read column by column; and the same with each line read
    in the order its characters are placed. The level a report states must read the same
    in all four (ingest.metadata)."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise IngestError("not-pdf", "The file is not a PDF (it lacks the %PDF header).")
    try:
        pages = _page_texts(data, max_pages, max_chars)
    except MemoryError:
        raise  # the worker turns it into its exit status; never "damaged"
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise IngestError("encrypted", "The PDF is encrypted; save an unprotected copy and import that.") from exc
    except (PDFSyntaxError, PSException) as exc:
        raise IngestError("corrupt", "The PDF is damaged and cannot be read.") from exc
    except IngestError:
        raise
    except Exception as exc:
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise IngestError("encrypted", "The PDF is encrypted; save an unprotected copy and import that.") from exc
        raise IngestError("corrupt", f"The PDF is damaged and cannot be read ({type(exc).__name__}).") from exc
    if not pages:
        raise IngestError("corrupt", "The PDF has no pages.")
    _same_pages_as_the_viewer(data, len(pages))
    if not "".join("".join(page[0] for page in pages).split()):
        raise IngestError("no-text", "The PDF has no text layer (a scanned image?); it needs OCR first.")
    # A glyph its font's ToUnicode map sends to U+0000 is a glyph read as no character (and
    # PostgreSQL holds no NUL in text): U+FFFD, which ingest.metadata reads as one.
    text, shown, columns, placed = ("\f".join(page[i] for page in pages).replace("\x00", "\ufffd") for i in range(4))
    return PdfTexts(text, shown, columns, placed)


UNPLAIN_PAGE_TREE = (
    "The PDF is damaged: its page tree does not say plainly which of its objects are pages, "
    "so a viewer might show a page whose level was not read."
)


def _pages_as_the_viewer_walks_them(document: Any) -> None:
    """Refuse a page tree that the report window (PDFium) walks otherwise than pdfminer
    reads it. PDFium takes every node with /Kids for a node of the tree and every node
    without for a page, typed or not, and a page inherits its resources through its
    /Parent; pdfminer descends only into nodes typed /Pages, reads only nodes typed /Page
    (a node typed /Page with kids as a page, not its kids), inherits from the node it came
    through, and, finding no page in the tree, reads every object typed /Page in the
    file. So every node with kids must be typed /Pages, every node without typed /Page,
    and every node's /Parent the node it is listed under: then every page the window can
    show is one read here, with the resources it is drawn with. (A tree with no root shows
    no page in PDFium: the page counts then disagree, _same_pages_as_the_viewer.)"""
    from pdfminer.pdftypes import PDFObjRef, resolve1
    from pdfminer.psparser import LIT

    root = document.catalog.get("Pages")
    if root is None:
        return
    stack: list[tuple[Any, int | None]] = [(root, None)]
    seen: set[int] = set()
    while stack:
        ref, parent = stack.pop()
        node = resolve1(ref)
        objid = ref.objid if isinstance(ref, PDFObjRef) else None
        if not isinstance(node, dict) or objid is None:
            raise IngestError("corrupt", UNPLAIN_PAGE_TREE)
        up = node.get("Parent")
        if parent is not None and not (isinstance(up, PDFObjRef) and up.objid == parent):
            raise IngestError("corrupt", UNPLAIN_PAGE_TREE)
        if objid in seen:
            continue
        seen.add(objid)
        declared = node.get("Type")
        if declared is None:
            declared = node.get("type")  # as pdfminer reads it (not STRICT)
        if "Kids" in node:
            kids = resolve1(node["Kids"])
            if declared is not LIT("Pages") or not isinstance(kids, list):
                raise IngestError("corrupt", UNPLAIN_PAGE_TREE)
            stack.extend((kid, objid) for kid in kids)
        elif declared is not LIT("Page"):
            raise IngestError("corrupt", UNPLAIN_PAGE_TREE)


def _same_pages_as_the_viewer(data: bytes, read: int) -> None:
    """Refuse a PDF whose pages the report window (PDFium) counts otherwise than the `read`
    pages its text was read from: PDFium takes every leaf of the page tree as a page,
    pdfminer only the leaves typed /Page, so a page left untyped would be shown to the
    client but never read for its level. A file PDFium cannot open passes: the window then
    shows only the text read here."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return
    try:
        shown = len(document)
    finally:
        document.close()
    if shown != read:
        raise IngestError(
            "corrupt",
            f"The PDF is damaged: a viewer shows {shown} pages where its text was read from {read}, "
            "so the level read might not be the one its pages show.",
        )


def _page_texts(data: bytes, max_pages: int | None, max_chars: int | None) -> list[tuple[str, str, str, str]]:
    from pdfminer.layout import LAParams
    from pdfminer.pdfpage import PDFPage

    from suitcheck.ingest.pdfrevision import LengthCheckingParser, NewestRevisionDocument, one_revision_if_rebuilt
    from suitcheck.ingest.pdfshown import ShownDevice, ShownInterpreter, ShownResources, hidden_layers

    # boxes_flow=None keeps each text box whole and lets us order boxes ourselves:
    # column by column (left to right), top to bottom within a column. all_texts: the
    # text inside form XObjects is laid out too (a viewer shows it as page text).
    params = LAParams(boxes_flow=None, line_margin=0.6, char_margin=2.0, all_texts=True)
    document = NewestRevisionDocument(LengthCheckingParser(data))
    one_revision_if_rebuilt(document, data)
    resources = ShownResources()
    device = ShownDevice(resources, laparams=params)
    interpreter = ShownInterpreter(resources, device)
    interpreter.hidden_groups = hidden_layers(document.catalog)
    _pages_as_the_viewer_walks_them(document)
    pages: list[tuple[str, str, str, str]] = []
    chars = 0
    painted: set[int] = set()  # the resources looked into for painted streams: each once per file
    for page in PDFPage.create_pages(document):
        if max_pages is not None and len(pages) >= max_pages:
            raise IngestError("too-many-pages", f"The PDF has more than {max_pages} pages (the firm's limit).")
        interpreter.process_page(page)
        device.hide_under(_covering_annotations(page))
        texts = [_layout_texts(device)]
        texts += _annotation_texts(document, page, interpreter, device)
        texts += _painted_texts(document, page, interpreter, device, painted)
        pages.append(tuple("\n".join(t[i] for t in texts if t[i]) for i in range(4)))  # type: ignore[arg-type]
        chars += len(pages[-1][0])
        if max_chars is not None and chars > max_chars:
            raise IngestError("too-much-text", f"The file has more than {max_chars:,} characters of text.")
    return pages


def _layout_texts(device: Any) -> tuple[str, str, str, str]:
    """(all text, text shown, all text column by column, all text with each line in the
    order its characters are placed) of the page the device just laid out, in reading
    order; its turned text (a landscape page, a line set at an angle) after it, read
    upright."""
    from pdfminer.layout import LTAnno, LTChar, LTContainer, LTFigure, LTTextContainer

    unshown = device.unshown

    def boxes(container: Any) -> list[Any]:
        found: list[Any] = []
        for item in container:
            if isinstance(item, LTTextContainer):
                found.append(item)
            elif isinstance(item, LTFigure):
                found += boxes(item)
        return found

    def shown(item: Any) -> str:
        if isinstance(item, LTChar):
            return "" if id(item) in unshown else item.get_text()
        if isinstance(item, LTAnno):
            return item.get_text()
        return "".join(shown(child) for child in item) if isinstance(item, LTContainer) else ""

    full: list[str] = []
    seen: list[str] = []
    columns: list[str] = []
    placed: list[str] = []
    for layout in (device.get_result(), *device.turned_pages()):
        found = boxes(layout)
        ordered = _reading_order(found, layout.width)
        full += (box.get_text().rstrip("\n") for box in ordered)
        seen += (shown(box).rstrip("\n") for box in ordered) if unshown else ()
        columns += (box.get_text().rstrip("\n") for box in _column_order(found, layout.width))
        placed += (_placed_text(box, device.drawn_as).rstrip("\n") for box in ordered)
    return "\n".join(full), "\n".join(seen if unshown else full), "\n".join(columns), "\n".join(placed)


# pdfminer's word margin (LAParams' default): a gap wider than this many characters' sizes
# between two characters of a line is a space.
_WORD_MARGIN = 0.1


def _placed_text(box: Any, drawn_as: dict[int, str]) -> str:
    """A text box's text as its page shows it: the characters of each of its lines in the
    order they are placed on the page, left to right, as a reader reads them, each the
    character its glyph draws (`drawn_as`, ingest.pdfshown). pdfminer joins the characters
    of a line in the order the content stream draws them: a sentence drawn from its last
    character to its first (each placed where it shows) reads backwards there,
    "。险风高为级等险风的告报本", so the level the page shows is never read. A line drawn in
    order, with no glyph drawing another character, is its own text, unchanged."""
    from pdfminer.layout import LTChar, LTTextLine, LTTextLineHorizontal

    out: list[str] = []
    for line in [box] if isinstance(box, LTTextLine) else box:
        chars = [c for c in line if isinstance(c, LTChar)] if isinstance(line, LTTextLineHorizontal) else []
        in_order = all(a.x0 <= b.x0 for a, b in zip(chars, chars[1:], strict=False))
        if in_order and not any(id(c) in drawn_as for c in chars):
            out.append(line.get_text())
            continue
        text: list[str] = []
        right: float | None = None
        for char in sorted(chars, key=lambda c: c.x0):
            # a space where pdfminer puts one between words (LTTextLineHorizontal.add)
            if right is not None and right < char.x0 - _WORD_MARGIN * max(char.width, char.height):
                text.append(" ")
            text.append(drawn_as.get(id(char), char.get_text()))
            right = char.x1 if right is None else max(right, char.x1)
        out.append("".join(text) + "\n")
    return "".join(out)


# Annotation flags (PDF 32000 12.5.3): Hidden, NoView.
_ANNOT_NOT_SHOWN = 2 | 32
# Annotations a viewer paints over the page with a body that hides what is under it (a
# stamp, a text box, a form field; a shape with an interior colour), unlike a highlight,
# a link or a line.
_COVERING = {"Stamp", "FreeText", "Widget"}
_COVERING_IF_FILLED = {"Square", "Circle", "Polygon"}


def _covering_annotations(page: Any) -> list[Any]:
    """The rectangles (in page space) of the annotations drawn over a page that hide the
    page's text under them: a stamp showing 高风险 over the page's 低风险."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import literal_name

    annots = resolve1(page.annots)
    boxes = []
    for ref in annots if isinstance(annots, list) else []:
        annot = resolve1(ref)
        if not isinstance(annot, dict):
            continue
        kind = literal_name(resolve1(annot.get("Subtype"))) if annot.get("Subtype") else ""
        flags = resolve1(annot.get("F"))
        opacity = resolve1(annot.get("CA"))
        covering = kind in _COVERING or (kind in _COVERING_IF_FILLED and annot.get("IC"))
        if not covering or (isinstance(flags, int) and flags & _ANNOT_NOT_SHOWN):
            continue
        if isinstance(opacity, (int, float)) and opacity < 0.95:
            continue
        if annot.get("AP") is None and kind != "FreeText":
            continue  # nothing drawn
        rect = resolve1(annot.get("Rect"))
        if isinstance(rect, list) and len(rect) == 4:
            boxes.append(rect)
    return boxes


def _annotation_texts(document: Any, page: Any, interpreter: Any, device: Any) -> list[tuple[str, str, str, str]]:
    """(all text, text shown, all text, all text) of each annotation of a page: what its appearance draws (a
    viewer draws it over the page: a stamp can cover the page's own sentence with another),
    and its note and field value. A note or value counts as shown only when a viewer draws
    it as the annotation (a free-text annotation without an appearance)."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import literal_name
    from pdfminer.utils import decode_text

    annots = resolve1(page.annots)
    texts: list[tuple[str, str, str, str]] = []
    for ref in annots if isinstance(annots, list) else []:
        annot = resolve1(ref)
        if not isinstance(annot, dict):
            continue
        flags = resolve1(annot.get("F"))
        hidden = (isinstance(flags, int) and bool(flags & _ANNOT_NOT_SHOWN)) or interpreter.layer_hidden(
            annot.get("OC")
        )
        appearances = resolve1(annot.get("AP"))
        normal = resolve1(appearances.get("N")) if isinstance(appearances, dict) else None
        if isinstance(normal, PDFStream):
            streams = [(normal, True)]
        elif isinstance(normal, dict):
            state = resolve1(annot.get("AS"))
            chosen = literal_name(state) if state is not None else None
            streams = [(resolve1(s), str(name) == chosen) for name, s in normal.items()]
        else:
            streams = []
        for stream, selected in streams:
            if not isinstance(stream, PDFStream):
                continue
            attrs = {"MediaBox": stream.get("BBox"), "Resources": stream.get("Resources") or {}, "Contents": stream}
            interpreter.process_appearance(PDFPage(document, None, attrs, None), hidden=hidden or not selected)
            texts.append(_layout_texts(device))
        from_contents = not streams and literal_name(resolve1(annot.get("Subtype"))) == "FreeText" and not hidden
        for key in ("Contents", "V"):
            value = resolve1(annot.get(key))
            if isinstance(value, bytes) and value.strip():
                text = decode_text(value)
                texts.append((text, text if key == "Contents" and from_contents else "", text, text))
    return texts


def _painted_texts(
    document: Any, page: Any, interpreter: Any, device: Any, seen: set[int]
) -> list[tuple[str, str, str, str]]:
    """(all text, text shown, all text, all text placed) of each content stream a page can paint that
    pdfminer's interpreter never reads (_painted_cells): a tiling pattern's cell (painted
    wherever the pattern fills an area), a soft mask's group (its shapes cut what is
    painted under the mask) and a Type3 glyph's procedure (which may show a whole sentence
    in another font for one character code). A macro weekly stating 低风险 showed
    本报告的风险等级为高风险 through each of them while only its 低风险 sentence was read.
    Read as shown (a cell nothing paints shows nothing, but a level in it then only leaves
    the report unrated). `seen`: the objects looked into on the pages before: a Type3
    font's hundreds of glyphs, or a pattern on every page, are read once per file; and a
    cell that shows no text and draws no XObject (a glyph drawn as paths) is not laid out."""
    from pdfminer.pdfpage import PDFPage

    texts: list[tuple[str, str, str, str]] = []
    for cell, resources, box in _painted_cells(page, seen):
        if not _SHOWS_TEXT.search(cell.get_data() or b""):
            continue
        attrs = {"MediaBox": box, "Resources": resources or {}, "Contents": cell}
        interpreter.process_appearance(PDFPage(document, None, attrs, None), hidden=False)
        texts.append(_layout_texts(device))
    return texts


def _appearance_resources(page: Any) -> list[Any]:
    """The resources of the page's annotations' normal appearances (each state)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    found: list[Any] = []
    annots = resolve1(page.annots)
    for ref in annots if isinstance(annots, list) else []:
        annot = resolve1(ref)
        appearances = resolve1(annot.get("AP")) if isinstance(annot, dict) else None
        normal = resolve1(appearances.get("N")) if isinstance(appearances, dict) else None
        states = list(normal.values()) if isinstance(normal, dict) else [normal]
        found += [stream.get("Resources") for stream in map(resolve1, states) if isinstance(stream, PDFStream)]
    return found


_GLYPH_SPACE = [0, 0, 1000, 1000]
# A text-showing operator (Tj, TJ, ' or ") or an XObject drawn (Do), in a content stream.
_SHOWS_TEXT = re.compile(rb"T[jJ]|Do|['\"]")


def _cells_of(kind: str, entry: Any) -> list[tuple[Any, Any, Any]]:
    """The painted streams one resource entry holds, each with its resources and box:
    a tiling pattern's cell, a form XObject (looked into, not read: the interpreter reads
    it where the page draws it), a graphics state's soft-mask group, a Type3 font's
    glyph procedures."""
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import literal_name

    if isinstance(entry, PDFStream) and kind in ("Pattern", "XObject"):
        painted = kind == "Pattern" and resolve1(entry.get("PatternType")) == 1
        if painted or literal_name(resolve1(entry.get("Subtype"))) == "Form":
            return [(entry, entry.get("Resources"), entry.get("BBox"))]
    if isinstance(entry, dict) and kind == "ExtGState":
        mask = resolve1(entry.get("SMask"))
        group = resolve1(mask.get("G")) if isinstance(mask, dict) else None
        if isinstance(group, PDFStream):
            return [(group, group.get("Resources"), group.get("BBox"))]
    if isinstance(entry, dict) and kind == "Font" and literal_name(resolve1(entry.get("Subtype"))) == "Type3":
        procs = resolve1(entry.get("CharProcs"))
        glyphs = [resolve1(p) for p in procs.values()] if isinstance(procs, dict) else []
        return [(g, entry.get("Resources"), _GLYPH_SPACE) for g in glyphs if isinstance(g, PDFStream)]
    return []


def _painted_cells(page: Any, seen: set[int]) -> list[tuple[Any, Any, Any]]:
    """_cells_of every resource the page can reach: its own, and those of the form
    XObjects, cells and annotation appearances under them; each once. Form XObjects are
    followed but not returned (the interpreter reads them where they are drawn)."""
    from pdfminer.pdftypes import PDFObjRef, resolve1

    stack: list[Any] = [page.resources, *_appearance_resources(page)]
    cells: list[tuple[Any, Any, Any]] = []
    while stack:
        held = resolve1(stack.pop())
        for kind in ("Pattern", "XObject", "ExtGState", "Font"):
            entries = resolve1(held.get(kind)) if isinstance(held, dict) else None
            for ref in entries.values() if isinstance(entries, dict) else []:
                if isinstance(ref, PDFObjRef) and ref.objid in seen:
                    continue
                seen.add(ref.objid if isinstance(ref, PDFObjRef) else -1)
                for cell in _cells_of(kind, resolve1(ref)):
                    stack.append(cell[1])
                    if kind != "XObject":
                        cells.append(cell)
    return cells


def _column_order(boxes: list[Any], page_width: float) -> list[Any]:
    """The boxes read the other way a page can be read: the wide ones (a title, a full-width
    paragraph) first, then the narrow ones column by column, left to right, each column top
    to bottom. A sentence that runs from the foot of one column to the head of the next
    reads whole here, where _reading_order may put the box beside its first half after it."""
    wide = [b for b in boxes if (b.x1 - b.x0) > page_width * 0.45]
    columns: list[list[Any]] = []
    right = float("-inf")
    for box in sorted((b for b in boxes if (b.x1 - b.x0) <= page_width * 0.45), key=lambda b: b.x0):
        if columns and box.x0 < right - 2:
            columns[-1].append(box)
            right = max(right, box.x1)
        else:
            columns.append([box])
            right = box.x1
    top_down = lambda b: -b.y1  # noqa: E731
    return sorted(wide, key=top_down) + [box for column in columns for box in sorted(column, key=top_down)]


def _reading_order(boxes: list, page_width: float) -> list:  # type: ignore[type-arg]
    """Sort boxes into columns by their left edge, then top to bottom.

    A box is in the sidebar column when it lies wholly in the left or right third and
    the page also has a wide body; everything else is body. Body comes first, then the
    sidebar, so the header lines and rating that lead a report stay in front.
    """
    if not boxes:
        return []
    wide = [b for b in boxes if (b.x1 - b.x0) > page_width * 0.45]
    if not wide:
        return sorted(boxes, key=lambda b: (-b.y1, b.x0))
    body_left = min(b.x0 for b in wide)
    body_right = max(b.x1 for b in wide)
    body: list[Any] = []
    side: list[Any] = []
    for b in boxes:
        (side if b.x1 <= body_left + 2 or b.x0 >= body_right - 2 else body).append(b)
    key = lambda b: (-round(b.y1), b.x0)  # noqa: E731
    return sorted(body, key=key) + sorted(side, key=key)
