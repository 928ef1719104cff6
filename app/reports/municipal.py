"""A municipality's own figures for one year, as its coordinator cites them in the
wellbeing report (hyvinvointikertomus): a table beside the year before, a paragraph
that says the same in plain words, and the two as a printable PDF.

Every figure is as published (app/core/tables.py: small counts hidden, the rest
rounded to 5), whoever reads it: the page is made to be quoted.
"""

from dataclasses import dataclass, replace
from datetime import date
from functools import partial

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from sqlalchemy import select

from ..core import municipalities, stats
from ..core.access import Viewer
from ..core.clock import local_today
from ..core.printing import latin1
from ..core.tables import Cell, Column, Table, suppressed
from ..extensions import db
from ..labels import CATEGORY_WORDS
from ..models import CATEGORIES, Municipality, Site
from .export import ROUNDING_NOTE, shown


def years(today: date | None = None) -> list[int]:
    """The years a report may be made for: this one and nine before, latest first."""
    this_year = (today or local_today()).year
    return list(range(this_year, this_year - 10, -1))


def default_year() -> int:
    """Last year: the one a wellbeing report tells of."""
    return local_today().year - 1


@dataclass(frozen=True)
class Line:
    """One figure: the year's, the year before's, and the change."""

    label: object
    now: Cell
    then: Cell
    change: Cell


@dataclass(frozen=True)
class Report:
    municipality: Municipality
    year: int
    lines: dict[str, Line]  # by FIGURES' names

    @property
    def name(self) -> str:
        return municipalities.name(self.municipality)


FIGURES = {  # name: a column of the year's figures; a ratio says of which two
    "holders": Column(_l("Residents with a valid card")),
    "registered": Column(_l("New holders registered")),
    "activated": Column(_l("Of them, have used their card")),
    **{
        category: Column(_l("Residents' uses: %(category)s", category=CATEGORY_WORDS[category]))
        for category in CATEGORIES
    },
    "uses": Column(_l("Residents' uses in all")),
    "children": Column(_l("Uses by the children with them")),
    "per_holder": Column(_l("Uses per resident with a card"), "ratio", of=("uses", "holders")),
    "at_venues": Column(_l("Uses at the municipality's venues, by holders from anywhere")),
    "inhabitants": Column(_l("Inhabitants"), "number"),
    "per_thousand": Column(
        _l("Residents with a valid card per 1,000 inhabitants"),
        "ratio",
        of=("holders", "inhabitants"),
        scale=1000,
    ),
}
POPULATION = ("inhabitants", "per_thousand")  # shown once a population file is loaded


def report(municipality: Municipality, year: int) -> Report:
    """Counted as the municipality's coordinator would count them (its residents' cards
    and uses, and the uses at its venues), whoever asks; then rounded for publishing."""
    viewer = Viewer("municipality", None, None, municipality.code)
    periods = [stats.Period(date(y, 1, 1), date(y, 12, 31)) for y in (year, year - 1)]
    queries = {
        "holders": stats.holders,
        "registrations": stats.registrations,
        "home": stats.home_uses,
        "places": stats.places,
        "population": lambda viewer, period: municipalities.population(period.end.year),
    }
    fetched = stats.at_once(
        **{
            f"{name} {index}": partial(query, viewer, period)
            for index, period in enumerate(periods)
            for name, query in queries.items()
        }
    )
    venues = set(
        db.session.scalars(select(Site.id).where(Site.municipality_code == municipality.code))
    )
    rows = [
        [str(y), *_counts(fetched, index, municipality.code, venues)]
        for index, y in enumerate((year, year - 1))
    ]
    names = list(FIGURES)
    columns = [Column(_l("Year"), "text")] + [
        replace(column, of=tuple(names.index(name) + 1 for name in column.of))
        if column.of
        else column
        for column in FIGURES.values()
    ]
    table = suppressed(Table("municipality", municipality.code, columns, rows))
    known = any(row[names.index("inhabitants") + 1] for row in rows)
    lines = {}
    for column, (name, spec) in enumerate(FIGURES.items(), start=1):
        if name in POPULATION and not known:
            continue
        now, then = table.cell(0, column), table.cell(1, column)
        lines[name] = Line(spec.label, now, then, _change(now, then))
    return Report(municipality, year, lines)


