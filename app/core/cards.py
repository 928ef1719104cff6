"""Card stock and registration: issue, register, block, replace the code."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import CARD_KINDS, GENDERS, LIFE_SITUATIONS, Area, Card, Site
from . import numbers
from .clock import local_today, utcnow
from .exceptions import Conflict, InvalidInput, NotFound
from .validation import check_birth_year, check_choice, check_int, check_postcode

MAX_BATCH = 5000


def find_card(number) -> Card:
    """The card with this number (typed in any case, with or without dashes)."""
    if not isinstance(number, str) or not numbers.looks_like_number(number):
        raise InvalidInput(_l("This is not a card number."), "number")
    if not numbers.is_valid(number):
        raise InvalidInput(_l("The card number looks mistyped."), "number")
    card = db.session.scalar(select(Card).where(Card.number == numbers.normalise(number)))
    if card is None:
        raise NotFound(_l("No card has this number."), "number")
    return card


def issue_cards(area: Area, site: Site, count) -> list[Card]:
    """A batch of unregistered card stock for an issuing site."""
    count = check_int("count", count, 1, MAX_BATCH)
    if site.kind != "issuer":
        raise InvalidInput(_l("Cards are issued to an issuing site, not a venue."), "site")
    taken = set()
    while len(taken) < count:
        taken.add(numbers.generate())
    clashes = set(db.session.scalars(select(Card.number).where(Card.number.in_(taken))))
    cards = [
        Card(number=number, home_area=area, issuing_site=site) for number in taken - clashes
    ]
    db.session.add_all(cards)
    db.session.commit()
    if clashes:  # astronomically rare: top up with fresh numbers
        cards += issue_cards(area, site, len(clashes))
    return cards


def register_card(
    number,
    *,
    birth_year,
    postcode,
    children,
    kind="personal",
    valid_days=365,
    gender=None,
    life_situation=None,
) -> Card:
    """Give unregistered stock to a holder: valid from today for ``valid_days``."""
    card = find_card(number)
    values = dict(
        birth_year=check_birth_year(birth_year),
        postcode=check_postcode(postcode),
        children=check_int("children", children, 0, 9),
        kind=check_choice("kind", kind, CARD_KINDS),
        gender=check_choice("gender", gender, GENDERS) if gender else None,
        life_situation=(
            check_choice("life_situation", life_situation, LIFE_SITUATIONS)
            if life_situation
            else None
        ),
    )
    valid_days = check_int("valid_days", valid_days, 1, 731)
    if card.status != "unregistered":
        raise Conflict(
            _l("This card is already registered (status: %(status)s).", status=card.status),
            "number",
        )
    for name, value in values.items():
        setattr(card, name, value)
    today = local_today()
    card.status = "active"
    card.valid_from = today
    card.valid_until = today + timedelta(days=valid_days)
    card.registered_at = utcnow()
    db.session.commit()
    return card


def block_card(number) -> Card:
    """A lost or misused card: desks answer ``blocked`` from now on."""
    card = find_card(number)
    if card.status == "replaced":
        raise Conflict(_l("This card has already been replaced."), "number")
    card.status = "blocked"
    db.session.commit()
    return card


def new_code(number) -> Card:
    """Retire the card's current QR code (e.g. a phone link that leaked): the
    old code answers ``invalid``, the typed number and the new code work."""
    card = find_card(number)
    card.generation += 1
    db.session.commit()
    return card
