"""Municipalities and the Kaikukortti networks (areas) they belong to.

The list comes from Statistics Finland's classification: Kaiku ships a small,
labelled part of it (app/data/municipalities.csv) and a national admin loads the
current file, previewing what changes first. A municipality is in a network from
the day it joined; a holder must live in one that is.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Area, Card, Municipality, Population, Site, User
from . import access, audit
from .clock import local_today
from .csv_input import read_rows
from .exceptions import Conflict, InvalidInput, NotFound
from .validation import check_all, check_date, check_int

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"
# Each field and the column names it goes by: Statistics Finland's key files
# (KUNTA, KUNTANIMIFI, ...), its classification service, or plain English.
COLUMNS = {
    "code": ("kunta", "code", "koodi", "kuntakoodi", "kuntanro"),
    "name_fi": ("kuntanimifi", "name_fi", "nimi", "classificationitemname", "name"),
    "name_sv": ("kuntanimisv", "name_sv", "namn", "nimi_sv"),
    "wellbeing_area_fi": ("hyvinvointialuenimifi", "wellbeing_area_fi"),
    "wellbeing_area_sv": ("hyvinvointialuenimisv", "wellbeing_area_sv"),
}
FIELDS = tuple(COLUMNS)
MAX_ERRORS_SHOWN = 10


@dataclass(frozen=True)
class Row:
    code: str
    name_fi: str
    name_sv: str
    wellbeing_area_fi: str | None = None
    wellbeing_area_sv: str | None = None
    # False when the file has no wellbeing area columns: then the registry's stay.
    with_wellbeing_area: bool = True

    def fields(self) -> dict:
        """The columns this row sets."""
        names = FIELDS if self.with_wellbeing_area else FIELDS[:3]
        return {name: getattr(self, name) for name in names}


@dataclass
class Changes:
    """What loading a classification file would do to the registry's list."""

    added: list[Row] = field(default_factory=list)
    changed: list[tuple[Municipality, Row]] = field(default_factory=list)
    unchanged: int = 0
    missing: list[Municipality] = field(default_factory=list)  # kept: cards may refer to them

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed)


def name(municipality: Municipality | None) -> str | None:
    """The municipality's name in the reader's language (Finnish for English)."""
    if municipality is None:
        return None
    swedish = str(get_locale() or "fi") == "sv"
    return municipality.name_sv if swedish else municipality.name_fi


def wellbeing_area(municipality: Municipality) -> str | None:
    swedish = str(get_locale() or "fi") == "sv"
    return (municipality.wellbeing_area_sv if swedish else None) or municipality.wellbeing_area_fi


def check_code(value) -> str:
    """An official code: 1-3 digits, written with three ("91" from a spreadsheet is "091")."""
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and 1 <= len(text) <= 3):
        raise InvalidInput(_l("A municipality code has three digits, e.g. 837."), "municipality")
    return text.zfill(3)


def find(code) -> Municipality:
    municipality = db.session.get(Municipality, check_code(code))
    if municipality is None:
        raise NotFound(_l("No municipality has code %(code)s.", code=code), "municipality")
    return municipality


def in_network(municipality: Municipality, on: date | None = None) -> bool:
    on = on or local_today()
    return municipality.area_id is not None and municipality.joined_on <= on


def in_networks(on: date | None = None) -> list[Municipality]:
    """The municipalities whose residents may hold a card (on a day, today by default)."""
    query = select(Municipality).where(
        Municipality.area_id.is_not(None), Municipality.joined_on <= (on or local_today())
    )
    return sorted(db.session.scalars(query), key=name)


def everyone() -> list[Municipality]:
    return sorted(db.session.scalars(select(Municipality)), key=name)


def optional(code) -> Municipality | None:
    """A municipality a form or command may leave out (blank: none)."""
    if code is None or (isinstance(code, str) and not code.strip()):
        return None
    return find(code)


def home_municipality(code, site: Site | None, on: date | None = None) -> str | None:
    """The holder's home municipality at registration: the one chosen, else the issuing
    site's; it must be in a network. None only when neither is known."""
    municipality = optional(code) or (site.municipality if site else None)
    if municipality is None:
        return None
    if not in_network(municipality, on):
        raise InvalidInput(
            _l(
                "%(name)s is not in a Kaikukortti network: its residents cannot hold a card.",
                name=name(municipality),
            ),
            "municipality",
        )
    return municipality.code


# -- networks ---------------------------------------------------------------------