def _counts(fetched: dict, index: int, code: str, venues: set[int]) -> list:
    """One year's figures, in the order of FIGURES."""
    registered = [row for row in fetched[f"registrations {index}"] if row.municipality_code == code]
    home = fetched[f"home {index}"].get(code, {})
    adults = [home[category].adults if category in home else 0 for category in CATEGORIES]
    places = fetched[f"places {index}"]
    return [
        fetched[f"holders {index}"].get(code, 0),
        sum(row.registered for row in registered),
        sum(row.activated for row in registered),
        *adults,
        sum(adults),
        sum(tally.children for tally in home.values()),
        None,  # uses per holder: worked out from the rounded counts
        sum(place.adults for place in places if place.venue_id in venues),
        fetched[f"population {index}"].get(code, (None, None))[1],
        None,  # per 1,000 inhabitants
    ]


def _change(now: Cell, then: Cell) -> Cell:
    """Of the figures as shown: none beside a hidden one (whose cell keeps its exact
    count), or with nothing to compare with."""
    if now.hidden or then.hidden or now.value is None or not then.value:
        return Cell(None, "change")
    return Cell(now.value / then.value - 1, "change")


def _said(line: Line, which: str = "now") -> str:
    """A figure as a sentence says it: "fewer than 5" where the table shows "<5"."""
    cell = getattr(line, which)
    return _("fewer than 5") if cell.hidden else shown(cell)


def summary(report: Report) -> str:
    """The report in plain words, in the reader's language, from the published figures."""
    lines = report.lines
    said = {name: _said(line) for name, line in lines.items()}
    sentences = [
        _(
            "In %(year)s, %(holders)s people whose home municipality is %(name)s had a valid "
            "Kaikukortti (%(earlier)s in %(last_year)s).",
            year=report.year,
            holders=said["holders"],
            name=report.name,
            earlier=_said(lines["holders"], "then"),
            last_year=report.year - 1,
        ),
        _(
            "%(registered)s of them got their card that year, and %(activated)s of those have "
            "used it.",
            registered=said["registered"],
            activated=said["activated"],
        ),
        _(
            "These residents used their cards %(uses)s times: %(culture)s times for culture, "
            "%(education)s for education, %(science)s for science and %(sport)s for sport. "
            "Children came along %(children)s times.",
            **{name: said[name] for name in ("uses", *CATEGORIES, "children")},
        ),
    ]
    if "per_thousand" in lines and lines["per_thousand"].now.value is not None:
        sentences.insert(
            1,
            _(
                "That is %(per_thousand)s per 1,000 inhabitants.",
                per_thousand=said["per_thousand"],
            ),
        )
    if lines["per_holder"].now.value is not None:
        sentences.append(
            _(
                "That is %(per_holder)s uses per resident with a card.",
                per_holder=said["per_holder"],
            )
        )
    if lines["uses"].change.value is not None:
        sentences.append(
            _(
                "Their uses changed by %(change)s from the year before.",
                change=shown(lines["uses"].change),
            )
        )
    sentences.append(
        _(
            "At venues in %(name)s, holders from anywhere used their cards %(at_venues)s times.",
            name=report.name,
            at_venues=said["at_venues"],
        )
    )
    return " ".join(sentences)


def title(report: Report) -> str:
    return _("Kaikukortti in %(name)s, %(year)s", name=report.name, year=report.year)


def report_pdf(report: Report) -> bytes:
    """The summary and the table on an A4, to print or attach to the wellbeing report."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_title(latin1(title(report)))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, text=latin1(title(report)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    made = _("From the Kaiku registry on %(date)s.", date=format_date(local_today(), "long"))
    pdf.multi_cell(0, 5, text=latin1(made), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, text=latin1(summary(report)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    widths = (100, 22, 22, 26)
    header = (_("Figure"), str(report.year), str(report.year - 1), _("Change"))
    pdf.set_font("Helvetica", "B", 10)
    for width, text in zip(widths, header, strict=True):
        pdf.cell(width, 7, text=latin1(text), border="B", align="L" if width == 100 else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for line in report.lines.values():
        cells = (str(line.label), shown(line.now), shown(line.then), shown(line.change))
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 6.5, text=latin1(text), align="L" if width == 100 else "R")
        pdf.ln()
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 8.5)
    pdf.multi_cell(0, 4.5, text=latin1(str(ROUNDING_NOTE)), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
