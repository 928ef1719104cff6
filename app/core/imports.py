"""Moving from the old registry: its cards, then their past uses, from CSV exports in
Kaiku's import format (docs/import-format.md; a sample: app/data/sample-export-*.csv).

Every row is checked before anything is written: a file is imported whole or not at all,
unless the caller skips the refused rows (then listed, to fix and import again). Importing
the same file again changes nothing; a newer export updates a card's status, last day and
children, unless Kaiku changed the card since its last import or its holder's data was
removed: then Kaiku's state stays and the report names the conflict.

No name or identity data is ever read: a column Kaiku doesn't import refuses the file.
"""

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    CATEGORIES,
    GENDERS,
    LIFE_SITUATIONS,
    Area,
    Card,
    CardPeriod,
    ImportMapping,
    ImportUpload,
    Municipality,
    Site,
    Use,
    User,
)
from . import access, accounts, audit, cards, legacy, numbers, tallies
from .clock import day_start_utc, local_today, utcnow
from .csv_input import read_rows
from .exceptions import Conflict, InvalidInput, InvalidInputs, NotFound
from .validation import (
    check_all,
    check_birth_year,
    check_choice,
    check_int,
    check_postcode,
    check_text,
    field_name,
)

CARD_COLUMNS = (
    "id",
    "status",
    "registered",
    "valid_until",
    "children",
    "birth_year",
    "postcode",
    "municipality",
    "site",
    "area",
)
CARD_OPTIONAL = ("gender", "life_situation")
USE_COLUMNS = ("date", "card", "venue", "category", "adults", "children")
SITE_COLUMNS = ("slug", "name", "kind", "area")
SITE_OPTIONAL = ("category", "municipality")
COLUMNS = {
    "sites": (SITE_COLUMNS, SITE_OPTIONAL),
    "cards": (CARD_COLUMNS, CARD_OPTIONAL),
    "uses": (USE_COLUMNS, ()),
}
ALL_COLUMNS = tuple(
    dict.fromkeys(
        name for required, optional in COLUMNS.values() for name in (*required, *optional)
    )
)
STATUSES = ("active", "blocked", "expired")  # an expired card is active until its last day
DATA = Path(__file__).resolve().parent.parent / "data"
_CHUNK = 500
REASON = "reason"  # the last column of the refused rows given back: ignored on import
EARLIEST = date(1990, 1, 1)  # no card of the programme is older
LATEST_VALIDITY = timedelta(
    days=10 * 366
)  # how far ahead a card may be valid  # ids per IN (...) list
_FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass
class Mapping:
    """Another export's names: ``columns`` {Kaiku's column: the file's}, ``statuses``
    {the file's word: Kaiku's status}; what is not named is taken as Kaiku's own."""

    columns: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)


@dataclass
class Refused:
    line: int
    id: str
    message: str
    cells: list[str]