def join_network(area: Area, code, joined_on, actor: User | None = None) -> Municipality:
    """Add a municipality to a network (area) from a day on."""
    access.check_national_admin(actor)
    values = check_all(
        municipality=lambda: find(code), joined_on=lambda: check_date("joined_on", joined_on)
    )
    municipality = values["municipality"]
    if municipality.area_id not in (None, area.id):
        raise Conflict(
            _l(
                "%(name)s is already in the network %(area)s.",
                name=name(municipality),
                area=municipality.area.name,
            ),
            "municipality",
        )
    before = _membership(municipality)
    municipality.area_id, municipality.joined_on = area.id, values["joined_on"]
    audit.log(
        actor,
        "municipality.join",
        f"municipality {municipality.code}",
        before=before,
        after=_membership(municipality),
        area_id=area.id,
    )
    db.session.commit()
    return municipality


def leave_network(municipality: Municipality, actor: User | None = None) -> Municipality:
    """Take a municipality out of its network: its residents' existing cards stay valid,
    new ones cannot be registered to it."""
    access.check_national_admin(actor)
    before, area_id = _membership(municipality), municipality.area_id
    municipality.area_id = municipality.joined_on = None
    audit.log(
        actor,
        "municipality.leave",
        f"municipality {municipality.code}",
        before=before,
        after=_membership(municipality),
        area_id=area_id,
    )
    db.session.commit()
    return municipality


def _membership(municipality: Municipality) -> dict:
    joined = municipality.joined_on
    return {
        "area": municipality.area.code if municipality.area_id else None,
        "joined_on": joined.isoformat() if joined else None,
    }


def members(area: Area) -> list[Municipality]:
    query = select(Municipality).where(Municipality.area_id == area.id)
    return sorted(db.session.scalars(query), key=name)


# -- loading the classification ---------------------------------------------------


def read_classification(data: bytes) -> list[Row]:
    """The rows of a classification file: CSV in UTF-8 (or Windows-1252), separated by
    semicolons, commas or tabs; lines starting with # are notes. Every bad row is named."""
    header, rows_read = read_rows(data)
    where = {
        name: next((header.index(alias) for alias in aliases if alias in header), None)
        for name, aliases in COLUMNS.items()
    }
    lacking = [name for name in ("code", "name_fi", "name_sv") if where[name] is None]
    if lacking:
        raise InvalidInput(
            _l(
                "The file has no column for %(fields)s. The first line must name the columns: "
                "KUNTA, KUNTANIMIFI and KUNTANIMISV (or code, name_fi and name_sv).",
                fields=", ".join(lacking),
            ),
            "file",
        )
    with_wellbeing_area = where["wellbeing_area_fi"] is not None
    rows, errors, seen = [], [], set()
    for line, values in rows_read:
        cells = {
            name: (values[index] if index is not None and index < len(values) else "")
            for name, index in where.items()
        }
        try:
            code = check_code(cells["code"])
        except InvalidInput as error:
            errors.append(_l("Line %(line)d: %(error)s", line=line, error=error.message))
            continue
        if code in seen:
            errors.append(_l("Line %(line)d: code %(code)s again.", line=line, code=code))
            continue
        if not cells["name_fi"] or not cells["name_sv"] or len(cells["name_fi"]) > 80:
            errors.append(_l("Line %(line)d: a Finnish and a Swedish name.", line=line))
            continue
        seen.add(code)
        rows.append(
            Row(
                code,
                cells["name_fi"],
                cells["name_sv"][:80],
                cells["wellbeing_area_fi"][:120] or None,
                cells["wellbeing_area_sv"][:120] or None,
                with_wellbeing_area,
            )
        )
    _refuse_if(errors)
    return rows


def _refuse_if(errors: list) -> None:
    """Refuse a file with bad lines, naming the first few."""
    if errors:
        shown = "; ".join(str(error) for error in errors[:MAX_ERRORS_SHOWN])
        more = len(errors) - MAX_ERRORS_SHOWN
        if more > 0:
            shown += " " + str(_l("(and %(count)d more)", count=more))
        raise InvalidInput(_l("Nothing was loaded. %(errors)s", errors=shown), "file")


def compare(rows: list[Row]) -> Changes:
    known = {municipality.code: municipality for municipality in everyone()}
    changes = Changes()
    for row in rows:
        municipality = known.pop(row.code, None)
        if municipality is None:
            changes.added.append(row)
        elif differences(municipality, row):
            changes.changed.append((municipality, row))
        else:
            changes.unchanged += 1
    changes.missing = sorted(known.values(), key=name)
    return changes


def differences(municipality: Municipality, row: Row) -> list[tuple[str, str | None, str | None]]:
    """(column, now, in the file) for each column the row would change."""
    return [
        (column, getattr(municipality, column), value)
        for column, value in row.fields().items()
        if getattr(municipality, column) != value
    ]


