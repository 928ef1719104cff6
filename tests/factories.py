"""Small helpers that build registry rows through the domain layer (and count them back)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pyotp
from sqlalchemy import func, select

from app import i18n
from app.core import accounts, cards, checkin, clock, municipalities, sessions, wellbeing
from app.core.clock import FINLAND, local_today
from app.core.tokens import card_url
from app.extensions import db
from app.models import Area, Card, MonthlyHomeUses, MonthlyUses, Site, Use

PASSWORD = "correct horse battery"
TOTP_SECRET = "KAIKUTESTSECRETKAIKUTESTSECRET23"  # the admins' authenticator app in Staff
REAL_UTCNOW = clock.utcnow


@dataclass
class World:
    area: Area
    issuer: Site
    venue: Site
    other_venue: Site
    course_venue: Site
    card: Card

    @property
    def url(self) -> str:
        return url_of(self.card)


def url_of(card: Card) -> str:
    return card_url(card.number, card.generation)


def world() -> World:
    area = accounts.create_area("PIR", "Pirkanmaa")
    issuer = accounts.create_site("issuer", "Issuer", area_code="PIR", kind="issuer")
    venue = accounts.create_site(
        "theatre", "Theatre", area_code="PIR", kind="venue", category="culture"
    )
    other = accounts.create_site(
        "museum", "Museum", area_code="PIR", kind="venue", category="culture"
    )
    course = accounts.create_site(
        "college", "College", area_code="PIR", kind="venue", category="education"
    )
    return World(area, issuer, venue, other, course, active_card(area, issuer, children=2))


def stock(area: Area, issuer: Site, count: int = 1) -> list[Card]:
    return cards.issue_cards(area, issuer, count)


def active_card(area: Area, issuer: Site, children: int = 0, **options) -> Card:
    card = stock(area, issuer)[0]
    return cards.register_card(
        card, birth_year=1980, postcode="33100", children=children, **options
    )


QUESTIONS = (  # (question, answers) in Finnish, Swedish and English
    (
        ("Oletko tyytyväinen?", "Är du nöjd med ditt liv?", "Are you satisfied with life?"),
        (("Kyllä", "Ja", "Yes"), ("Vähän", "Lite", "A little"), ("En", "Nej", "No")),
    ),
    (
        ("Tunnetko itsesi yksinäiseksi?", "Känner du dig ensam?", "Do you feel lonely?"),
        (("Harvoin", "Sällan", "Rarely"), ("Usein", "Ofta", "Often")),
    ),
)


def question_set(questions=QUESTIONS, publish: bool = True):
    """A version of the wellbeing questions (as the command line makes it: no user), in
    use unless ``publish`` is False."""
    version = wellbeing.new_version()
    wellbeing.add_questions(version, questions)
    return wellbeing.publish(version) if publish else version


def count(model, *where) -> int:
    """Rows of ``model`` now in the database (not what the session remembers)."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def register(card: Card, **options) -> Card:
    """Register stock to a holder born in 1980, postcode 33100, no children (or, with
    kind="community", to an organisation's staff member)."""
    person = {"birth_year": 1980, "postcode": "33100", "children": 0}
    defaults = {} if options.get("kind") == "community" else person
    return cards.register_card(card, **{**defaults, **options})


def network(area: Area, *codes: str, joined: date = date(2020, 1, 1)) -> None:
    """Put the municipalities (from the shipped list, loaded if need be) in ``area``'s network."""
    municipalities.load_shipped()
    for code in codes:
        if municipalities.find(code).area_id != area.id:
            municipalities.join_network(area, code, joined)


def shift_validity(card: Card, days: int) -> Card:
    """Move the card's validity window by ``days`` (negative: into the past)."""
    card.valid_from += timedelta(days=days)
    card.valid_until += timedelta(days=days)
    db.session.commit()
    return card


def expired_card(area, issuer) -> Card:
    return shift_validity(active_card(area, issuer), -400)


