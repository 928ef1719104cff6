"""Flask CLI: `flask --app wsgi ...`. Thin: parse, call the domain, print."""

import json
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import click
from alembic.util import CommandError
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import func, select

from . import database
from .core import (
    accounts,
    audit,
    cards,
    checkin,
    imports,
    municipalities,
    second_factor,
    tallies,
    wellbeing,
)
from .core.exceptions import CardNotUsable, KaikuError
from .core.printing import LAYOUTS, cards_pdf
from .core.tokens import card_url
from .database import BackupRefused, SchemaMismatch
from .demo import seed_demo
from .demo_history import seed_history
from .extensions import db
from .models import CARD_KINDS, CATEGORIES, ROLES, SITE_KINDS, USE_KINDS, Use

areas_cli = AppGroup("areas", help="Regional networks of sites.")
sites_cli = AppGroup("sites", help="Issuing sites and venues.")
users_cli = AppGroup("users", help="Staff accounts.")
api_keys_cli = AppGroup("api-keys", help="Keys for the JSON API.")
events_cli = AppGroup("events", help="A venue's events.")
cards_cli = AppGroup("cards", help="Card stock, registration, blocking, checks.")
uses_cli = AppGroup("uses", help="Record and undo uses at a venue.")
wellbeing_cli = AppGroup("wellbeing", help="The wellbeing questions' answers.")
municipalities_cli = AppGroup(
    "municipalities", help="Municipalities and the networks (areas) they belong to."
)


def _run(action, *args, **kwargs):
    """Call the domain; a refusal exits 1 with its message instead of a traceback."""
    try:
        return action(*args, **kwargs)
    except CardNotUsable as refusal:
        db.session.rollback()
        raise click.ClickException(f"{refusal.verdict.status}: {refusal.message}") from None
    except KaikuError as error:
        db.session.rollback()
        found = getattr(error, "errors", None) or {error.field: error.message}
        lines = [
            f"{message} ({field})" if field else str(message) for field, message in found.items()
        ]
        raise click.ClickException("\n".join(lines)) from None


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database, or upgrade it to the newest revision (safe to run again)."""
    try:
        database.upgrade()
    except (SchemaMismatch, CommandError) as error:  # CommandError: a revision this code lacks
        raise click.ClickException(str(error)) from None
    click.echo(f"Database ready at revision {database.newest_revision()}: {database.engine_url()}")
    loaded = municipalities.load_shipped()
    if loaded:
        click.echo(f"Municipalities: {loaded} loaded from {municipalities.SHIPPED.name}.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Write a consistent copy of the SQLite registry to PATH while desks keep recording
    (on PostgreSQL it says the pg_dump command instead)."""
    try:
        held = database.backup(path)
    except BackupRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(
        f"Backed up {database.engine_url()} to {path}: revision {held['revision']}, "
        f"{held['cards']:,} cards, {held['uses']:,} uses."
    )


@areas_cli.command("create")
@click.argument("code")
@click.argument("name")
def create_area(code, name):
    area = _run(accounts.create_area, code, name)
    click.echo(f"Created area {area.code}: {area.name}")


@sites_cli.command("create")
@click.argument("slug")
@click.argument("name")
@click.option("--area", "area_code", required=True, help="Area code.")
@click.option("--kind", required=True, type=click.Choice(SITE_KINDS))
@click.option("--category", type=click.Choice(CATEGORIES), help="A venue's default category.")
@click.option("--municipality", help="The site's municipality (official code, e.g. 837).")
def create_site(slug, name, area_code, kind, category, municipality):
    site = _run(
        accounts.create_site,
        slug,
        name,
        area_code=area_code,
        kind=kind,
        category=category,
        municipality=municipality,
    )
    extra = f", category {site.category}" if site.category else ""
    extra += f", municipality {site.municipality_code}" if site.municipality_code else ""
    click.echo(f"Created {site.kind} {site.slug}: {site.name} (area {site.area.code}{extra})")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--site", "site_slug", help="The user's site (issuer or venue).")
