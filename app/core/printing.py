"""Print-ready card stock: credit-card size PDFs (one per page, or A4 sheets of 10
with crop marks) and a CSV of the numbers. The QR is drawn as vector squares."""

import csv
import io

from fpdf import FPDF

from ..models import Card
from . import numbers
from .qr import dark_runs, qr_matrix
from .tokens import card_url

CARD_W, CARD_H = 85.6, 54.0  # ISO/IEC 7810 ID-1, millimetres
A4_W, A4_H = 210.0, 297.0
SHEET_COLUMNS, SHEET_ROWS = 2, 5
LAYOUTS = ("card", "a4")
PROGRAMME = "Kaikukortti"
PERSONAL = "Henkilökohtainen, voimassa rekisteröinnistä vuoden."


def _latin1(text: str) -> str:
    """The PDF core fonts speak Latin-1 (enough for Finnish and Swedish)."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(data)
    module = size / len(matrix)
    for row, column, length in dark_runs(matrix):
        pdf.rect(x + column * module, y + row * module, length * module, module, style="F")


def _draw_card(pdf: FPDF, card: Card, x: float, y: float) -> None:
    qr_size = 44.0
    _draw_qr(
        pdf, card_url(card.number, card.generation), x + 2, y + (CARD_H - qr_size) / 2, qr_size
    )
    left = x + qr_size + 4
    width = CARD_W - qr_size - 6
    pdf.set_xy(left, y + 6)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(width, 6, PROGRAMME)
    pdf.set_xy(left, y + 14)
    pdf.set_font("Helvetica", "", 6.5)
    pdf.cell(width, 3, "Kortin numero / Kortnummer")
    pdf.set_xy(left, y + 18)
    pdf.set_font("Courier", "B", 12.5)
    pdf.cell(width, 6, numbers.display(card.number))
    pdf.set_xy(left, y + 28)
    pdf.set_font("Helvetica", "", 6.5)
    site = card.issuing_site
    help_lines = ["Apua / Hjälp / Help:", site.name, site.contact, PERSONAL]
    pdf.multi_cell(width, 3, align="L", text=_latin1("\n".join(filter(None, help_lines))))


def _crop_marks(pdf: FPDF, left: float, top: float) -> None:
    """Short lines outside the grid where the cutter goes, clear of the cards."""
    length, gap = 5.0, 1.5
    right, bottom = left + SHEET_COLUMNS * CARD_W, top + SHEET_ROWS * CARD_H
    pdf.set_line_width(0.2)
    for column in range(SHEET_COLUMNS + 1):
        x = left + column * CARD_W
        pdf.line(x, top - gap - length, x, top - gap)
        pdf.line(x, bottom + gap, x, bottom + gap + length)
    for row in range(SHEET_ROWS + 1):
        y = top + row * CARD_H
        pdf.line(left - gap - length, y, left - gap, y)
        pdf.line(right + gap, y, right + gap + length, y)


def cards_pdf(cards: list[Card], layout: str = "a4") -> bytes:
    """All the cards as a PDF: ``card`` (one per page, for card printers) or ``a4``."""
    if layout == "card":
        pdf = FPDF(unit="mm", format=(CARD_W, CARD_H))
    else:
        pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title(f"{PROGRAMME} ({len(cards)})")
    pdf.set_fill_color(0, 0, 0)
    per_page = 1 if layout == "card" else SHEET_COLUMNS * SHEET_ROWS
    left = (A4_W - SHEET_COLUMNS * CARD_W) / 2
    top = (A4_H - SHEET_ROWS * CARD_H) / 2
    for index, card in enumerate(cards):
        slot = index % per_page
        if slot == 0:
            pdf.add_page()
            if layout == "a4":
                _crop_marks(pdf, left, top)
        if layout == "card":
            _draw_card(pdf, card, 0, 0)
        else:
            row, column = divmod(slot, SHEET_COLUMNS)
            _draw_card(pdf, card, left + column * CARD_W, top + row * CARD_H)
    return bytes(pdf.output())


def cards_csv(cards: list[Card]) -> str:
    """Number and URL of each card; with a BOM so spreadsheet programs read UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["number", "url", "status", "issuing_site"])
    for card in cards:
        writer.writerow(
            [
                numbers.display(card.number),
                card_url(card.number, card.generation),
                card.status,
                card.issuing_site.slug,
            ]
        )
    return out.getvalue()