@dataclass
class Report:
    """What an import did, or would do (``written`` False)."""

    kind: str  # cards or uses
    header: list[str]
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[Refused] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    written: bool = False

    def refused_csv(self) -> str:
        """The refused rows as they were, with the reason in a last column: to fix and
        import again."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow([*self.header, REASON])
        for row in self.refused:
            writer.writerow([*row.cells, str(row.message)])
        return out.getvalue()


def summary(report: Report) -> list[str]:
    """The report in words, in the current language: what was (or would be) done, then
    each refused row and each conflict with its line and why."""
    counts = dict(
        rows=format_decimal(report.rows),
        added=format_decimal(report.added),
        updated=format_decimal(report.updated),
        unchanged=format_decimal(report.unchanged),
        conflicts=format_decimal(len(report.conflicts)),
        refused=format_decimal(len(report.refused)),
    )
    lines = [
        _(
            "Rows %(rows)s: new %(added)s, updated %(updated)s, unchanged %(unchanged)s, "
            "conflicts %(conflicts)s, refused %(refused)s.",
            **counts,
        )
    ]
    if report.written:
        lines.append(_("Imported.") if report.added or report.updated else _("Nothing to change."))
    elif report.refused and (report.added or report.updated):
        lines.append(_("Nothing was written: fix the refused rows, or import only the valid ones."))
    elif report.refused:
        lines.append(_("Nothing was written: fix the refused rows and check the file again."))
    else:
        lines.append(_("Checked only: nothing was written."))
    for title, found in ((_("Refused"), report.refused), (_("Conflict"), report.conflicts)):
        lines += [
            _(
                "%(what)s, line %(line)s (%(id)s): %(why)s",
                what=title,
                line=row.line,
                id=row.id,
                why=row.message,
            )
            for row in found
        ]
    return lines


# -- mappings ---------------------------------------------------------------------


def check_mapping(columns: dict, statuses: dict) -> Mapping:
    """A mapping's names, lower case; only Kaiku's columns and statuses can be targets."""
    errors = {}
    for ours, theirs in columns.items():
        if ours not in ALL_COLUMNS:
            errors["columns"] = _l("Kaiku has no column %(name)s.", name=ours)
        elif not isinstance(theirs, str) or not theirs.strip() or len(theirs) > 60:
            errors["columns"] = _l("Give the file's name for column %(name)s.", name=ours)
    for theirs, ours in statuses.items():
        if ours not in STATUSES:
            errors["statuses"] = _l(
                "A status word maps to active, blocked or expired, not %(word)s.", word=ours
            )
        elif not theirs.strip() or len(theirs) > 40:
            errors["statuses"] = _l("A status word can't be empty.")
    if errors:
        raise InvalidInputs(errors)
    return Mapping(
        {ours: theirs.strip().lower() for ours, theirs in columns.items() if theirs.strip()},
        {theirs.strip().lower(): ours for theirs, ours in statuses.items()},
    )


def save_mapping(name, mapping: Mapping, actor: User | None = None) -> ImportMapping:
    """Keep a mapping under a name, to use again with the next export (audited)."""
    access.check_national_admin(actor)
    name = check_text("name", name, 60)
    saved = db.session.scalar(select(ImportMapping).where(ImportMapping.name == name))
    if saved is None:
        saved = ImportMapping(name=name)
        db.session.add(saved)
    saved.columns = json.dumps(mapping.columns, sort_keys=True)
    saved.statuses = json.dumps(mapping.statuses, sort_keys=True)
    saved.saved_at = utcnow()
    audit.log(actor, "import_mapping.save", f"import mapping {name}", after=_as_dict(mapping))
    db.session.commit()
    return saved


def saved_mappings() -> list[ImportMapping]:
    return list(db.session.scalars(select(ImportMapping).order_by(ImportMapping.name)))


def load_mapping(name) -> Mapping:
    saved = db.session.scalar(select(ImportMapping).where(ImportMapping.name == name))
    if saved is None:
        raise NotFound(_l("No mapping has this name."), "mapping")
    return mapping_of(saved)


def mapping_of(saved: ImportMapping) -> Mapping:
    return Mapping(json.loads(saved.columns), json.loads(saved.statuses))


def _as_dict(mapping: Mapping) -> dict:
    return {"columns": mapping.columns, "statuses": mapping.statuses}


def any_imported() -> bool:
    """Whether the registry holds cards of the earlier registry (whose IDs may look like
    mistyped Kaiku numbers to the desk's live hint)."""
    return (
        db.session.scalar(select(Card.id).where(Card.legacy_id.is_not(None)).limit(1)) is not None
    )


# -- uploads: a preview, then the import ------------------------------------------

UPLOAD_KEPT = timedelta(days=1)  # an upload not imported by then is deleted
MAX_UPLOAD = 64 * 1024 * 1024  # 100,000 cards are about 7 MB


def keep_upload(kind, filename, data: bytes, mapping_id, actor: User) -> ImportUpload:
    """Keep a file between its preview and its import (each may be answered by another
    server); the admin's earlier uploads go."""
    access.check_national_admin(actor)
    values = check_all(
        kind=lambda: check_choice("kind", kind, tuple(COLUMNS)),
        file=lambda: _upload_data(data),
        mapping=lambda: _mapping_id(mapping_id),
    )
    mapping = db.session.get(ImportMapping, values["mapping"]) if values["mapping"] else None
    # A file with columns Kaiku doesn't import (names, say) is refused before it is kept.
    _check_header(values["kind"], data, mapping_of(mapping) if mapping else None)
    discard_uploads(actor)
    upload = ImportUpload(
        kind=values["kind"],
        filename=(filename or "")[:200],
        data=values["file"],
        mapping_id=values["mapping"],
        uploaded_by_id=actor.id,
    )
    db.session.add(upload)
    db.session.commit()
    return upload


def _upload_data(data: bytes) -> bytes:
    if not data:
        raise InvalidInput(_l("Choose the file to import (CSV)."), "file")
    return data


def _mapping_id(value) -> int | None:
    if value in (None, ""):
        return None
    mapping = db.session.get(ImportMapping, check_int("mapping", value, 1, 2**63 - 1))
    if mapping is None:
        raise NotFound(_l("No mapping has this name."), "mapping")
    return mapping.id


def find_upload(upload_id, actor: User) -> ImportUpload:
    """The admin's own upload, while it is kept."""
    access.check_national_admin(actor)
    upload = db.session.get(ImportUpload, check_int("id", upload_id, 1, 2**63 - 1))
    if upload is None or upload.uploaded_by_id != actor.id:
        raise NotFound(_l("This file is no longer kept: upload it again."))
    return upload


def run_upload(upload: ImportUpload, *, dry_run: bool, skip_invalid: bool = False) -> Report:
    """Check (``dry_run``) or import an uploaded file; once imported, it is deleted."""
    load = LOADERS[upload.kind]
    mapping = mapping_of(upload.mapping) if upload.mapping else None
    actor, data, filename = (
        db.session.get(User, upload.uploaded_by_id),
        upload.data,
        upload.filename,
    )
    try:
        report = load(
            data, mapping, dry_run=dry_run, skip_invalid=skip_invalid, source=filename, actor=actor
        )
    except IntegrityError:  # the same upload imported twice at once: the other one won
        db.session.rollback()
        raise Conflict(_l("This file is being imported already.")) from None
    if report.written:
        discard_uploads(actor)
        db.session.commit()
    return report


def discard_uploads(actor: User) -> None:
    db.session.execute(delete(ImportUpload).where(ImportUpload.uploaded_by_id == actor.id))


def discard_upload(upload: ImportUpload) -> None:
    """An upload its admin decided not to import."""
    db.session.delete(upload)
    db.session.commit()


def sample(kind: str) -> Path:
    """Kaiku's import format by example: made-up cards, or their past uses."""
    return DATA / f"sample-export-{kind}.csv"


def remove_old_uploads() -> int:
    """Files uploaded but never imported, after UPLOAD_KEPT (they hold holders' data)."""
    gone = db.session.execute(
        delete(ImportUpload).where(ImportUpload.uploaded_at < utcnow() - UPLOAD_KEPT)
    ).rowcount
    db.session.commit()
    return gone


# -- reading a file ---------------------------------------------------------------


def _writes(report: Report, dry_run: bool, skip_invalid: bool, anything) -> bool:
    """Whether to go on and write: not a dry run, no refused row (unless skipped), and
    something to write. A valid file with nothing new counts as imported."""
    report.written = not dry_run and not (report.refused and not skip_invalid)
    if not (report.written and anything):
        db.session.rollback()
        return False
    return True


def _columns(kind: str, header: list[str], mapping: Mapping) -> dict[str, int]:
    """Where each of Kaiku's columns is in the file; the file is refused if it lacks a
    required one or has any other (no names or identity data are read, ever)."""
    required, optional = COLUMNS[kind]
    named = {ours: mapping.columns.get(ours, ours) for ours in (*required, *optional)}
    where = {ours: header.index(theirs) for ours, theirs in named.items() if theirs in header}
    missing = [named[ours] for ours in required if ours not in where]
    others = [name for name in header if name not in (*named.values(), REASON)]
    twice = sorted({name for name in header if header.count(name) > 1})
    if missing or others or twice:
        messages = []
        if twice:
            messages.append(_l("The file names a column twice: %(names)s.", names=", ".join(twice)))
        if missing:
            messages.append(_l("The file has no column %(names)s.", names=", ".join(missing)))
        if others:
            messages.append(
                _l(
                    "Kaiku does not import the columns %(names)s: remove them from the file "
                    "(no names or identity data, ever), or map them to Kaiku's columns.",
                    names=", ".join(name or '""' for name in others),
                )
            )
        raise InvalidInput(" ".join(str(message) for message in messages), "file")
    return where


def _check_header(kind: str, data: bytes, mapping: Mapping | None = None) -> None:
    """Refuse a file whose columns are not Kaiku's before anything of it is kept."""
    _columns(kind, read_rows(data)[0], mapping or Mapping())


def _reading(kind: str, data: bytes, mapping: Mapping | None):
    """(report, rows) of a file: each row as (line, cells as read, {Kaiku's column: cell}),
    counted in the report; a row with more cells than the header has columns is refused
    (what would they be?)."""
    header, rows = read_rows(data)
    where = _columns(kind, header, mapping or Mapping())
    report = Report(kind, header)

    def each():
        for line, values in rows:
            report.rows += 1
            cells = {ours: (values[i] if i < len(values) else "") for ours, i in where.items()}
            if any(values[len(header) :]):
                first = cells.get("id") or cells.get("card") or cells.get("slug") or ""
                message = str(_l("The row has more cells than the first line names columns."))
                report.refused.append(Refused(line, first, message, values))
                continue
            yield line, values, cells

    return report, each()


def _day(field_: str, value: str) -> date:
    """A date as 2024-05-31 or 31.5.2024, not in the future."""
    day = None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value)
        elif match := _FINNISH_DATE.fullmatch(value):
            day = date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    if day is None:
        raise InvalidInput(
            _l("%(field)s: give the date as 2024-05-31 or 31.5.2024.", field=field_name(field_)),
            field_,
        )
    if not EARLIEST <= day <= local_today() + LATEST_VALIDITY:
        raise InvalidInput(
            _l(
                "%(field)s: a day from %(first)s to %(last)s.",
                field=field_name(field_),
                first=format_date(EARLIEST),
                last=format_date(local_today() + LATEST_VALIDITY),
            ),
            field_,
        )
    return day


