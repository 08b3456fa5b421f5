"""Invoice PDFs: rendered on demand from a document's frozen ``snapshot`` with fpdf2.

Rendering is deterministic (the same snapshot gives the same bytes), writes no file and never
runs inside the money transaction: the snapshot, taken when the document was issued
(``wallet.invoices``), is all it reads. Names outside Latin-1 render with DejaVu Sans when it
is installed (plus ``DROPYARD_INVOICE_FALLBACK_FONTS``); without it the Latin-1 core font
stands in and unknown characters become "?".
"""

import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from fpdf import FPDF
from fpdf.fonts import CoreFont, FontFace, TTFFont

from dropyard.core.money import Money

from .models import Invoice

logger = logging.getLogger(__name__)
# fontTools logs every font subsetting step at INFO: one render would flood the log.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

DEJAVU_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
FONT_FAMILY = "DejaVu"
CORE_FAMILY = "Helvetica"


def _dejavu() -> tuple[Path, Path] | None:
    for folder in DEJAVU_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def _codepoints(font: CoreFont | TTFFont) -> set[int]:
    """The codepoints a font read from a file can draw (``add_font`` with a path makes a
    ``TTFFont``; a core font has no character map)."""
    if not isinstance(font, TTFFont):
        raise TypeError(f"{font!r} is not a font read from a file")
    return set(font.cmap)


class _InvoicePDF(FPDF):
    """fpdf2 document with a Unicode font when one is installed, else the Latin-1 core font."""

    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self.covered: set[int] | None = None  # codepoints the fonts can draw (None: Latin-1)
        self.text_family = CORE_FAMILY
        found = _dejavu()
        if found is None:
            logger.warning("DejaVu Sans not found: invoices fall back to Latin-1 Helvetica")
            return
        self.add_font(FONT_FAMILY, "", str(found[0]))
        self.add_font(FONT_FAMILY, "B", str(found[1]))
        self.text_family = FONT_FAMILY
        covered = _codepoints(self.fonts["dejavu"]) & _codepoints(self.fonts["dejavuB"])
        fallbacks = []
        for index, path in enumerate(getattr(settings, "DROPYARD_INVOICE_FALLBACK_FONTS", [])):
            if not Path(path).is_file():
                logger.warning("invoice fallback font %s not found", path)
                continue
            name = f"fallback{index}"
            self.add_font(name, "", path)
            covered |= _codepoints(self.fonts[name])
            fallbacks.append(name)
        if fallbacks:
            self.set_fallback_fonts(fallbacks, exact_match=False)
        self.covered = covered

    def safe(self, text: Any) -> str:
        """``text`` with every character no loaded font can draw replaced by "?"."""
        text = str(text if text is not None else "")
        if self.covered is None:
            return text.encode("latin-1", "replace").decode("latin-1")
        return "".join(c if ord(c) in self.covered or c in "\n\t" else "?" for c in text)

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.text_family, "B" if bold else "", size)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8)
        self.set_text_color(110)
        self.cell(0, 5, self.safe(f"Page {self.page_no()}/{{nb}}"), align="R")
        self.set_text_color(0)


def _money(amount_minor: int, currency: str) -> str:
    return Money(int(amount_minor), currency).wire()


