"""Card stock and registration: issue, register, renew, change, block, replace.

Functions take a Card the caller has already found (and scoped: see access.py)
and the acting user for the audit trail (None from the command line).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import (
    CARD_KINDS,
    GENDERS,
    LIFE_SITUATIONS,
    Area,
    Batch,
    Card,
    CardPeriod,
    Site,
    Use,
    User,
)
from . import accounts, audit, checkin, municipalities, numbers, wellbeing
from .clock import day_start_utc, local_today, utcnow
from .exceptions import Conflict, InvalidInput
from .validation import (
    check_all,
    check_birth_year,
    check_choice,
    check_date,
    check_int,
    check_postcode,
    check_text,
    field_name,
)

MAX_BATCH = 5000
COMMUNITY_CLIENTS = 10  # a community card's clients under 16 on one visit, unless set
DAY = timedelta(days=1)
RENEWAL_WINDOW = timedelta(days=60)  # how early before expiry a card can be renewed
EXPIRY_NOTICE = timedelta(days=30)  # how early the holder's card page says it will expire
_REGISTRATION = (
    "kind",
    "birth_year",
    "postcode",
    "children",
    "gender",
    "life_situation",
    "organisation",
    "client_cap",
    "municipality_code",
    "valid_from",
    "valid_until",
)


def last_day_of_year_from(day: date) -> date:
    """The last valid day of a year that starts on ``day`` (calendar years: leap days count)."""
    try:
        next_year = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        next_year = date(day.year + 1, 3, 1)
    return next_year - DAY


def snapshot(card: Card) -> dict:
    """The registry's facts about a card, for the audit trail."""
    return {name: getattr(card, name) for name in ("status", "generation", *_REGISTRATION)}


def audit_change(actor, action: str, card: Card, before: dict | None, **extra) -> None:
    """The change in the trail: of the holder's own data only which fields changed, never
    their values (area coordinators read the trail, and it is kept for years)."""
    after = snapshot(card)
    changed = [name for name in audit.HOLDER_FIELDS if (before or {}).get(name) != after[name]]
    audit.log(
        actor,
        action,
        f"card {card.display_number}",
        before=audit.without_holder_data(before),
        after={
            **audit.without_holder_data(after),
            **({audit.HOLDER_DATA_CHANGED: changed} if changed else {}),
            **extra,
        },
        area_id=card.home_area_id,
        site_id=card.issuing_site_id,
    )


def issue_cards(area: Area, site: Site, count, actor: User | None = None) -> list[Card]:
    """A batch of unregistered card stock for an issuing site."""
    count = check_int("count", count, 1, MAX_BATCH)
    if site.kind != "issuer":
        raise InvalidInput(_l("Cards are issued to an issuing site, not a venue."), "site")
    accounts.check_open(site)
    batch = Batch(site=site, area=area, count=count)
    fresh: set[str] = set()
    imported = _imported_ids_of_kaiku_shape()
    while len(fresh) < count:
        fresh |= {numbers.generate() for _ in range(count - len(fresh))}
        fresh -= set(db.session.scalars(select(Card.number).where(Card.number.in_(fresh))))
        if imported:  # a typo of the new number must never find an imported card
            fresh = {new for new in fresh if numbers.one_typo_away(new).isdisjoint(imported)}
    cards = [
        Card(number=number, home_area=area, issuing_site=site, batch=batch)
        for number in sorted(fresh)
    ]
    db.session.add_all(cards)
    db.session.flush()
    audit.log(
        actor,
        "cards.issue",
        f"batch {batch.id}",
        after={"count": count, "site": site.slug},
        area_id=area.id,
        site_id=site.id,
    )
    db.session.commit()
    return cards


def _imported_ids_of_kaiku_shape() -> set[str]:
    """Imported cards' IDs that a typed Kaiku number could turn into (legacy.py)."""
    ids = db.session.scalars(select(Card.number).where(Card.legacy_id.is_not(None)))
    return {numbers.normalise(key) for key in ids if numbers.looks_like_number(key)}


