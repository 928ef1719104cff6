"""CSV that Excel opens right in every language: UTF-8 with a byte order mark,
and the separator the locale expects (";" where the decimal mark is a comma)."""

import csv
import hashlib
import hmac
import io
from datetime import date, datetime, timedelta, timezone

import xlsxwriter
from babel.numbers import (
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
)
from flask import Response, current_app, stream_with_context
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import stats
from ..core.access import use_scope
from ..core.clock import FINLAND, day_start_utc
from ..core.tables import Cell, Table
from ..extensions import db
from ..labels import CATEGORY_WORDS
from ..models import Area, Site, Use, User

BOM = "\ufeff"
SMALL_COUNT = "<5"
_USE_COLUMNS = (
    _l("Date"),
    _l("Time"),
    _l("Venue"),
    _l("Venue's area"),
    _l("Category"),
    _l("Adults"),
    _l("Children"),
    _l("Assistant"),
    _l("Number typed"),
    _l("Card's home area"),
    _l("Issuing site"),
    _l("Holder (pseudonym)"),
)


def shown(cell: Cell, for_csv: bool = False) -> str:
    """A figure as people read it in the current language ("<5" when hidden)."""
    locale = get_locale()
    if cell.hidden and cell.kind in ("count", "number"):
        return SMALL_COUNT
    # a share of nothing or of a hidden count, or a label the total row leaves out
    if cell.value is None:
        return "" if for_csv or cell.kind in ("text", "month", "year", "date") else "–"
    if cell.kind in ("count", "number"):
        return str(cell.value) if for_csv else format_decimal(cell.value, locale=locale)
    if cell.kind == "ratio":  # e.g. uses per holder, to one decimal
        return format_decimal(round(cell.value, 1), "0.0", locale=locale)
    if cell.kind in ("share", "change"):
        if for_csv:  # a number Excel reads, in percent (the header says so)
            return format_decimal(round(cell.value * 100, 1), locale=locale, group_separator=False)
        text = format_percent(round(cell.value, 3), locale=locale, decimal_quantization=False)
        # Babel writes a hyphen; Finnish and Swedish write a real minus sign (−25 %).
        text = text.replace("-", get_minus_sign_symbol(locale))
        return (
            f"{get_plus_sign_symbol(locale)}{text}"
            if cell.kind == "change" and cell.value > 0
            else text
        )
    if cell.kind == "month":
        return cell.value.strftime("%Y-%m") if for_csv else format_date(cell.value, "LLLL yyyy")
    if cell.kind == "date":
        return cell.value.isoformat() if for_csv else format_date(cell.value)
    return str(cell.value)


def _separator() -> str:
    return ";" if get_decimal_symbol(get_locale()) == "," else ","


def _writer(buffer):
    return csv.writer(buffer, delimiter=_separator(), lineterminator="\r\n")


def _download(body, filename: str) -> Response:
    """An attachment; Werkzeug marks text/csv as UTF-8."""
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = _writer(buffer)
    writer.writerow(
        [
            f"{column.heading} (%)" if column.kind in ("share", "change") else column.heading
            for column in table.columns
        ]
    )
    rows = table.body() + ([table.footer()] if table.total is not None else [])
    for cells in rows:
        writer.writerow([_csv_cell(cell) for cell in cells])
    return buffer.getvalue()


def _csv_cell(cell: Cell) -> str:
    text = shown(cell, for_csv=True)
    return _inert(text) if cell.kind == "text" else text


def _inert(text: str) -> str:
    """A name a spreadsheet would take for a formula (=, +, -, @) starts with a quote."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def table_response(table: Table, filename: str) -> Response:
    return _download(table_csv(table), filename)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_workbook(table: Table) -> bytes:
    """The table as a spreadsheet to paste into a report: the header row frozen, counts
    and shares as numbers (shares formatted as percent), "<5" where a count is hidden,
    and under a rounded table the note that its parts may not add up."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_sheet_name(str(table.title)))
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True})
    percent = book.add_format({"num_format": "0.0%"})
    formats = {"share": percent, "change": percent, "ratio": book.add_format({"num_format": "0.0"})}
    for column, spec in enumerate(table.columns):
        sheet.write_string(0, column, spec.heading, header)
        sheet.set_column(column, column, 24 if spec.kind == "text" else 14)
    sheet.freeze_panes(1, 0)
    lines = table.body() + ([table.footer()] if table.total is not None else [])
    for row, cells in enumerate(lines, start=1):
        total = table.total is not None and row == len(lines)
        for column, cell in enumerate(cells):
            style = bold if total and column == 0 else formats.get(cell.kind)
            if cell.hidden and cell.kind in ("count", "number"):
                sheet.write_string(row, column, SMALL_COUNT)
            elif cell.value is None:
                sheet.write_blank(row, column, None)
            elif cell.kind in ("count", "number", "year", "share", "change", "ratio"):
                sheet.write_number(row, column, cell.value, style)
            else:  # text (never a formula), months and dates as people read them
                sheet.write_string(row, column, shown(cell), style)
    if table.rounded:
        sheet.write_string(len(lines) + 2, 0, str(ROUNDING_NOTE))
    book.close()
    return buffer.getvalue()