def _not_in_future(field_: str, day: date) -> date:
    if day > local_today():
        raise InvalidInput(
            _l("%(field)s: the day is still to come.", field=field_name(field_)), field_
        )
    return day


def _message(error: InvalidInput | NotFound) -> str:
    """Every mistake a refusal names, as sentences."""
    found = getattr(error, "errors", None) or {error.field: error.message}
    return " ".join(str(message) for message in found.values())


class _Registry:
    """The sites, areas and municipalities a file names, looked up once."""

    def __init__(self):
        sites = db.session.execute(select(Site.id, Site.slug, Site.name, Site.kind)).all()
        self.slugs = {(kind, slug): site_id for site_id, slug, _, kind in sites}
        self.names: dict[tuple, list[int]] = {}  # several sites may share a name
        for site_id, _slug, name, kind in sites:
            self.names.setdefault((kind, name.lower()), []).append(site_id)
        self._kaiku_numbers = None
        self.categories = dict(db.session.execute(select(Site.id, Site.category)).all())
        self.municipality_of_site = dict(
            db.session.execute(select(Site.id, Site.municipality_code)).all()
        )
        self.areas = {
            code.lower(): area_id
            for area_id, code in db.session.execute(select(Area.id, Area.code))
        }
        self.municipalities = {
            name.lower(): code
            for code, name_fi, name_sv in db.session.execute(
                select(Municipality.code, Municipality.name_fi, Municipality.name_sv)
            )
            for name in (code, name_fi, name_sv)
        }

    def site(self, kind: str, value: str) -> int:
        """A site by its slug, or by its name when no other site of the kind has it."""
        field_ = "site" if kind == "issuer" else "venue"
        named = self.names.get((kind, value.lower()), [])
        site_id = self.slugs.get((kind, value.lower())) or (named[0] if len(named) == 1 else None)
        if len(named) > 1 and site_id is None:
            raise InvalidInput(
                _l("Several sites are called %(name)s: give the short name instead.", name=value),
                field_,
            )
        if site_id is None:
            raise InvalidInput(
                _l("No issuing site is called %(name)s: create it first.", name=value)
                if kind == "issuer"
                else _l("No venue is called %(name)s: create it first.", name=value),
                field_,
            )
        return site_id

    def kaiku_numbers(self) -> set[str]:
        """Kaiku's own card numbers (read once, when an ID of their shape comes)."""
        if self._kaiku_numbers is None:
            self._kaiku_numbers = set(
                db.session.scalars(select(Card.number).where(Card.legacy_id.is_(None)))
            )
        return self._kaiku_numbers

    def area(self, value: str) -> int:
        area_id = self.areas.get(value.lower())
        if area_id is None:
            raise InvalidInput(_l("No area has the code %(code)s.", code=value), "area")
        return area_id

    def municipality(self, value: str, site_id: int | None) -> str | None:
        if not value:
            return self.municipality_of_site.get(site_id)
        code = self.municipalities.get(value.lower())
        if code is None:
            raise InvalidInput(
                _l("No municipality is called %(name)s.", name=value), "municipality"
            )
        return code