def register_card(
    card: Card,
    *,
    birth_year=None,
    postcode=None,
    children=0,
    kind="personal",
    valid_days=None,
    gender=None,
    life_situation=None,
    municipality=None,
    organisation=None,
    client_cap=None,
    actor: User | None = None,
) -> Card:
    """Give unregistered stock to a holder: valid from today for a year (or ``valid_days``),
    living in ``municipality`` (by default the issuing site's)."""
    db.session.refresh(card, with_for_update=True)  # two issuers can't take the same card
    values = check_registration(
        birth_year=birth_year,
        postcode=postcode,
        children=children,
        kind=kind,
        valid_days=valid_days,
        gender=gender,
        life_situation=life_situation,
        municipality=municipality,
        organisation=organisation,
        client_cap=client_cap,
        site=card.issuing_site,
    )
    valid_days = values.pop("valid_days")
    if card.status != "unregistered":
        raise Conflict(_already(card), "number")
    before = snapshot(card)
    card.municipality_code = values.pop("municipality")
    for name, value in values.items():
        setattr(card, name, value)
    today = local_today()
    card.status = "active"
    card.valid_from = today
    card.valid_until = (  # the last valid day
        last_day_of_year_from(today)
        if valid_days is None
        else today + timedelta(days=valid_days) - DAY
    )
    card.registered_at = utcnow()
    card.first_card_id = card.id
    card.periods.append(CardPeriod(valid_from=today, valid_until=card.valid_until))
    wellbeing.invite(card, "registration")
    # Another validity than the rule's is an operator's correction (`cards register
    # --valid-days`, never on an issuer's screen): the trail says so.
    audit_change(
        actor, "card.register", card, before, **({"valid_days": valid_days} if valid_days else {})
    )
    db.session.commit()
    return card


def check_registration(
    *,
    site: Site,
    birth_year=None,
    postcode=None,
    children=0,
    kind="personal",
    valid_days=None,
    municipality=None,
    **holder,
) -> dict:
    """Everything a registration gives, checked at once (every mistake is reported)."""
    kind = check_all(kind=lambda: check_choice("kind", kind or "personal", CARD_KINDS))["kind"]
    return {
        "kind": kind,
        **check_all(
            **_holder_data_checks(kind, birth_year, postcode, children, **holder),
            municipality=lambda: municipalities.home_municipality(municipality, site),
            valid_days=lambda: (
                None if valid_days is None else check_int("valid_days", valid_days, 1, 731)
            ),
        ),
    }


def _holder_data_checks(
    kind,
    birth_year,
    postcode,
    children,
    gender=None,
    life_situation=None,
    organisation=None,
    client_cap=None,
) -> dict:
    """What a card of this kind holds: a person's birth year, postcode and children, or a
    community card's organisation and how many clients under 16 may come along."""
    if kind == "community":
        return dict(
            organisation=lambda: check_text("organisation", organisation, 120),
            client_cap=lambda: check_int(
                "client_cap", COMMUNITY_CLIENTS if client_cap in (None, "") else client_cap, 1, 30
            ),
            birth_year=lambda: _not_on_community_cards("birth_year", birth_year),
            postcode=lambda: _not_on_community_cards("postcode", postcode),
            children=lambda: _not_on_community_cards("children", children) or 0,
            gender=lambda: _not_on_community_cards("gender", gender),
            life_situation=lambda: _not_on_community_cards("life_situation", life_situation),
        )
    return dict(
        birth_year=lambda: check_birth_year(birth_year),
        postcode=lambda: check_postcode(postcode),
        children=lambda: check_int("children", children, 0, 9),
        gender=lambda: check_choice("gender", gender, GENDERS) if gender else None,
        life_situation=lambda: (
            check_choice("life_situation", life_situation, LIFE_SITUATIONS)
            if life_situation
            else None
        ),
        organisation=lambda: _only_on_community_cards("organisation", organisation),
        client_cap=lambda: _only_on_community_cards("client_cap", client_cap),
    )


def _not_on_community_cards(field: str, value) -> None:
    """A community card is held by an organisation's staff member: no holder's data."""
    if value not in (None, "", 0, "0"):
        raise InvalidInput(
            _l("%(field)s: a community card has none.", field=field_name(field)), field
        )
    return None


def _only_on_community_cards(field: str, value) -> None:
    if value not in (None, ""):
        raise InvalidInput(
            _l("%(field)s: only a community card has this.", field=field_name(field)), field
        )
    return None


def correct_registration(
    card: Card,
    *,
    birth_year=None,
    postcode=None,
    gender=None,
    life_situation=None,
    municipality=None,
    organisation=None,
    client_cap=None,
    actor=None,
) -> Card:
    """Correct the holder's data given at registration (a mistyped birth year, a move to
    another municipality of a network; none given keeps it). The audit trail records
    which of the holder's fields changed, not their values."""
    if card.status in ("unregistered", "replaced") or card.holder_data_removed_at:
        raise Conflict(_l("This card has no registration data to correct."), "number")
    checks = _holder_data_checks(
        card.kind,
        birth_year,
        postcode,
        card.children,
        gender,
        life_situation,
        organisation,
        client_cap,
    )
    del checks["children"]  # changed apart (change_children)
    values = check_all(
        **checks,
        municipality=lambda: (
            card.municipality_code
            if not municipality or municipality == card.municipality_code
            else municipalities.home_municipality(municipality, None)
        ),
    )
    values["municipality_code"] = values.pop("municipality")
    before = snapshot(card)
    for name, value in values.items():
        setattr(card, name, value)
    audit_change(actor, "card.correct", card, before)
    db.session.commit()
    return card


