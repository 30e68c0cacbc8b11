"""PDF lines: pypdf's text with each line's font (bold?), size and the gap above it."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from .errors import DocumentError

log = logging.getLogger(__name__)


@dataclass
class PdfLine:
    text: str
    bold: bool
    size: float
    gap_before: bool  # a wider gap than the page's usual line spacing: a new paragraph


def read_pdf_lines(data: bytes, source: str) -> list[list[PdfLine]]:
    """The lines of every page, top to bottom."""
    import pypdf
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise DocumentError(f"{source}: the PDF is encrypted; save it unencrypted")
            except DocumentError:
                raise
            except Exception as exc:
                raise DocumentError(f"{source}: the PDF is encrypted ({exc})") from exc
        pages = [_page_lines(page) for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError, AssertionError, ZeroDivisionError) as exc:
        raise DocumentError(f"{source}: not a readable PDF, perhaps truncated or damaged "
                            f"({type(exc).__name__}: {exc})") from exc
    return pages


def _page_lines(page) -> list[PdfLine]:
    fragments: list[tuple[float, str, str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text:
            return
        font = str(font_dict.get("/BaseFont", "")) if font_dict else ""
        y = tm[5] * cm[3] + cm[5] if cm else tm[5]
        size = abs(font_size * (tm[3] or 1) * (cm[3] if cm else 1)) or font_size
        fragments.append((y, text, font, size))

    page.extract_text(visitor_text=visit)

    # Fragments on the same baseline form one line; pypdf yields them in reading order.
    rows: list[list] = []
    for y, text, font, size in fragments:
        if rows and abs(rows[-1][0] - y) < 2:
            rows[-1][1].append(text)
            rows[-1][2].append((font, len(text.strip())))
            rows[-1][3] = max(rows[-1][3], size)
        else:
            rows.append([y, [text], [(font, len(text.strip()))], size])

    lines: list[PdfLine] = []
    spacings = [a[0] - b[0] for a, b in zip(rows, rows[1:]) if 0 < a[0] - b[0] < 40]
    usual = sorted(spacings)[len(spacings) // 2] if spacings else 14.0
    previous_y = None
    for y, texts, fonts, size in rows:
        text = "".join(texts).replace("\n", " ").strip()
        if not text:
            continue
        weight = sum(n for _, n in fonts) or 1
        bold_chars = sum(n for font, n in fonts if "bold" in font.lower())
        gap = previous_y is not None and (previous_y - y) > usual * 1.3
        lines.append(PdfLine(text, bold_chars / weight > 0.6, size, gap))
        previous_y = y
    return lines