# -- sites -------------------------------------------------------------------------


def import_sites(
    data: bytes,
    mapping: Mapping | None = None,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source: str = "",
    actor: User | None = None,
) -> Report:
    """The issuing sites and venues the cards and uses files name, before them: each row
    made as `sites create` makes one (audited); a site already there stays as it is."""
    report, rows = _reading("sites", data, mapping)
    existing = set(db.session.scalars(select(Site.slug)))
    for line, values, cells in rows:
        if cells["slug"].lower() in existing:
            report.unchanged += 1
            continue
        try:
            with db.session.begin_nested():
                accounts.create_site(
                    cells["slug"].lower(),
                    cells["name"],
                    area_code=cells["area"],
                    kind=cells["kind"].lower(),
                    category=cells.get("category", "").lower() or None,
                    municipality=cells.get("municipality") or None,
                    actor=actor,
                    commit=False,
                )
        except (InvalidInput, NotFound) as error:
            report.refused.append(Refused(line, cells["slug"], _message(error), values))
            continue
        existing.add(cells["slug"].lower())
        report.added += 1
    if not _writes(report, dry_run, skip_invalid, report.added):
        return report
    db.session.commit()
    return report


# -- cards -------------------------------------------------------------------------


def import_cards(
    data: bytes,
    mapping: Mapping | None = None,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source: str = "",
    actor: User | None = None,
) -> Report:
    """Import (or with ``dry_run`` only check) a cards file; see the module's docstring."""
    mapping = mapping or Mapping()
    (report, rows), registry = _reading("cards", data, mapping), _Registry()
    checked, seen = [], set()
    for line, values, cells in rows:
        try:
            row = _check_card(cells, mapping, registry)
            if row["number"] in seen:
                raise InvalidInputs({"id": _l("The same ID is on an earlier line.")})
            if legacy.confusable(row["number"], registry.kaiku_numbers()):
                raise InvalidInputs(
                    {
                        "id": _l(
                            "One typo of a Kaiku card number would read as this ID: desks "
                            "could take one card for the other."
                        )
                    }
                )
            seen.add(row["number"])
            checked.append((line, values, row))
        except InvalidInputs as error:
            report.refused.append(Refused(line, cells.get("id", ""), _message(error), values))
    existing = _imported_cards([row["number"] for _, _, row in checked])
    new, changed = [], []
    for line, values, row in checked:
        card = existing.get(row["number"])
        if card is None:
            new.append(row)
        elif _state(row) == _state_of(card):
            report.unchanged += 1
        elif (
            card.legacy_id is None
            or card.holder_data_removed_at
            or card.imported_as != _state_of(card)
        ):
            report.conflicts.append(Refused(line, row["legacy_id"], _conflict(card), values))
        else:
            changed.append((card, row))
    report.added, report.updated = len(new), len(changed)
    if not _writes(report, dry_run, skip_invalid, new or changed):
        return report
    _add_cards(new)
    for found, row in changed:
        _update_card(db.session.get(Card, found.id), row, actor)
    audit.log(
        actor,
        "cards.import",
        f"file {source}" if source else "file",
        after={
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "conflicts": len(report.conflicts),
            "refused": len(report.refused),
        },
    )
    db.session.commit()
    _analyse()
    return report


