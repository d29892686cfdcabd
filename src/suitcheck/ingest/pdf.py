"""PDF text with layout analysis (pdfminer.six), so a sidebar column is not interleaved
with the body and a SAC number wrapped inside a narrow column stays in one block."""

from __future__ import annotations

import io
import logging
from typing import Any

from suitcheck.ingest.errors import IngestError

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def extract_pdf_text(data: bytes, *, max_pages: int | None = None, max_chars: int | None = None) -> str:
    """The text of every page, pages separated by form feeds. Stops with an IngestError
    at the first page over `max_pages` or once the text exceeds `max_chars`."""
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
    text = "\f".join(pages)
    if not "".join(text.split()):
        raise IngestError("no-text", "The PDF has no text layer (a scanned image?); it needs OCR first.")
    return text


def _page_texts(data: bytes, max_pages: int | None, max_chars: int | None) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    # boxes_flow=None keeps each text box whole and lets us order boxes ourselves:
    # column by column (left to right), top to bottom within a column.
    params = LAParams(boxes_flow=None, line_margin=0.6, char_margin=2.0)
    pages: list[str] = []
    chars = 0
    for page in extract_pages(io.BytesIO(data), laparams=params):
        if max_pages is not None and len(pages) >= max_pages:
            raise IngestError("too-many-pages", f"The PDF has more than {max_pages} pages (the firm's limit).")
        boxes = [el for el in page if isinstance(el, LTTextContainer)]
        pages.append("\n".join(box.get_text().rstrip("\n") for box in _reading_order(boxes, page.width)))
        chars += len(pages[-1])
        if max_chars is not None and chars > max_chars:
            raise IngestError("too-much-text", f"The file has more than {max_chars:,} characters of text.")
    return pages


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
