"""CSV that Excel opens right in every language: UTF-8 with a byte order mark,
and the separator the locale expects (";" where the decimal mark is a comma)."""

import csv
import io
from datetime import timezone

from babel.numbers import format_decimal, format_percent, get_decimal_symbol
from flask import Response, stream_with_context
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import numbers, stats
from ..core.access import use_scope
from ..core.clock import FINLAND
from ..core.tables import SMALL, Cell, Table
from ..extensions import db
from ..labels import CATEGORY_WORDS
from ..models import Area, Card, Site, Use, User

BOM = "\ufeff"
SMALL_COUNT = "<5"
WITHHELD = ".."  # hidden too, so that a small count can't be worked out from a total
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
    _l("Holder's first card"),
)


def shown(cell: Cell, for_csv: bool = False) -> str:
    """A figure as people read it in the current language ("<5" when hidden)."""
    locale = get_locale()
    if cell.hidden:
        return SMALL_COUNT if cell.value in SMALL else WITHHELD
    if cell.value is None:  # a share of nothing, or a label the total row leaves out
        return "" if for_csv or cell.kind in ("text", "month", "year") else "–"
    if cell.kind in ("count", "number"):
        return str(cell.value) if for_csv else format_decimal(cell.value, locale=locale)
    if cell.kind in ("share", "change"):
        if for_csv:  # a number Excel reads, in percent (the header says so)
            return format_decimal(round(cell.value * 100, 1), locale=locale, group_separator=False)
        text = format_percent(round(cell.value, 3), locale=locale, decimal_quantization=False)
        return f"+{text}" if cell.kind == "change" and cell.value > 0 else text
    if cell.kind == "month":
        return cell.value.strftime("%Y-%m") if for_csv else format_date(cell.value, "LLLL yyyy")
    return str(cell.value)


def _writer(buffer):
    separator = ";" if get_decimal_symbol(get_locale()) == "," else ","
    return csv.writer(buffer, delimiter=separator, lineterminator="\r\n")


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
            f"{column.label} (%)" if column.kind in ("share", "change") else str(column.label)
            for column in table.columns
        ]
    )
    rows = table.body() + ([table.footer()] if table.total is not None else [])
    for cells in rows:
        writer.writerow([shown(cell, for_csv=True) for cell in cells])
    return buffer.getvalue()


def table_response(table: Table, filename: str) -> Response:
    return _download(table_csv(table), filename)


def uses_csv(user: User, period: stats.Period):
    """Every counted use in ``period``, in lines of CSV, a few thousand rows at a time."""
    sites = dict(db.session.execute(select(Site.id, Site.name)).all())
    site_areas = dict(db.session.execute(select(Site.id, Site.area_id)).all())
    areas = dict(db.session.execute(select(Area.id, Area.name)).all())
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
            Card.number,
        )
        .join(Card, Card.id == Use.first_card_id)
        .where(Use.voided_at.is_(None), Use.day >= period.start, Use.day <= period.end)
        .where(use_scope(user))
        .order_by(Use.day, Use.id)
        .execution_options(yield_per=5000)
    )
    buffer = io.StringIO()
    writer = _writer(buffer)
    writer.writerow([str(label) for label in _USE_COLUMNS])
    yield BOM + buffer.getvalue()
    for partition in db.session.execute(query).partitions():
        buffer.seek(0)
        buffer.truncate()
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
            card,
        ) in partition:
            local = at.replace(tzinfo=timezone.utc).astimezone(FINLAND)
            writer.writerow(
                [
                    day.isoformat(),
                    local.strftime("%H:%M"),
                    sites[venue],
                    areas[site_areas[venue]],
                    CATEGORY_WORDS[category],
                    adults,
                    children,
                    assistant,
                    int(typed),
                    areas[home],
                    sites[site],
                    numbers.display(card),
                ]
            )
        yield buffer.getvalue()


def uses_response(user: User, period: stats.Period, filename: str) -> Response:
    return _download(stream_with_context(uses_csv(user, period)), filename)