def remove_holder_data(card: Card, actor: User | None = None) -> Card:
    """The holder asked for their data to be removed: the card is blocked and the holder's
    data cleared. Its uses stay, as counts that lead to no one."""
    if card.status == "unregistered" or card.holder_data_removed_at:
        raise Conflict(_l("This card holds no data of a holder."), "number")
    before = snapshot(card)
    for holders_card in _holders_cards(card):  # a replaced card keeps what it was given
        if holders_card.holder_data_removed_at is None:
            _clear_holder_data(holders_card)
    wellbeing.forget_holders([card.first_card_id or card.id])
    if card.status == "active":
        card.status, card.blocked_at = "blocked", utcnow()
    audit_change(actor, "card.remove_data", card, before)
    db.session.commit()
    return card


def remove_expired_holder_data(after: timedelta) -> int:
    """The retention rule: clear the holder's data of every card that expired more than
    ``after`` ago (one audit entry for the lot); how many cards."""
    expired = db.session.scalars(
        select(Card).where(
            Card.valid_until < local_today() - after,
            Card.status != "unregistered",
            Card.holder_data_removed_at.is_(None),
        )
    ).all()
    for card in expired:
        _clear_holder_data(card)
    # (a replaced card's holder carries on with the replacement, and keeps their answers)
    wellbeing.forget_holders(
        {card.first_card_id or card.id for card in expired if card.status != "replaced"}
    )
    if expired:
        audit.log(None, "cards.retention", "holder data", after={"cards": len(expired)})
    db.session.commit()
    return len(expired)


def _holders_cards(card: Card) -> list[Card]:
    """Every card of the card's holder: the first one and each that replaced another."""
    if card.first_card_id is None:
        return [card]
    return list(db.session.scalars(select(Card).where(Card.first_card_id == card.first_card_id)))


def _clear_holder_data(card: Card) -> None:
    for name in audit.HOLDER_FIELDS:
        setattr(card, name, None)
    card.holder_data_removed_at = utcnow()


def _already(card: Card):
    return {
        "active": _l("This card is already registered."),
        "blocked": _l("This card is blocked."),
        "replaced": _l("This card has been replaced."),
    }.get(card.status, _l("This card is not registered yet."))


def _check_registered(card: Card) -> None:
    if card.status != "active":  # why not, in words: "This card is blocked."
        raise Conflict(_already(card), "number")


def renew_card(card: Card, actor: User | None = None) -> Card:
    """Another year, from today or from the end of validity, whichever is later.
    Only near the end (or after it), so a second click can't add a second year."""
    db.session.refresh(card, with_for_update=True)
    _check_registered(card)
    today = local_today()
    if today < renewable_from(card):
        raise Conflict(
            _l(
                "This card is valid until %(until)s; it can be renewed from %(from)s.",
                until=format_date(card.valid_until),
                **{"from": format_date(renewable_from(card))},
            ),
            "number",
        )
    before = snapshot(card)
    if not card.periods:  # registered before periods were kept: the one it had first
        card.periods.append(CardPeriod(valid_from=card.valid_from, valid_until=card.valid_until))
    start = max(today, card.valid_until + DAY)  # a gap after expiry stays a gap
    card.valid_until = last_day_of_year_from(start)
    card.periods.append(
        CardPeriod(valid_from=start, valid_until=card.valid_until, renewed_at=utcnow())
    )
    wellbeing.invite(card, "renewal")
    audit_change(actor, "card.renew", card, before)
    db.session.commit()
    return card


def renewable_from(card: Card) -> date | None:
    """The first day a registered card can be renewed."""
    return card.valid_until - RENEWAL_WINDOW if card.valid_until else None


def registrations(site: Site, *, registered_on=None, birth_year=None, postcode=None):
    """A site's registered cards, newest first, narrowed down by what a holder who lost
    their card (and doesn't know its number) can tell: when, their birth year, postcode.
    A query, for paging; raises InvalidInputs for values that can't be searched."""
    given = check_all(
        registered_on=lambda: check_date("registered_on", registered_on) if registered_on else None,
        birth_year=lambda: check_birth_year(birth_year) if birth_year else None,
        postcode=lambda: check_postcode(postcode) if postcode else None,
    )
    query = select(Card).where(Card.issuing_site_id == site.id, Card.status != "unregistered")
    if given["registered_on"]:
        start = day_start_utc(given["registered_on"])
        query = query.where(
            Card.registered_at >= start,
            Card.registered_at < day_start_utc(given["registered_on"] + DAY),
        )
    if given["birth_year"]:
        query = query.where(Card.birth_year == given["birth_year"])
    if given["postcode"]:
        query = query.where(Card.postcode == given["postcode"])
    return query.order_by(Card.registered_at.desc(), Card.id.desc())