def _analyse() -> None:
    """Tell the query planner about the rows just added: PostgreSQL otherwise takes the
    card table for as small as before and reads all of it for each lookup by number (a
    second import of 100,000 cards took minutes instead of seconds)."""
    for table in ("card", '"use"'):
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()


def _check_card(cells: dict, mapping: Mapping, registry: _Registry) -> dict:
    status_word = cells["status"].lower()
    values = check_all(
        id=lambda: legacy.check_id(cells["id"]),
        status=lambda: check_choice(
            "status", mapping.statuses.get(status_word, status_word), STATUSES
        ),
        registered=lambda: _not_in_future("registered", _day("registered", cells["registered"])),
        valid_until=lambda: _day("valid_until", cells["valid_until"]),
        children=lambda: check_int("children", cells["children"] or 0, 0, 9),
        birth_year=lambda: check_birth_year(cells["birth_year"]),
        postcode=lambda: check_postcode(cells["postcode"]),
        site=lambda: registry.site("issuer", cells["site"]),
        area=lambda: registry.area(cells["area"]),
        gender=lambda: _optional("gender", cells.get("gender"), GENDERS),
        life_situation=lambda: _optional(
            "life_situation", cells.get("life_situation"), LIFE_SITUATIONS
        ),
    )
    values.update(
        check_all(
            municipality=lambda: registry.municipality(cells["municipality"], values["site"]),
            valid_until=lambda: _last_day(values),
        )
    )
    number, printed = values["id"]
    return {
        "number": number,
        "legacy_id": printed,
        "status": "blocked" if values["status"] == "blocked" else "active",
        "valid_from": values["registered"],
        "valid_until": values["valid_until"],
        "children": values["children"],
        "birth_year": values["birth_year"],
        "postcode": values["postcode"],
        "municipality_code": values["municipality"],
        "issuing_site_id": values["site"],
        "home_area_id": values["area"],
        "gender": values["gender"],
        "life_situation": values["life_situation"],
    }