def future_card(area, issuer) -> Card:
    return shift_validity(active_card(area, issuer), 10)


def user(email: str, role: str, site: Site | None):
    return accounts.create_user(
        email, role=role, password=PASSWORD, site_slug=site.slug if site else None
    )


def today():
    return local_today()


def log_in(client, email: str) -> None:
    """Log ``client`` in as an existing user (password PASSWORD, and for a user with two-step
    verification a code from TOTP_SECRET)."""
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    if response.location == "/login/code":
        for code in app_codes():  # a code is accepted once: a second login takes the next
            response = client.post("/login/code", data={"code": code})
            if response.status_code == 302:
                break
        assert response.status_code == 302, response.text


def in_english(client):
    """The client's pages in English from now on (the language switcher's cookie)."""
    client.set_cookie(i18n.COOKIE, "en")
    return client


def app_codes(secret: str = TOTP_SECRET) -> list[str]:
    """What an authenticator app shows now, and will show next."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(timezone.utc))
    return [totp.generate_otp(now), totp.generate_otp(now + 1)]


@dataclass
class Staff:
    """One user of every kind in a World: the e-mail to log in with."""

    national: str = "boss@kaiku.fi"
    coordinator: str = "area@kaiku.fi"
    issuer: str = "staff@issuer.fi"
    desk: str = "desk@theatre.fi"
    municipality: str = "culture@tampere.fi"  # Tampere's coordinator


def staff(world: World) -> Staff:
    """(Admins have two-step verification on, with TOTP_SECRET.)"""
    admins = [
        accounts.create_user(Staff.national, role="admin", password=PASSWORD),
        accounts.create_user(
            Staff.coordinator, role="admin", password=PASSWORD, area_code=world.area.code
        ),
    ]
    for admin in admins:
        admin.totp_secret = TOTP_SECRET
    db.session.commit()
    user(Staff.issuer, "issuer", world.issuer)
    user(Staff.desk, "venue", world.venue)
    return Staff()


def municipality_staff(world: World) -> str:
    """Tampere's coordinator (Tampere joins the world's area's network)."""
    network(world.area, TAMPERE)
    accounts.create_user(
        Staff.municipality, role="municipality", password=PASSWORD, municipality_code=TAMPERE
    )
    return Staff.municipality


def travel(monkeypatch, local: str | None) -> None:
    """Stop the registry's clock at ``local``, a Finnish wall-clock time "YYYY-MM-DD HH:MM"
    (None: let it run again)."""
    now = REAL_UTCNOW
    if local is not None:
        moment = datetime.fromisoformat(local).replace(tzinfo=FINLAND).astimezone(timezone.utc)
        now = lambda: moment.replace(tzinfo=None)  # noqa: E731
    for module in (clock, checkin, cards, sessions, wellbeing):
        monkeypatch.setattr(module, "utcnow", now)


@dataclass
class History:
    """A small registry with hand-countable statistics; see ``history``."""

    uusimaa: Area
    uus_issuer: Site
    uus_sport: Site
    a: Card
    b: Card
    c: Card
    c2: Card
    d: Card
    e: Card


TAMPERE, NOKIA, ESPOO = "837", "536", "049"  # Statistics Finland's codes


