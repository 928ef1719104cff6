"""Small helpers that build registry rows through the domain layer."""

from dataclasses import dataclass
from datetime import timedelta

from app.core import accounts, cards
from app.core.clock import local_today
from app.core.tokens import card_url
from app.extensions import db
from app.models import Area, Card, Site

PASSWORD = "correct horse battery"


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
    """Log ``client`` in as an existing user (password PASSWORD)."""
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.text


@dataclass
class Staff:
    """One user of every kind in a World: the e-mail to log in with."""

    national: str = "boss@kaiku.fi"
    coordinator: str = "area@kaiku.fi"
    issuer: str = "staff@issuer.fi"
    desk: str = "desk@theatre.fi"


def staff(world: World) -> Staff:
    accounts.create_user(Staff.national, role="admin", password=PASSWORD)
    accounts.create_user(
        Staff.coordinator, role="admin", password=PASSWORD, area_code=world.area.code
    )
    user(Staff.issuer, "issuer", world.issuer)
    user(Staff.desk, "venue", world.venue)
    return Staff()
