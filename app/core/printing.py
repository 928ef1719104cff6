"""Print-ready cards: credit-card size PDFs (one per page, or A4 sheets of 10 with crop
marks), and one card for its holder to print at home. The QR is drawn as vector squares."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from ..models import Card
from .qr import dark_runs, qr_matrix
from .tokens import card_url

CARD_W, CARD_H = 85.6, 54.0  # ISO/IEC 7810 ID-1, millimetres
QR_SIZE = 44.0
TEXT_W = CARD_W - QR_SIZE - 6  # the column right of the QR, with a 1 mm margin either side
A4_W, A4_H = 210.0, 297.0
SHEET_COLUMNS, SHEET_ROWS = 2, 5
LAYOUTS = ("card", "a4")
PROGRAMME = "Kaikukortti"
PERSONAL = "Henkilökohtainen, voimassa rekisteröinnistä vuoden."
HOME_TOP = 30.0  # mm: where the card sits on a page printed at home
HOME_STEPS = (
    _l("Print this page at actual size (100 %), not “fit to page”."),
    _l("Cut the card out along the marks."),
    _l("Show it at the ticket desk: they scan the QR code or type the number."),
    _l(
        "The card is personal. If you lose it, ask the place that gave it to you: the lost "
        "card is blocked and you get a new one."
    ),
)


_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "’": "'", "–": "-", "−": "-", "…": "..."})


def latin1(text: str) -> str:
    """The PDF core fonts speak Latin-1 (enough for Finnish and Swedish; typographic
    quotes and dashes become their plain forms)."""
    return str(text).translate(_TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")


def _draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """One filled path of a rectangle per run of dark modules, in module units that the
    `cm` operator scales and places. fpdf2 has no public call for a path of rectangles;
    a pdf.rect() for each run (about 350 a card) took ten times as long."""
    matrix = qr_matrix(data)
    module = size / len(matrix) * pdf.k  # points
    runs = "\n".join(f"{column} {row} {length} 1 re" for row, column, length in dark_runs(matrix))
    place = f"{module:.4f} 0 0 {-module:.4f} {x * pdf.k:.2f} {(pdf.h - y) * pdf.k:.2f} cm"
    pdf._out(f"q 0 g {place}\n{runs}\nf Q")


def _help_lines(pdf: FPDF, help_line: str) -> list[str]:
    """Where to ask for help, wrapped to the text column: the programme's line, the same on
    every card. Never the issuing site, which would tell each desk which social service
    the holder uses."""
    pdf.set_font("Helvetica", "", 6.5)
    text = latin1("\n".join(["Apua / Hjälp / Help:", help_line, PERSONAL]))
    return pdf.multi_cell(TEXT_W, 3, text=text, dry_run=True, output=MethodReturnValue.LINES)


def _draw_card(pdf: FPDF, card: Card, x: float, y: float, help_lines: list[str]) -> None:
    """The QR on the left; on the right, lines of text placed by their baselines
    (text() takes a tenth of the time of set_xy() and cell())."""
    _draw_qr(
        pdf, card_url(card.number, card.generation), x + 2, y + (CARD_H - QR_SIZE) / 2, QR_SIZE
    )
    left = x + QR_SIZE + 5  # 1 mm into the text column; baselines in mm below the top:
    pdf.set_font("Helvetica", "B", 13)
    pdf.text(left, y + 10.4, PROGRAMME)
    pdf.set_font("Helvetica", "", 6.5)
    pdf.text(left, y + 16.2, "Kortin numero / Kortnummer")
    pdf.set_font("Courier", "B", 12.5)
    pdf.text(left, y + 22.3, card.display_number)
    pdf.set_font("Helvetica", "", 6.5)
    if card.valid_until:  # a registered card says until when (stock can't know)
        until = f"{card.valid_until.day}.{card.valid_until.month}.{card.valid_until.year}"
        pdf.text(left, y + 26.4, f"Voimassa / Giltigt: {until}")
    for line_number, line in enumerate(help_lines):
        pdf.text(left, y + 30.2 + 3 * line_number, line)


def _crop_marks(pdf: FPDF, left: float, top: float, columns=SHEET_COLUMNS, rows=SHEET_ROWS):
    """Short lines outside the grid where the cutter goes, clear of the cards."""
    length, gap = 5.0, 1.5
    right, bottom = left + columns * CARD_W, top + rows * CARD_H
    pdf.set_line_width(0.2)
    for column in range(columns + 1):
        x = left + column * CARD_W
        pdf.line(x, top - gap - length, x, top - gap)
        pdf.line(x, bottom + gap, x, bottom + gap + length)
    for row in range(rows + 1):
        y = top + row * CARD_H
        pdf.line(left - gap - length, y, left - gap, y)
        pdf.line(right + gap, y, right + gap + length, y)


def home_pdf(card: Card) -> bytes:
    """One card for its holder to print at home: on an A4, with crop marks and the steps
    (print at full size, cut, show it) in the request's language below it."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title(PROGRAMME)
    pdf.add_page()
    left = (A4_W - CARD_W) / 2
    _crop_marks(pdf, left, HOME_TOP, columns=1, rows=1)
    _draw_card(pdf, card, left, HOME_TOP, _help_lines(pdf, current_app.config["CARD_HELP"]))
    pdf.set_font("Helvetica", "", 12)
    pdf.set_xy(30, HOME_TOP + CARD_H + 20)
    steps = "\n".join(f"{number}. {step}" for number, step in enumerate(HOME_STEPS, 1))
    pdf.multi_cell(A4_W - 60, 7, text=latin1(steps))
    return bytes(pdf.output())


def cards_pdf(cards: list[Card], layout: str = "a4") -> bytes:
    """All the cards as a PDF: ``card`` (one per page, for card printers) or ``a4``."""
    if layout == "card":
        pdf = FPDF(unit="mm", format=(CARD_W, CARD_H))
    else:
        pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title(f"{PROGRAMME} ({len(cards)})")
    per_page = 1 if layout == "card" else SHEET_COLUMNS * SHEET_ROWS
    left = (A4_W - SHEET_COLUMNS * CARD_W) / 2
    top = (A4_H - SHEET_ROWS * CARD_H) / 2
    for index, card in enumerate(cards):
        slot = index % per_page
        if slot == 0:
            pdf.add_page()
            if index == 0:  # wrapped once, on a page (multi_cell() is slow)
                help_lines = _help_lines(pdf, current_app.config["CARD_HELP"])
            if layout == "a4":
                _crop_marks(pdf, left, top)
        if layout == "card":
            x, y = 0.0, 0.0
        else:
            row, column = divmod(slot, SHEET_COLUMNS)
            x, y = left + column * CARD_W, top + row * CARD_H
        _draw_card(pdf, card, x, y, help_lines)
    return bytes(pdf.output())