def history(world: World, monkeypatch) -> History:
    """Two areas, four holders and eleven uses, at the edges of the year 2025 in
    Finnish time. (Times are Helsinki wall-clock; UTC is 2 hours earlier in winter.)

    Holders (registered, home municipality):
                               A PIR Tampere 2025-01-01 00:30 (UTC: still 2024), 2 children,
                               renewed in December 2025;
                               B PIR Nokia 2024-05-01;
                               C UUS Espoo 2025-03-10, replaced by C2 on 2025-06-01;
                               D PIR Tampere 2025-05-05, never used;
                               E PIR Nokia 2026-01-01 00:15 (UTC: still 2025), never used.
    Uses:  1 A theatre 2025-01-01 10:00, 2 children   7 B museum  2024-06-01
           2 A museum  2025-01-15                     8 C sport   2025-04-01
           3 A college 2025-02-01 (education)         9 C2 sport  2025-07-01
           4 A sport   2025-03-01, 1 child (UUS)     10 C2 theatre 2025-08-01, voided
           5 A theatre 2025-12-31 23:30              11 A theatre 2026-01-01 00:30
           6 B theatre 2025-01-01 01:00 (UTC: 2024-12-31 23:00)
    """
    uusimaa = accounts.create_area("UUS", "Uusimaa")
    uus_issuer = accounts.create_site(
        "uus-issuer", "Espoon järjestö", area_code="UUS", kind="issuer"
    )
    uus_sport = accounts.create_site(
        "uus-sport", "Vantaan uimahalli", area_code="UUS", kind="venue", category="sport"
    )

    network(world.area, TAMPERE, NOKIA)
    network(uusimaa, ESPOO)

    def register(local, area, site, municipality, children=0):
        travel(monkeypatch, local)
        return active_card(area, site, children=children, municipality=municipality)

    def use(local, card, venue, children=0):
        travel(monkeypatch, local)
        recorded, _ = checkin.record_use(
            card.number, venue, nonce=f"h-{card.id}-{local.replace(' ', 'T')}", children=children
        )
        return recorded

    b = register("2024-05-01 12:00", world.area, world.issuer, NOKIA)
    use("2024-06-01 12:00", b, world.other_venue)
    a = register("2025-01-01 00:30", world.area, world.issuer, TAMPERE, children=2)
    use("2025-01-01 10:00", a, world.venue, children=2)
    use("2025-01-01 01:00", b, world.venue)
    use("2025-01-15 12:00", a, world.other_venue)
    use("2025-02-01 12:00", a, world.course_venue)
    use("2025-03-01 12:00", a, uus_sport, children=1)
    c = register("2025-03-10 12:00", uusimaa, uus_issuer, ESPOO)
    use("2025-04-01 12:00", c, uus_sport)
    d = register("2025-05-05 12:00", world.area, world.issuer, TAMPERE)
    travel(monkeypatch, "2025-06-01 12:00")
    c2 = cards.replace_card(c, stock(uusimaa, uus_issuer)[0])
    use("2025-07-01 12:00", c2, uus_sport)
    voided = use("2025-08-01 12:00", c2, world.venue)
    checkin.void_use(voided.id, world.venue)
    travel(monkeypatch, "2025-12-01 12:00")
    cards.renew_card(a)
    use("2025-12-31 23:30", a, world.venue)
    use("2026-01-01 00:30", a, world.venue)
    e = register("2026-01-01 00:15", world.area, world.issuer, NOKIA)
    travel(monkeypatch, None)
    return History(uusimaa, uus_issuer, uus_sport, a, b, c, c2, d, e)


MONTHLY_KEYS = {  # each table of monthly totals: the columns of a use it counts by
    MonthlyUses: ("venue_id", "category", "home_area_id"),
    MonthlyHomeUses: ("home_municipality_code", "category"),
}


def monthly_totals(table=MonthlyUses) -> dict:
    """A table of monthly totals, as {(its key columns..., month): (adults, children)}."""
    return {
        (*(getattr(row, column) for column in MONTHLY_KEYS[table]), row.month): (
            row.adults,
            row.children,
        )
        for row in db.session.scalars(db.select(table))
        if row.adults
    }


def monthly_by_hand(table=MonthlyUses) -> dict:
    """What a table of monthly totals should hold, counted one use at a time (a
    municipality not known is "")."""
    adults, children = Counter(), Counter()
    for use in db.session.scalars(db.select(Use).where(Use.voided_at.is_(None))):
        columns = (getattr(use, column) for column in MONTHLY_KEYS[table])
        key = (*("" if value is None else value for value in columns), use.day.replace(day=1))
        adults[key] += 1
        children[key] += use.children
    return {key: (adults[key], children[key]) for key in adults}