ROUNDING_NOTE = _l(
    "Each figure is rounded to the nearest 5 on its own (a count from 1 to 4 shows as <5), "
    "so the parts may not add up to the totals."
)


def _sheet_name(title: str) -> str:
    """A worksheet's name: at most 31 characters, none of []:*?/\\."""
    return "".join(" " if char in "[]:*?/\\" else char for char in title)[:31]


def workbook_response(table: Table, filename: str) -> Response:
    return Response(
        table_workbook(table),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )


def uses_csv(user: User, period: stats.Period):
    """Every counted use in ``period``, in lines of CSV, a few thousand rows at a time.
    Names are quoted once up front; the rest of a row is numbers, dates and times.
    Holders appear as a keyed hash of their first card: countable, not traceable.
    Rows come as plain tuples (Core, not the ORM's row objects): there may be millions.
    (Flask ended the request's session when the view returned: this is a new one.)"""
    stats.read_only()
    holders = Pseudonyms(current_app.config["SECRET_KEY"])
    offsets = DayOffsets()
    separator = _separator()
    quote = _quoter(separator)
    sites = {id: quote(name) for id, name in db.session.execute(select(Site.id, Site.name))}
    areas = {id: quote(name) for id, name in db.session.execute(select(Area.id, Area.name))}
    venue_areas = {
        id: areas[area] for id, area in db.session.execute(select(Site.id, Site.area_id))
    }
    categories = {key: quote(str(word)) for key, word in CATEGORY_WORDS.items()}
    query = (
        select(
            Use.day,
            Use.recorded_at,
            Use.venue_id,
            Use.category,
            Use.adults,
            Use.children,
            Use.assistant,
            Use.typed,
            Use.home_area_id,
            Use.issuing_site_id,
            Use.first_card_id,
        )
        .where(*stats.counted(period), use_scope(user))
        .order_by(Use.day, Use.id)
        .execution_options(yield_per=5000)
    )
    yield BOM + separator.join(quote(str(label)) for label in _USE_COLUMNS) + "\r\n"
    for partition in db.session.connection().execute(query).partitions():
        lines = []
        for (
            day,
            at,
            venue,
            category,
            adults,
            children,
            assistant,
            typed,
            home,
            site,
            first_card,
        ) in partition:
            local = at + (offsets[day] or _finnish_offset(at))
            fields = (
                day.isoformat(),
                f"{local.hour:02}:{local.minute:02}",
                sites[venue],
                venue_areas[venue],
                categories[category],
                str(adults),
                str(children),
                str(assistant),
                "1" if typed else "0",
                areas[home],
                sites[site],
                holders[first_card],
            )
            lines.append(separator.join(fields))
        yield "\r\n".join(lines) + "\r\n"


class Pseudonyms(dict):
    """A holder's pseudonym in exports: a keyed hash of their first card's id, the
    same in every export of this registry, computed once per holder."""

    def __init__(self, secret: str):
        super().__init__()
        self.key = hashlib.sha256(f"kaiku holder pseudonym {secret}".encode()).digest()

    def __missing__(self, first_card_id: int) -> str:
        pseudonym = hmac.new(self.key, str(first_card_id).encode(), "sha256").hexdigest()[:12]
        self[first_card_id] = pseudonym
        return pseudonym


def _quoter(separator: str):
    """CSV quoting of one field, as csv.writer would do it."""

    def quote(text: str) -> str:
        text = _inert(text)
        if any(special in text for special in (separator, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    return quote


def _finnish_offset(moment_utc: datetime) -> timedelta:
    """How far Finnish clocks are ahead of UTC at a moment (2 or 3 hours)."""
    return FINLAND.utcoffset(moment_utc.replace(tzinfo=timezone.utc).astimezone(FINLAND))


class DayOffsets(dict):
    """Finnish clocks' lead on UTC through a Finnish day, worked out once per day;
    None on the two days a year the clocks change, when each moment decides."""

    def __missing__(self, day: date) -> timedelta | None:
        first = _finnish_offset(day_start_utc(day))
        last = _finnish_offset(day_start_utc(day + timedelta(days=1)) - timedelta(seconds=1))
        self[day] = first if first == last else None
        return self[day]


def uses_response(user: User, period: stats.Period, filename: str) -> Response:
    return _download(stream_with_context(uses_csv(user, period)), filename)