def _optional(field_: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    return check_choice(field_, value.lower(), choices) if value else None


def _last_day(values: dict) -> date:
    last = values["valid_until"]
    if last < values["registered"]:
        raise InvalidInput(
            _l("The card is valid until a day before it was registered."), "valid_until"
        )
    if values["status"] == "expired" and last >= local_today():
        raise InvalidInput(
            _l("The status says expired, but the card is valid until a day still to come."),
            "valid_until",
        )
    return last


def _state(row: dict) -> str:
    """What an import sets and a newer export may change: status, last day, children."""
    return f"{row['status']}|{row['valid_until'].isoformat()}|{row['children']}"


def _state_of(card: Card) -> str:
    return (
        f"{card.status}|{card.valid_until.isoformat() if card.valid_until else ''}|{card.children}"
    )


def _conflict(card: Card) -> str:
    if card.legacy_id is None:
        return str(_l("A Kaiku card has this number."))
    if card.holder_data_removed_at:
        return str(_l("The holder's data was removed in Kaiku: Kaiku's state is kept."))
    return str(_l("Kaiku changed this card since the last import: Kaiku's state is kept."))


_COMPARED = (
    Card.number,
    Card.id,
    Card.legacy_id,
    Card.status,
    Card.valid_until,
    Card.children,
    Card.imported_as,
    Card.holder_data_removed_at,
)


def _imported_cards(numbers_: list[str]) -> dict[str, object]:
    """The cards with these numbers, as plain rows of what an import compares."""
    found = {}
    for start in range(0, len(numbers_), _CHUNK):
        chunk = numbers_[start : start + _CHUNK]
        found.update(
            (row.number, row)
            for row in db.session.execute(select(*_COMPARED).where(Card.number.in_(chunk)))
        )
    return found


def _add_cards(rows: list[dict]) -> None:
    """Many rows at once (Core): 100,000 cards in seconds, not the ORM's minutes."""
    if not rows:
        return
    now = utcnow()
    db.session.execute(
        insert(Card),
        [
            {
                **row,
                "kind": "personal",
                "generation": 1,
                "created_at": now,
                "registered_at": day_start_utc(row["valid_from"]),
                "imported_as": _state(row),
            }
            for row in rows
        ],
    )
    numbers_ = [row["number"] for row in rows]
    for start in range(0, len(numbers_), _CHUNK):
        chunk = numbers_[start : start + _CHUNK]
        new = Card.number.in_(chunk)
        db.session.execute(
            update(Card).where(new).values(first_card_id=Card.id),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            insert(CardPeriod).from_select(
                ["card_id", "valid_from", "valid_until"],
                select(Card.id, Card.valid_from, Card.valid_until).where(new),
            )
        )


def _update_card(card: Card, row: dict, actor: User | None) -> None:
    """A newer export's status, last day and children (audited like any change)."""
    before = cards.snapshot(card)
    if row["status"] != card.status:
        card.blocked_at = utcnow() if row["status"] == "blocked" else None
    card.status, card.children = row["status"], row["children"]
    if row["valid_until"] != card.valid_until:
        if card.periods:
            card.periods[-1].valid_until = row["valid_until"]
        card.valid_until = row["valid_until"]
    card.imported_as = _state(row)
    cards.audit_change(actor, "card.import", card, before)


# -- uses --------------------------------------------------------------------------


def import_uses(
    data: bytes,
    mapping: Mapping | None = None,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source: str = "",
    actor: User | None = None,
) -> Report:
    """Import (or check) past uses: each row one visit (one adult, the children with
    them) on a day, at a venue, by a card already in Kaiku. The statistics are then
    worked out again (tallies.recount)."""
    (report, rows), registry = _reading("uses", data, mapping), _Registry()
    checked, seen = [], set()
    for line, values, cells in rows:
        try:
            row = _check_use(cells, registry)
            visit = (row["card"], row["venue_id"], row["day"])
            if visit in seen:  # one use per card, venue and day (uq_use_per_day)
                raise InvalidInputs(
                    {"date": _l("The same card, venue and day is on an earlier line.")}
                )
        except InvalidInputs as error:
            report.refused.append(Refused(line, cells.get("card", ""), _message(error), values))
            continue
        seen.add(visit)
        # from the cells as written: a venue's category changed later makes no new uses
        key = (*visit, cells["category"].lower(), row["children"])
        checked.append((line, values, row, _nonce(key)))
    holders = _cards_by_key({row["card"] for _, _, row, _ in checked})
    known = _known_nonces([nonce for *_, nonce in checked])
    recorded = _recorded_visits(
        [
            (holders[row["card"]]["id"], row["venue_id"], row["day"])
            for _, _, row, _ in checked
            if row["card"] in holders
        ]
    )
    new = []
    for line, values, row, nonce in checked:
        card = holders.get(row["card"])
        if card is None:
            report.refused.append(
                Refused(
                    line,
                    row["printed"],
                    str(_l("No card has this ID: import the cards first.")),
                    values,
                )
            )
        elif row["day"] < card["valid_from"]:
            report.refused.append(
                Refused(
                    line,
                    row["printed"],
                    str(_l("The day is before the card was registered.")),
                    values,
                )
            )
        elif nonce in known:
            report.unchanged += 1
        elif (card["id"], row["venue_id"], row["day"]) in recorded:
            message = str(
                _l("Kaiku already has this card's use at this venue on this day: it is kept.")
            )
            report.conflicts.append(Refused(line, row["printed"], message, values))
        else:
            new.append(_use_row(row, card, nonce))
    report.added = len(new)
    report.refused.sort(key=lambda refused: refused.line)
    if not _writes(report, dry_run, skip_invalid, new):
        return report
    db.session.execute(insert(Use), new)
    tallies.recount()
    audit.log(
        actor,
        "uses.import",
        f"file {source}" if source else "file",
        after={
            "added": report.added,
            "unchanged": report.unchanged,
            "refused": len(report.refused),
        },
    )
    db.session.commit()
    _analyse()
    return report


def _check_use(cells: dict, registry: _Registry) -> dict:
    values = check_all(
        date=lambda: _not_in_future("date", _day("date", cells["date"])),
        card=lambda: _card_key(cells["card"]),
        venue=lambda: registry.site("venue", cells["venue"]),
        adults=lambda: check_int("adults", cells["adults"] or 1, 1, 1),
        children=lambda: check_int("children", cells["children"] or 0, 0, 9),
    )
    category = check_all(
        category=lambda: check_choice(
            "category",
            cells["category"].lower() or registry.categories.get(values["venue"]),
            CATEGORIES,
        )
    )["category"]
    return {
        "day": values["date"],
        "card": values["card"],
        "printed": cells["card"],
        "venue_id": values["venue"],
        "category": category,
        "children": values["children"],
    }


def _card_key(value: str) -> str:
    """How the card's number or ID is stored (Kaiku's own, or an imported ID)."""
    if numbers.is_valid(value):
        return numbers.normalise(value)
    key = legacy.key(value)
    if key is None:
        raise InvalidInput(_l("This is not a card's number or ID."), "card")
    return key


def _nonce(key: tuple) -> str:
    """The same row imported again finds the use it made (uses' nonces are unique)."""
    text = "|".join(str(part) for part in key)
    return "import:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _cards_by_key(keys: set[str]) -> dict[str, dict]:
    found, keys = {}, list(keys)
    columns = (
        Card.number,
        Card.id,
        Card.home_area_id,
        Card.municipality_code,
        Card.issuing_site_id,
        Card.first_card_id,
        Card.valid_from,
    )
    for start in range(0, len(keys), _CHUNK):
        rows = db.session.execute(
            select(*columns).where(Card.number.in_(keys[start : start + _CHUNK]))
        )
        found.update((row.number, row._asdict()) for row in rows if row.valid_from is not None)
    return found


def _recorded_visits(visits: list[tuple]) -> set[tuple]:
    """Of these (card, venue, day), those with a use already (not undone, no event)."""
    found, cards_ = set(), sorted({card for card, _, _ in visits})
    for start in range(0, len(cards_), _CHUNK):
        rows = db.session.execute(
            select(Use.card_id, Use.venue_id, Use.day).where(
                Use.card_id.in_(cards_[start : start + _CHUNK]),
                Use.voided_at.is_(None),
                Use.event_id.is_(None),
            )
        )
        found.update(tuple(row) for row in rows)
    return found & set(visits)


def _known_nonces(nonces: list[str]) -> set[str]:
    known = set()
    for start in range(0, len(nonces), _CHUNK):
        chunk = nonces[start : start + _CHUNK]
        known.update(db.session.scalars(select(Use.nonce).where(Use.nonce.in_(chunk))))
    return known


def _use_row(row: dict, card: dict, nonce: str) -> dict:
    return {
        "card_id": card["id"],
        "venue_id": row["venue_id"],
        "home_area_id": card["home_area_id"],
        "home_municipality_code": card["municipality_code"],
        "issuing_site_id": card["issuing_site_id"],
        "first_card_id": card["first_card_id"] or card["id"],
        "category": row["category"],
        "kind": "course_place"
        if row["category"] == "education" and not row["children"]
        else "ticket",
        "recorded_at": day_start_utc(row["day"]) + timedelta(hours=12),
        "day": row["day"],
        "late": False,
        "adults": 1,
        "children": row["children"],
        "clients": 0,
        "assistant": 0,
        "typed": False,
        "nonce": nonce,
    }


LOADERS = {"sites": import_sites, "cards": import_cards, "uses": import_uses}