@click.option("--area", "area_code", help="An area's admin: the area's code.")
@click.option("--municipality", "municipality_code", help="A municipality's coordinator: its code.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email, role, site_slug, area_code, municipality_code, password_stdin):
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _run(
        accounts.create_user,
        email,
        role=role,
        password=password,
        site_slug=site_slug,
        area_code=area_code,
        municipality_code=municipality_code,
    )
    place = (
        user.site.slug if user.site else user.municipality_code or (user.area and user.area.code)
    )
    where = f" at {place}" if place else ""
    click.echo(f"Created {user.role} user {user.email}{where}")


@users_cli.command("totp")
@click.argument("email")
def reset_second_factor(email):
    """Set up (or set up again) the user's two-step verification: prints the otpauth://
    URI for their authenticator app and new recovery codes. Their sessions end."""
    user = _run(accounts.find_user, email)
    secret, recovery = _run(second_factor.reset, user)
    click.echo(f"Two-step verification is on for {user.email}. Add it to their app:")
    click.echo(second_factor.setup_uri(user, secret))
    click.echo(f"(or type the key: {second_factor.grouped(secret)})")
    click.echo("Recovery codes, each works once (the old ones no longer work):")
    for code in recovery:
        click.echo(f"  {code}")


@api_keys_cli.command("create")
@click.argument("site_slug")
def create_api_key(site_slug):
    key, raw = _run(accounts.create_api_key, site_slug)
    click.echo(f"API key {key.id} for {key.site.slug} (shown only now, keep it safe):")
    click.echo(raw)


@events_cli.command("create")
@click.argument("venue_slug")
@click.argument("name")
@click.option("--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--quota", type=int, help="Free tickets for the event (adults and children).")
@click.option("--offline-quota", type=int, help="Free tickets one desk device may give offline.")
def create_event(venue_slug, name, day, quota, offline_quota):
    event = _run(
        accounts.create_event,
        venue_slug,
        name,
        date=day.date(),
        quota=quota,
        offline_quota=offline_quota,
    )
    click.echo(event.id)


@cards_cli.command("issue")
@click.option("--area", "area_code", required=True, help="Home area code.")
@click.option("--site", "site_slug", required=True, help="Issuing site.")
@click.option("--count", required=True, type=int)
@click.option("--json", "as_json", is_flag=True, help='Print [{"number", "url"}].')
@click.option(
    "--pdf",
    "pdf_file",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the cards, print-ready, to this PDF file.",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="a4",
    show_default=True,
    help="a4: sheets of 10 with crop marks; card: one card a page.",
)
def issue_cards(area_code, site_slug, count, as_json, pdf_file, layout):
    """Unregistered card stock, to be printed and handed to an issuer."""
    issued = _run(
        lambda: cards.issue_cards(
            accounts.find_area(area_code), accounts.find_site(site_slug), count
        )
    )
    if pdf_file:
        with open(pdf_file, "wb") as pdf:
            pdf.write(cards_pdf(issued, layout))
        click.echo(f"Wrote {len(issued)} cards ({layout}) to {pdf_file}", err=as_json)
    rows = [{"number": c.display_number, "url": card_url(c.number, c.generation)} for c in issued]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(f"Issued {len(rows)} cards for {site_slug}:")
    for row in rows:
        click.echo(f"{row['number']}  {row['url']}")


@cards_cli.command("register")
@click.argument("number")
@click.option("--birth-year", type=int, help="A personal card's holder's (required for one).")
@click.option("--postcode", help="A personal card's holder's (required for one).")
@click.option("--children", type=int, default=0, show_default=True)
@click.option("--kind", default="personal", show_default=True, type=click.Choice(CARD_KINDS))
@click.option("--organisation", help="A community card's organisation (required for one).")
@click.option(
    "--client-cap", type=int, help="A community card's clients under 16 on one visit (10)."
)
@click.option("--valid-days", type=int, help="Days of validity (default: a calendar year).")
@click.option(
    "--municipality",
    help="The holder's home municipality (official code; default: the issuing site's).",
)
def register_card(
    number,
    birth_year,
    postcode,
    children,
    kind,
    organisation,
    client_cap,
    valid_days,
    municipality,
):
    card = _run(
        lambda **values: cards.register_card(checkin.find_card(number), **values),
        birth_year=birth_year,
        postcode=postcode,
        children=children,
        kind=kind,
        organisation=organisation,
        client_cap=client_cap,
        valid_days=valid_days,
        municipality=municipality,
    )
    home = f", home municipality {card.municipality_code}" if card.municipality_code else ""
    click.echo(f"Registered {card.display_number}, valid until {card.valid_until}{home}")


@cards_cli.command("fill-municipalities")
def fill_municipalities():
    """Give each registered card without a home municipality its issuing site's (once
    sites have theirs, after an upgrade)."""
    filled = _run(municipalities.fill_cards_from_sites)
    click.echo(f"Cards given their issuing site's municipality: {filled:,}.")


@municipalities_cli.command("load")
@click.argument("path", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Only say what would change.")
def load_municipalities(path, dry_run):
    """Load Statistics Finland's classification of municipalities (CSV): new ones are
    added, changed names updated; networks stay as they are."""
    data = path.read()
    changes = _run(
        lambda: (
            municipalities.compare(municipalities.read_classification(data))
            if dry_run
            else municipalities.load_classification(data)
        )
    )
    verb = "Would add" if dry_run else "Added"
    click.echo(
        f"{verb} {len(changes.added)}, {'would change' if dry_run else 'changed'} "
        f"{len(changes.changed)}, unchanged {changes.unchanged}."
    )
    for row in changes.added:
        click.echo(f"  + {row.code} {row.name_fi} / {row.name_sv}")
    for municipality, row in changes.changed:
        click.echo(f"  ~ {row.code} {municipality.name_fi} -> {row.name_fi} / {row.name_sv}")
    for municipality in changes.missing:
        click.echo(f"  ? {municipality.code} {municipality.name_fi}: not in the file, kept")


@municipalities_cli.command("population")
@click.argument("path", type=click.File("rb"))
def load_population(path):
    """Load municipalities' populations (CSV: code; population; year), for figures per
    1,000 inhabitants; a municipality's figure for a year already loaded is replaced."""
    rows = _run(municipalities.load_population, path.read())
    years = ", ".join(str(year) for year in sorted({year for _, year, _ in rows}))
    click.echo(f"Loaded the population of {len(rows):,} municipality-years ({years}).")


@municipalities_cli.command("join")
@click.argument("code")
@click.option("--area", "area_code", required=True, help="The network's area code.")
@click.option("--joined", required=True, help="The day it joined (YYYY-MM-DD).")
def join_network(code, area_code, joined):
    """Add a municipality to a network: its residents may hold a card from that day."""
    municipality = _run(
        lambda: municipalities.join_network(accounts.find_area(area_code), code, joined)
    )
    click.echo(
        f"{municipality.code} {municipality.name_fi} is in {municipality.area.code} "
        f"from {municipality.joined_on}"
    )


@municipalities_cli.command("leave")
@click.argument("code")
def leave_network(code):
    """Take a municipality out of its network (cards already registered stay valid)."""
    municipality = _run(lambda: municipalities.leave_network(municipalities.find(code)))
    click.echo(f"{municipality.code} {municipality.name_fi} is in no network")


@municipalities_cli.command("list")
def list_municipalities():
    """Every municipality: code, names, network and the day it joined."""
    for municipality in municipalities.everyone():
        network = (
            f"{municipality.area.code} from {municipality.joined_on}"
            if municipality.area_id
            else "no network"
        )
        click.echo(
            f"{municipality.code}  {municipality.name_fi} / {municipality.name_sv}  ({network})"
        )


def _import_options(command):
    """What `cards import` and `uses import` share."""
    options = [
        click.argument("path", type=click.Path(exists=True, dir_okay=False)),
        click.option("--dry-run", is_flag=True, help="Check every row; write nothing."),
        click.option(
            "--skip-invalid",
            is_flag=True,
            help="Import the valid rows; write the refused ones to PATH.refused.csv.",
        ),
        click.option("--mapping", "mapping_name", help="A saved mapping of the file's names."),
        click.option(
            "--column",
            "columns",
            multiple=True,
            metavar="KAIKU=THEIRS",
            help="The file's name for one of Kaiku's columns (repeatable).",
        ),
        click.option(
            "--status",
            "statuses",
            multiple=True,
            metavar="THEIRS=KAIKU",
            help="A status word of the file: active, blocked or expired (repeatable).",
        ),
        click.option("--save-mapping", help="Save the mapping given under this name."),
        click.option(
            "--language",
            type=click.Choice(["fi", "sv", "en"]),
            default="fi",
            show_default=True,
            help="The report's language.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _import(
    load, path, dry_run, skip_invalid, mapping_name, columns, statuses, save_mapping, language
):
    def pairs(given):
        found = {}
        for pair in given:
            left, equals, right = pair.partition("=")
            if not equals:
                raise click.BadParameter(f"{pair}: write it as NAME=VALUE")
            found[left.strip()] = right.strip()
        return found

    with force_locale(language):

        def run():
            mapping = imports.load_mapping(mapping_name) if mapping_name else imports.Mapping()
            given = imports.check_mapping(pairs(columns), pairs(statuses))
            mapping.columns.update(given.columns)
            mapping.statuses.update(given.statuses)
            if save_mapping:
                imports.save_mapping(save_mapping, mapping)
            with open(path, "rb") as file:
                data = file.read()
            return load(
                data, mapping, dry_run=dry_run, skip_invalid=skip_invalid, source=Path(path).name
            )

        report = _run(run)
        for line in imports.summary(report):
            click.echo(line)
        if report.refused and skip_invalid and not dry_run:
            refused = Path(f"{path}.refused.csv")
            refused.write_text(report.refused_csv(), encoding="utf-8")
            click.echo(f"{refused}")
    if report.refused and not report.written and not dry_run:
        sys.exit(1)


@cards_cli.command("import")
@_import_options
def import_cards(**options):
    """Import cards from the old registry's export (Kaiku's import format, or mapped)."""
    _import(imports.import_cards, **options)


@sites_cli.command("import")
@_import_options
def import_sites(**options):
    """Create the sites and venues an export names (slug, name, kind, area, category,
    municipality); those already there stay as they are."""
    _import(imports.import_sites, **options)


@uses_cli.command("import")
@_import_options
def import_uses(**options):
    """Import past uses (date, card, venue, category, adults, children) of cards in Kaiku."""
    _import(imports.import_uses, **options)


@cards_cli.command("block")
@click.argument("number")
def block_card(number):
    card = _run(lambda: cards.block_card(checkin.find_card(number)))
    click.echo(f"Blocked {card.display_number}")


@cards_cli.command("unblock")
@click.argument("number")
def unblock_card(number):
    """A card blocked by mistake works again (not one replaced or with its data removed)."""
    card = _run(lambda: cards.unblock_card(checkin.find_card(number)))
    click.echo(f"Unblocked {card.display_number}")


@cards_cli.command("new-code")
@click.argument("number")
def new_code(number):
    """Retire the card's QR code and print the new one."""
    card = _run(lambda: cards.new_code(checkin.find_card(number)))
    click.echo(f"New code for {card.display_number}: {card_url(card.number, card.generation)}")


@cards_cli.command("show")
@click.argument("number")
def show_card(number):
    card = _run(checkin.find_card, number)
    uses = db.session.scalar(
        select(func.count()).select_from(Use).where(Use.card_id == card.id, Use.voided_at.is_(None))
    )
    fields = {
        "number": card.display_number,
        "status": card.status,
        "kind": card.kind,
        "home area": card.home_area.code,
        "issuing site": card.issuing_site.slug,
        "valid": f"{card.valid_from or '-'} .. {card.valid_until or '-'}",
        "children": card.children,
        "birth year": card.birth_year or "-",
        "postcode": card.postcode or "-",
        "uses": uses,
        "url": card_url(card.number, card.generation),
    }
    for label, value in fields.items():
        click.echo(f"{label + ':':14}{value}")


@cards_cli.command("check")
@click.argument("code")
@click.option("--venue", "venue_slug", required=True)
@click.option("--event", "event_id", type=int)
def check_card(code, venue_slug, event_id):
    """Validate a code (URL, token or card number) at a venue, as a desk would."""
    verdict = _run(lambda: checkin.check_code(code, accounts.find_venue(venue_slug), event_id))
    click.echo(f"status: {verdict.status}")
    click.echo(verdict.message())
    if verdict.allowance:
        a = verdict.allowance
        click.echo(f"allowance: adults {a.adults}, children {a.children}, assistant {a.assistant}")


@uses_cli.command("record")
@click.argument("code")
@click.option("--venue", "venue_slug", required=True)
@click.option("--children", default=0, type=int)
@click.option("--clients", default=0, type=int, help="A community card's clients under 16.")
@click.option("--assistant", is_flag=True)
@click.option("--event", "event_id", type=int)
@click.option("--kind", type=click.Choice(USE_KINDS), help="Default: the venue's.")
@click.option("--nonce", default=lambda: uuid.uuid4().hex, help="Retry key (default: new).")
def record_use(code, venue_slug, children, clients, assistant, event_id, kind, nonce):
    use, created = _run(
        lambda: checkin.record_use(
            code,
            accounts.find_venue(venue_slug),
            nonce=nonce,
            children=children,
            clients=clients,
            assistant=assistant,
            event_id=event_id,
            kind=kind,
        )
    )
    click.echo(f"{'Recorded' if created else 'Already recorded'} use {use.id}")


@uses_cli.command("undo")
@click.argument("use_id", type=int)
@click.option("--venue", "venue_slug", required=True)
def undo_use(use_id, venue_slug):
    use = _run(lambda: checkin.void_use(use_id, accounts.find_venue(venue_slug)))
    click.echo(f"Undid use {use.id}")


@wellbeing_cli.command("answers")
@click.argument("number")
@click.option("--language", default="fi", show_default=True, type=click.Choice(["fi", "sv", "en"]))
def holders_answers(number, language):
    """A holder's own answers at their first registration, for the controller to give to
    the holder who asked to see their data (audited). Nobody else sees answers per person."""
    card = _run(checkin.find_card, number)
    found = wellbeing.answers_of(card)
    audit.log(None, "card.wellbeing_answers", f"card {card.display_number}")
    db.session.commit()
    if not found:
        click.echo("No answers lead to this card's holder.")
    for question, option in found:
        click.echo(f"{question.text(language)}\t{option.text(language)}")


@click.command("seed-demo")
@click.option(
    "--size",
    type=click.Choice(["small", "large"]),
    default="small",
    show_default=True,
    help="large adds 5 years of history: 100,000 cards and 1,000,000 uses at 500 venues.",
)
@with_appcontext
def seed_demo_command(size):
    """Load demo areas, sites, logins, an event and cards (once)."""
    for line in seed_demo():
        click.echo(line)
    if size == "large":
        if db.session.scalar(select(func.count()).select_from(Use)) > 100_000:
            click.echo("History already loaded.")
            return
        click.echo("Adding 5 years of history (a few minutes)...")
        for line in seed_history():
            click.echo(line)


@click.command("recount-statistics")
@with_appcontext
def recount_statistics_command():
    """Work the statistics' monthly totals and holders' first uses out again from every
    use (after a bulk import, say); desks wait the few seconds it takes."""
    uses = tallies.recount()
    db.session.commit()
    click.echo(f"Uses counted: {uses:,}. Monthly totals and holders' first uses are up to date.")


@click.command("apply-retention")
@with_appcontext
def apply_retention_command():
    """Delete what the retention rules no longer keep (schedule it, e.g. daily): the
    holder's data of cards expired over REGISTRATION_RETENTION_DAYS ago, files uploaded
    to import but not imported within a day, and audit entries older than
    AUDIT_RETENTION_DAYS."""
    expired_days = current_app.config["REGISTRATION_RETENTION_DAYS"]
    cleared = cards.remove_expired_holder_data(timedelta(days=expired_days))
    click.echo(f"Cards expired over {expired_days} days ago, holder data removed: {cleared:,}.")
    click.echo(
        f"Import files not imported within a day, deleted: {imports.remove_old_uploads():,}."
    )
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    try:
        deleted = audit.prune(timedelta(days=days))
    except ValueError as error:
        raise click.ClickException(f"AUDIT_RETENTION_DAYS={days}: {error}") from None
    click.echo(f"Audit entries older than {days} days deleted: {deleted:,}.")


def init_app(app):
    app.cli.add_command(init_db_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(recount_statistics_command)
    app.cli.add_command(apply_retention_command)
    for group in (
        areas_cli,
        sites_cli,
        users_cli,
        api_keys_cli,
        events_cli,
        cards_cli,
        uses_cli,
        municipalities_cli,
        wellbeing_cli,
    ):
        app.cli.add_command(group)