def load_classification(data: bytes, actor: User | None = None) -> Changes:
    """Add the file's new municipalities and update changed names; networks stay as
    they are, and a municipality missing from the file is kept."""
    access.check_national_admin(actor)
    changes = compare(read_classification(data))
    for row in changes.added:
        db.session.add(Municipality(**row.fields()))
    for municipality, row in changes.changed:
        for column, value in row.fields().items():
            setattr(municipality, column, value)
    if changes.any:
        audit.log(
            actor,
            "municipalities.load",
            "municipalities",
            after={
                "added": [row.code for row in changes.added],
                "changed": [municipality.code for municipality, _ in changes.changed],
            },
        )
    db.session.commit()
    return changes


# -- population ---------------------------------------------------------------------

POPULATION_COLUMNS = {
    "code": COLUMNS["code"],
    "inhabitants": ("population", "inhabitants", "väkiluku", "asukasluku", "folkmängd"),
    "year": ("year", "vuosi", "år"),
}
MAX_INHABITANTS = 10_000_000


def read_population(data: bytes) -> list[tuple[str, int, int]]:
    """(code, year, inhabitants) of each row of a population file (code; population;
    year): the municipality must be on the list, the year from 1990 to next year."""
    header, rows_read = read_rows(data)
    where = {
        name: next((header.index(alias) for alias in aliases if alias in header), None)
        for name, aliases in POPULATION_COLUMNS.items()
    }
    if None in where.values():
        raise InvalidInput(
            _l("The first line must name the columns: code, population and year."), "file"
        )
    known = {municipality.code for municipality in everyone()}
    rows, errors, seen = [], [], set()
    for line, values in rows_read:
        cells = {
            name: values[index] if index < len(values) else "" for name, index in where.items()
        }
        try:
            code = check_code(cells["code"])
            year = check_int("year", cells["year"], 1990, local_today().year + 1)
            inhabitants = check_int(
                "population", cells["inhabitants"].replace(" ", ""), 1, MAX_INHABITANTS
            )
        except InvalidInput as error:
            errors.append(_l("Line %(line)d: %(error)s", line=line, error=error.message))
            continue
        if code not in known:
            errors.append(
                _l("Line %(line)d: no municipality has code %(code)s.", line=line, code=code)
            )
        elif (code, year) in seen:
            errors.append(
                _l("Line %(line)d: %(code)s in %(year)d again.", line=line, code=code, year=year)
            )
        else:
            seen.add((code, year))
            rows.append((code, year, inhabitants))
    _refuse_if(errors)
    return rows


def load_population(data: bytes, actor: User | None = None) -> list[tuple[str, int, int]]:
    """Keep the file's figures, replacing those already kept for the same municipality
    and year (a corrected file loads again)."""
    access.check_national_admin(actor)
    rows = read_population(data)
    for code, year, inhabitants in rows:
        db.session.merge(Population(municipality_code=code, year=year, inhabitants=inhabitants))
    audit.log(
        actor,
        "population.load",
        "municipalities",
        after={"years": sorted({year for _, year, _ in rows}), "municipalities": len(rows)},
    )
    db.session.commit()
    return rows


def population(year: int) -> dict[str, tuple[int, int]]:
    """Each municipality's inhabitants in ``year``, or in the latest year before it that
    is known: {code: (year, inhabitants)}."""
    latest = (
        select(Population.municipality_code, func.max(Population.year).label("year"))
        .where(Population.year <= year)
        .group_by(Population.municipality_code)
        .subquery()
    )
    rows = db.session.execute(
        select(Population.municipality_code, Population.year, Population.inhabitants).join(
            latest,
            (latest.c.municipality_code == Population.municipality_code)
            & (latest.c.year == Population.year),
        )
    )
    return {code: (year, inhabitants) for code, year, inhabitants in rows}


def load_shipped() -> int:
    """A new registry's first list: the shipped file, when there is none yet."""
    if db.session.scalar(select(Municipality.code).limit(1)) is not None:
        return 0
    return len(load_classification(SHIPPED.read_bytes()).added)


# -- sites and cards ----------------------------------------------------------------


def fill_cards_from_sites(actor: User | None = None) -> int:
    """Give each registered card without a home municipality its issuing site's
    (after an upgrade, once a national admin has given sites theirs)."""
    site_municipality = (
        select(Site.municipality_code).where(Site.id == Card.issuing_site_id).scalar_subquery()
    )
    sites_with_one = select(Site.id).where(Site.municipality_code.is_not(None))
    filled = db.session.execute(
        update(Card)
        .where(
            Card.municipality_code.is_(None),
            Card.status != "unregistered",
            Card.issuing_site_id.in_(sites_with_one),
        )
        .values(municipality_code=site_municipality)
        .execution_options(synchronize_session=False)
    ).rowcount
    if filled:
        audit.log(actor, "cards.fill_municipalities", "cards", after={"cards": filled})
    db.session.commit()
    return filled