def expires_soon(card: Card) -> bool:
    """A usable card whose last day is at most EXPIRY_NOTICE away: time to renew it."""
    return checkin.card_state(card) == "valid" and card.valid_until - local_today() <= EXPIRY_NOTICE


def change_children(card: Card, children, actor: User | None = None) -> Card:
    children = check_int("children", children, 0, 9)
    _check_registered(card)
    if card.kind == "community":
        _not_on_community_cards("children", children)
    before = snapshot(card)
    card.children = children
    audit_change(actor, "card.children", card, before)
    db.session.commit()
    return card


def block_card(card: Card, actor: User | None = None) -> Card:
    """A lost or misused card: desks answer ``blocked`` from now on."""
    if card.status != "active":
        raise Conflict(
            _already(card)
            if card.status != "unregistered"
            else _l("Stock that is not registered needs no blocking."),
            "number",
        )
    before = snapshot(card)
    card.status, card.blocked_at = "blocked", utcnow()
    audit_change(actor, "card.block", card, before)
    db.session.commit()
    return card


def unblock_card(card: Card, actor: User | None = None) -> Card:
    """A card blocked by mistake works again. Not one whose holder's data was removed
    (it holds no registration to work with), nor one replaced by a new card."""
    if card.status != "blocked" or card.holder_data_removed_at:
        raise Conflict(_l("Only a card blocked by mistake can be unblocked."), "number")
    before = snapshot(card)
    card.status, card.blocked_at = "active", None
    audit_change(actor, "card.unblock", card, before)
    db.session.commit()
    return card


def replace_card(card: Card, replacement: Card, actor: User | None = None) -> Card:
    """A lost card: block it and move its registration to new stock in one step.
    The old card answers ``replaced`` at desks; the new one carries on."""
    for locked in sorted((card, replacement), key=lambda c: c.id):  # same order everywhere
        db.session.refresh(locked, with_for_update=True)
    if card.status not in ("active", "blocked") or card.valid_until is None:
        raise Conflict(_l("Only a registered card can be replaced."), "number")
    if replacement.status != "unregistered":
        raise Conflict(_l("The new card must be unregistered stock."), "replacement")
    old_before, new_before = snapshot(card), snapshot(replacement)
    for name in _REGISTRATION:
        setattr(replacement, name, getattr(card, name))
    replacement.status = "active"
    replacement.registered_at = utcnow()
    replacement.first_card_id = card.first_card_id
    for period in card.periods or [card]:
        replacement.periods.append(
            CardPeriod(
                valid_from=period.valid_from,
                valid_until=period.valid_until,
                renewed_at=getattr(period, "renewed_at", None),  # (the card itself: none)
            )
        )
    card.status = "replaced"
    card.replaced_by_id = replacement.id
    new_number, old_number = replacement.display_number, card.display_number
    audit_change(actor, "card.replace", card, old_before, replaced_by=new_number)
    audit_change(actor, "card.register", replacement, new_before, replaces=old_number)
    db.session.commit()
    return replacement


def new_code(card: Card, actor: User | None = None) -> Card:
    """Retire the card's current QR code (e.g. a phone link that leaked): the
    old code answers ``invalid``, the typed number and the new code work."""
    before = snapshot(card)
    card.generation += 1
    audit_change(actor, "card.new_code", card, before)
    db.session.commit()
    return card


@dataclass(frozen=True)
class Month:
    """A card's uses in one month, as its issuer sees them: how often, never where."""

    month: date  # its first day
    uses: int
    tickets: int  # adults, children and assistants


def uses_by_month(card: Card) -> list[Month]:
    """The card's uses (undone ones left out) counted by month, the latest first."""
    rows = db.session.execute(
        select(Use.day, Use.adults + Use.children + Use.assistant)
        .where(Use.card_id == card.id, Use.voided_at.is_(None))
        .order_by(Use.day.desc())
    )
    months = {}
    for day, tickets in rows:
        uses, total = months.get(day.replace(day=1), (0, 0))
        months[day.replace(day=1)] = (uses + 1, total + tickets)
    return [Month(month, uses, tickets) for month, (uses, tickets) in months.items()]


def uses_for_holder(card: Card, actor: User | None = None) -> list[Use]:
    """Every use of the card, with venue and event, for the holder who asked to see their
    own (the issuer prints it for them). Audited: issuers see months, not visits."""
    uses = list(db.session.scalars(select(Use).where(Use.card_id == card.id).order_by(Use.id)))
    audit.log(
        actor,
        "card.uses_printout",
        f"card {card.display_number}",
        after={"uses": len(uses)},
        area_id=card.home_area_id,
        site_id=card.issuing_site_id,
    )
    db.session.commit()
    return uses