def _party(pdf: _InvoicePDF, x: float, y: float, width: float, title: str, rows: list[str]):
    pdf.set_xy(x, y)
    pdf.font(8, bold=True)
    pdf.set_text_color(110)
    pdf.cell(width, 5, pdf.safe(title.upper()), new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(0)
    for index, row in enumerate(rows):
        pdf.set_x(x)
        pdf.font(10, bold=index == 0)
        pdf.multi_cell(width, 5, pdf.safe(row), new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def render_snapshot(snapshot: Mapping[str, Any]) -> bytes:
    """The PDF for one document snapshot. Deterministic: the same snapshot, the same bytes."""
    pdf = _InvoicePDF()
    issued_at = datetime.fromisoformat(snapshot["issued_at"])
    currency = snapshot["currency"]
    pdf.set_creation_date(issued_at)
    pdf.set_title(f"{snapshot['title']} {snapshot['number']}")
    pdf.set_author(snapshot["issuer"]["name"])
    pdf.set_creator("Dropyard")
    pdf.set_producer("Dropyard")
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.epw

    # Heading: kind, number, date.
    pdf.font(20, bold=True)
    pdf.cell(width / 2, 10, pdf.safe(snapshot["title"].upper()))
    pdf.font(10)
    heading = [("Number", snapshot["number"]), ("Date", snapshot["date"])]
    if snapshot.get("original_number"):
        heading.append(("Original invoice", snapshot["original_number"]))
    y = pdf.get_y()
    for label, value in heading:
        pdf.set_xy(pdf.l_margin + width / 2, y)
        pdf.font(10)
        pdf.cell(width / 4, 5, pdf.safe(label), align="R")
        pdf.font(10, bold=True)
        pdf.cell(width / 4, 5, pdf.safe(value), align="R")
        y += 5
    top = max(pdf.get_y() + 12, y + 6)

    # Parties.
    issuer = snapshot["issuer"]
    issuer_rows = [issuer["name"], *issuer.get("address", [])]
    if issuer.get("tax_id"):
        issuer_rows.append(f"Tax ID: {issuer['tax_id']}")
    if issuer.get("email"):
        issuer_rows.append(issuer["email"])
    customer = snapshot["customer"]
    customer_rows = [customer["name"], f"Account {customer['account_number']}"]
    customer_rows += list(customer.get("address") or [])
    if customer.get("tax_id"):
        customer_rows.append(f"Tax ID: {customer['tax_id']}")
    for key in ("contact_name", "email", "phone"):
        if customer.get(key):
            customer_rows.append(customer[key])
    half = width / 2 - 5
    bottom_left = _party(pdf, pdf.l_margin, top, half, "From", issuer_rows)
    bottom_right = _party(pdf, pdf.l_margin + width / 2 + 5, top, half, "Bill to", customer_rows)
    pdf.set_xy(pdf.l_margin, max(bottom_left, bottom_right) + 6)

    # References.
    for ref in snapshot.get("references", []):
        pdf.font(9, bold=True)
        pdf.cell(38, 5, pdf.safe(ref["label"]))
        pdf.font(9)
        pdf.multi_cell(width - 38, 5, pdf.safe(ref["value"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    # Lines.
    heading_style = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    pdf.font(9)
    with pdf.table(
        col_widths=(95, 15, 35, 35),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=heading_style,
        line_height=5.5,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        head = table.row()
        for label in ("Description", "Qty", f"Unit price ({currency})", f"Amount ({currency})"):
            head.cell(pdf.safe(label))
        for line in snapshot.get("lines", []):
            row = table.row()
            row.cell(pdf.safe(line["description"]))
            row.cell(str(line["quantity"]))
            row.cell(_money(line["unit_minor"], currency))
            row.cell(_money(line["amount_minor"], currency))
    pdf.ln(3)

    # Summary and total.
    label_x = pdf.l_margin + width - 95
    for row in snapshot.get("summary", []):
        pdf.set_x(label_x)
        pdf.font(10)
        pdf.cell(60, 6, pdf.safe(row["label"]), align="R")
        pdf.cell(35, 6, _money(row["amount_minor"], currency), align="R", new_x="LMARGIN")
        pdf.ln(6)
    pdf.set_x(label_x)
    pdf.font(12, bold=True)
    pdf.cell(60, 8, pdf.safe(snapshot["total_label"]), align="R")
    total = f"{_money(snapshot['total_minor'], currency)} {currency}"
    pdf.cell(35, 8, total, align="R", new_x="LMARGIN")
    pdf.ln(12)

    pdf.font(9)
    for note in snapshot.get("notes", []):
        pdf.multi_cell(width, 5, pdf.safe(note), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        width,
        5,
        pdf.safe(f"All amounts in {currency}. Issued by {issuer['name']}."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def invoice_pdf(invoice: Invoice) -> bytes:
    """The document's PDF, rendered from its frozen snapshot (see the module docstring)."""
    return render_snapshot(invoice.snapshot)


def invoice_filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"
