"""The desk's questions: may this code be used here now, record it, undo it.

One function answers for every surface (API, desk page, card page, CLI):
``check_code`` turns whatever a scanner read or a person typed into a Verdict
whose ``status`` is one word of a fixed vocabulary. ``record_use`` asks the
same question again under a lock and writes the use.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import CATEGORIES, USE_KINDS, ApiKey, Card, Event, Site, Use, User
from . import audit, legacy, numbers, tallies
from .clock import local_day, local_today, utcnow
from .exceptions import CardNotUsable, Conflict, InvalidInput, KaikuError, NotFound
from .tokens import BadToken, read_token
from .validation import (
    check_choice,
    check_date,
    check_device,
    check_flag,
    check_int,
    check_moment,
    check_nonce,
)

STATUSES = (
    "valid",
    "invalid",
    "unregistered",
    "not_yet_valid",
    "expired",
    "blocked",
    "replaced",
    "already_used",
    "quota_full",
)
UNDO_WINDOW = timedelta(minutes=15)
LATE_ENTRY_DAYS = 31  # how far back a use noted on paper, or kept offline, may be entered
CLOCK_SKEW = timedelta(minutes=5)  # how far ahead a desk device's clock may be
_TOKEN = re.compile(r"[0-9A-Za-z]{3,20}-\d+\.")  # "<number>-<generation>." starts a signed token
MAX_CODE_LENGTH = 500

# What every scan asks, built once: SQLAlchemy then reuses each statement's compiled SQL
# and cache key instead of building and hashing a new statement every time.
_CARD = select(Card).where(Card.number == bindparam("number"))
_CARD_TO_LOCK = _CARD.with_for_update().execution_options(populate_existing=True)
_ACTIVE_USE = select(Use).where(  # the holder's (their first card's), not one card's
    Use.first_card_id == bindparam("holder"),
    Use.venue_id == bindparam("venue"),
    Use.voided_at.is_(None),
)
_ACTIVE_USE_AT_EVENT = _ACTIVE_USE.where(Use.event_id == bindparam("event")).limit(1)
_ACTIVE_USE_TODAY = _ACTIVE_USE.where(Use.event_id.is_(None), Use.day == bindparam("day")).limit(1)
_USE_BY_NONCE = select(Use).where(Use.nonce == bindparam("nonce"))
_INSERT_USE = insert(Use.__table__).returning(Use.__table__.c.id)


@dataclass(frozen=True)
class Allowance:
    """Free tickets one use may give: the holder, their children (or a community card's
    clients under 16), one assistant."""

    adults: int
    children: int
    assistant: int
    clients: int = 0


@dataclass(frozen=True)
class Verdict:
    status: str
    card: Card | None = None
    typed: bool = False  # a card number without a signature
    reason: str | None = None  # why ``invalid``: unreadable, forged, mistyped, unknown, old_code
    event: Event | None = None
    allowance: Allowance | None = None
    last_use: Use | None = None
    quota_left: int | None = None
    kind: str = "ticket"  # what the use would give: a ticket, a course place, a season pass

    @property
    def needs_retyping(self) -> bool:
        """A typed number with a typo, or one no card has: staff check and correct it
        (the card may well be fine), not a refusal to show the customer."""
        return self.status == "invalid" and self.typed and self.reason in ("mistyped", "unknown")

    @property
    def asks_for_the_number(self) -> bool:
        """A code that can't be trusted, where the printed number still can be typed."""
        return self.status == "invalid" and not self.typed and self.reason != "unknown"

    def message(self) -> str:
        """What desk staff should know and do, in the request's language."""
        card = self.card
        if self.status == "invalid":
            return str(_INVALID_MESSAGES[self.reason or "unreadable"])
        if self.status == "not_yet_valid":
            return _("The card is valid from %(date)s.", date=format_date(card.valid_from))
        if self.status == "expired":
            return _(
                "The card expired on %(date)s. The holder can renew it with the issuer.",
                date=format_date(card.valid_until),
            )
        if self.status == "already_used":
            return _(
                "This card was already used here at %(when)s. One use per event, or per day "
                "when there is no event.",
                when=format_datetime(self.last_use.recorded_at, "short"),
            )
        return str(_MESSAGES[self.status])


_MESSAGES = {
    "valid": _l("Valid card. Confirm the number of tickets and record the use."),
    "unregistered": _l(
        "This card has not been registered yet. The holder should contact the issuer."
    ),
    "blocked": _l("The card is blocked. Direct the holder to the issuer."),
    "replaced": _l("This card has been replaced by a new card. Ask for the new card."),
    "quota_full": _l("The free tickets for this event have run out."),
}
_INVALID_MESSAGES = {
    "unreadable": _l("This is not a Kaiku card code. Scan again or type the card number."),
    "forged": _l("The code is not genuine. Do not accept it; type the number printed on the card."),
    "mistyped": _l("The card number looks mistyped. Check each character and try again."),
    "unknown": _l("No card has this number. Check the number."),
    "old_code": _l(
        "This code has been replaced by a newer one. Type the number printed on the card."
    ),
}


def offline_messages() -> dict[str, str]:
    """What a desk offline says for each verdict (app/desk, static/js/offline.js): the
    same as online, without the facts only the registry knows (dates, the last use)."""
    return {
        **{status: str(message) for status, message in _MESSAGES.items()},
        **{reason: str(message) for reason, message in _INVALID_MESSAGES.items()},
        "not_yet_valid": _("The card is not valid yet."),
        "expired": _("The card has expired. The holder can renew it with the issuer."),
        "already_used": _(
            "This card was already used here. One use per event, or per day when there is no event."
        ),
    }


def identify(code, lock: bool = False) -> tuple[Card | None, bool, str | None]:
    """(card, typed, problem) for a QR URL, a bare token, a typed card number or an
    imported card's ID.
    ``lock``: lock the card's row as it is read (see _lock_holder)."""
    if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_LENGTH:
        return None, False, "unreadable"
    text = code.strip()
    if "/k/" in text:  # a card link: only a signed token counts
        token = text.rsplit("/k/", 1)[1].split("?")[0].split("#")[0]
        card, problem = card_for_token(token, lock)
        return card, False, problem
    if _TOKEN.match(text):
        card, problem = card_for_token(text, lock)
        return card, False, problem
    if numbers.is_valid(text):
        card = _card_by_number(numbers.normalise(text), lock)
        return card, True, (None if card else "unknown")
    # An imported card's ID (legacy.py), typed or read from its barcode or QR: unsigned,
    # so staff compare it with the card, as with a typed number.
    old_id = legacy.key(text)
    card = _card_by_number(old_id, lock) if old_id else None
    if card is not None:
        return card, True, None
    if numbers.looks_like_number(text):
        return None, True, "mistyped"
    if old_id is not None:
        return None, True, "unknown"
    return None, False, "unreadable"  # (a scanned code of something else, say)


def find_card(code) -> Card:
    """Any card, by its number, an imported card's ID or its code (typed in any case, with
    or without dashes); callers scope it (access.card_for). A clear refusal otherwise."""
    card, _typed, problem = identify(code)
    if problem == "unknown":
        raise NotFound(_l("No card has this number."), "number")
    if problem == "mistyped":
        raise InvalidInput(_l("The card number looks mistyped."), "number")
    if card is None:
        raise InvalidInput(_l("This is not a card number."), "number")
    return card


def card_for_token(token: str, lock: bool = False) -> tuple[Card | None, str | None]:
    """(card, problem) for a signed token: forged, unknown or old_code."""
    try:
        number, generation = read_token(token)
    except BadToken:
        return None, "forged"
    card = _card_by_number(number, lock)
    if card is None:
        return None, "unknown"
    if card.generation != generation:
        return None, "old_code"
    return card, None


def _card_by_number(number: str, lock: bool = False) -> Card | None:
    return db.session.scalar(_CARD_TO_LOCK if lock else _CARD, {"number": number})


def card_state(card: Card) -> str:
    """The card's own standing today, before any venue's rules: ``valid``,
    ``unregistered``, ``blocked``, ``replaced``, ``not_yet_valid`` or ``expired``."""
    if card.status != "active":
        return card.status
    today = local_today()
    if today < card.valid_from:
        return "not_yet_valid"
    if today > card.valid_until:
        return "expired"
    return "valid"


def card_state_on(card: Card, day, at: datetime | None = None) -> str:
    """The card's standing as it was on a past ``day`` (a late entry), or at the moment
    ``at`` of that day (a use a desk kept offline): registered by then, not yet blocked
    or replaced, and within one of its periods of validity."""

    def by_then(moment) -> bool:
        return moment <= at if at is not None else local_day(moment) <= day

    if card.registered_at is None or not by_then(card.registered_at):
        return "unregistered"
    if card.status == "replaced":
        replacement = db.session.get(Card, card.replaced_by_id)
        if by_then(replacement.registered_at):
            return "replaced"
    if card.status == "blocked" and (card.blocked_at is None or by_then(card.blocked_at)):
        return "blocked"
    periods = card.periods or [card]
    if any(period.valid_from <= day <= period.valid_until for period in periods):
        return "valid"
    return "not_yet_valid" if day < periods[0].valid_from else "expired"


def judge(
    card: Card,
    venue: Site,
    event: Event | None,
    typed: bool = False,
    kind: str = "ticket",
    on=None,
    at: datetime | None = None,
) -> Verdict:
    """The registry's answer for this card at this venue (and event) today, or ``on`` a
    past day (``at`` a moment of it), for a use of this kind: a course place is the
    holder's alone, tickets and passes bring the children."""
    day = on or local_today()
    state = card_state(card) if on is None else card_state_on(card, on, at)
    if state != "valid":
        return Verdict(state, card, typed, event=event, kind=kind)
    last_use = _active_use(card, venue, event, day)
    if last_use is not None:
        return Verdict("already_used", card, typed, event=event, last_use=last_use, kind=kind)
    quota_left = _quota_left(event)
    if quota_left is not None and quota_left <= 0:
        return Verdict("quota_full", card, typed, event=event, quota_left=0, kind=kind)
    children = 0 if kind == "course_place" else card.children
    clients = 0 if kind == "course_place" else (card.client_cap or 0)
    if quota_left is not None:
        children, clients = min(children, quota_left - 1), min(clients, quota_left - 1)
    return Verdict(
        "valid",
        card,
        typed,
        event=event,
        allowance=Allowance(adults=1, children=children, assistant=1, clients=clients),
        quota_left=quota_left,
        kind=kind,
    )


def use_kind(venue: Site, kind=None) -> str:
    """The kind of use asked for, or the venue's own."""
    return check_choice("kind", kind or venue.use_kind, USE_KINDS)


def _active_use(card: Card, venue: Site, event: Event | None, today) -> Use | None:
    """The holder's use here at this event, or today: one use per event or day follows the
    holder through a replacement (recording locks their first card, so two desks can't
    both pass). Pairs recorded before this rule stay; no index forbids them."""
    holder = card.first_card_id or card.id
    if event is not None:
        return db.session.scalar(
            _ACTIVE_USE_AT_EVENT, {"holder": holder, "venue": venue.id, "event": event.id}
        )
    return db.session.scalar(_ACTIVE_USE_TODAY, {"holder": holder, "venue": venue.id, "day": today})


def _quota_left(event: Event | None) -> int | None:
    """Free tickets left for the event."""
    if event is None or event.quota is None:
        return None
    return event.quota - tickets_given(event)


def tickets_given(event: Event) -> int:
    """The free tickets given for an event so far; an assistant is always free and not
    counted."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Use.adults + Use.children + Use.clients), 0)).where(
            Use.event_id == event.id, Use.voided_at.is_(None)
        )
    )


def find_event(venue: Site, event_id, lock: bool = False, on=None, since=None) -> Event | None:
    """An event of this venue today (or the day ``since``, a use kept offline) or to come
    (an advance ticket), or on the day ``on`` (a late entry), or None for "no event"."""
    if event_id is None or event_id == "":
        return None
    event_id = check_int("event", event_id, 1, 2**31 - 1)
    query = select(Event).where(Event.id == event_id)
    if lock:
        query = query.with_for_update()
    event = db.session.scalar(query)
    if event is None or event.venue_id != venue.id:
        raise NotFound(_l("No such event at this venue."), "event")
    if on is not None:
        if event.date != on:
            raise InvalidInput(_l("This event was not held on that day."), "event")
        return event
    if event.date < (since or local_today()):
        raise InvalidInput(_l("This event is over. Choose today's or a coming event."), "event")
    return event


def check_code(code, venue: Site, event_id=None, kind=None, on=None) -> Verdict:
    """Validate a scanned or typed code at a venue (today, or ``on`` a past day). Reads
    only."""
    event = find_event(venue, event_id, on=on)
    kind = use_kind(venue, kind)
    card, typed, problem = identify(code)
    if problem:
        return Verdict("invalid", typed=typed, reason=problem, event=event, kind=kind)
    return judge(card, venue, event, typed, kind, on)


def check_late_day(value) -> date:
    """A late entry's day: today or up to LATE_ENTRY_DAYS back, never in the future."""
    day = check_date("date", value)
    today = local_today()
    if not today - timedelta(days=LATE_ENTRY_DAYS) <= day <= today:
        raise InvalidInput(
            _l(
                "A late entry is for a day in the last %(days)d days, not in the future.",
                days=LATE_ENTRY_DAYS,
            ),
            "date",
        )
    return day


def check_device_time(value) -> datetime:
    """When a desk kept a use offline, by the device's clock (UTC): in the last
    LATE_ENTRY_DAYS; a clock a few minutes fast counts as now, one further ahead is
    refused (its uses would land on the wrong day)."""
    moment, now = check_moment("recorded_at", value), utcnow()
    if moment > now + CLOCK_SKEW:
        raise InvalidInput(
            _l("The device's clock is ahead of the server's: set the phone's time."),
            "recorded_at",
        )
    if local_day(moment) < local_today() - timedelta(days=LATE_ENTRY_DAYS):
        raise InvalidInput(
            _l("A use kept offline can be sent for %(days)d days.", days=LATE_ENTRY_DAYS),
            "recorded_at",
        )
    return min(moment, now)


def record_use(
    code,
    venue: Site,
    *,
    nonce,
    children=0,
    clients=0,
    assistant=False,
    event_id=None,
    category=None,
    kind=None,
    on=None,
    recorded_at=None,
    device=None,
    user: User | None = None,
    api_key: ApiKey | None = None,
) -> tuple[Use, bool]:
    """Record one use; (use, created). A retry with the same nonce returns the
    first use and records nothing new. Raises CardNotUsable unless ``valid``.

    ``on``: a late entry, for a visit on that past day (noted on paper): the card is
    judged as it was then, and the use is marked late and audited.
    ``recorded_at``: a use a desk kept offline, at that moment by the device's clock:
    judged as of then (the day's events, the card blocked by then or not), marked late,
    and with ``received_at`` now, from which its undo window counts. ``device``: the desk
    device's own id, which an event's offline quota is counted by."""
    nonce = check_nonce(nonce)
    children = check_int("children", children, 0, 9)
    clients = check_int("clients", clients, 0, 30)
    assistant = check_flag("assistant", assistant)
    category = check_choice("category", category or venue.category, CATEGORIES)
    kind = use_kind(venue, kind)
    on = check_late_day(on) if on not in (None, "") else None
    at = check_device_time(recorded_at) if recorded_at not in (None, "") else None
    device = check_device(device) if device not in (None, "") else None
    request = dict(
        code=code,
        children=children,
        clients=clients,
        assistant=assistant,
        event_id=event_id,
        kind=kind,
        on=on,
    )
    # A retry (same nonce) is answered from the use it recorded wherever this one can't be
    # recorded, which is every time: the card was used, or the nonce is taken. Not asked
    # up front, where all but a few requests would pay a query for it.
    _start_writing()
    kept_on = local_day(at) if at else None  # the day a use kept offline was made
    event = find_event(venue, event_id, lock=True, on=on, since=kept_on)
    card, typed, problem = identify(code, lock=True)  # racing desks queue here
    if problem:
        verdict = Verdict("invalid", typed=typed, reason=problem, event=event, kind=kind)
    else:
        _lock_first_card(card)
        verdict = judge(card, venue, event, typed, kind, on or kept_on, at)
    refusal = _refusal(verdict, children, clients)
    if refusal is not None:
        earlier = _replay(nonce, venue, request)  # a retry, or a twin that won while we waited
        if earlier is not None:
            return earlier, False
        raise refusal
    now = utcnow()
    row = dict(
        card_id=card.id,
        venue_id=venue.id,
        event_id=event.id if event else None,
        home_area_id=card.home_area_id,
        home_municipality_code=card.municipality_code,
        issuing_site_id=card.issuing_site_id,
        first_card_id=card.first_card_id,
        category=category,
        kind=kind,
        recorded_at=at or now,
        received_at=now if at else None,
        device_id=device,
        day=on or kept_on or local_day(now),
        late=on is not None or at is not None,
        adults=1,
        children=children,
        clients=clients,
        assistant=int(assistant),
        typed=typed,
        recorded_by_user_id=user.id if user else None,
        recorded_by_key_id=api_key.id if api_key else None,
        nonce=nonce,
        voided_at=None,
    )
    try:
        use = _insert_use(row, card=card, venue=venue, event=event)
        tallies.count_use(use, +1)
        if on is not None:
            _audit_late_entry(use, user)
        _commit_as_is()
    except IntegrityError:
        # Another desk won the race (or the same nonce arrived twice at once).
        db.session.rollback()
        earlier = _replay(nonce, venue, request)
        if earlier is not None:
            return earlier, False
        verdict = check_code(code, venue, event.id if event else None, kind, on)
        if verdict.status != "valid":
            raise CardNotUsable(verdict) from None
        raise
    return use, True


def _refusal(verdict: Verdict, children: int, clients: int) -> KaikuError | None:
    """Why this use can't be recorded, or None."""
    if verdict.status != "valid":
        return CardNotUsable(verdict)
    if verdict.kind == "course_place" and (children or clients):
        return InvalidInput(_l("A course place covers the holder only: no children."), "children")
    if clients and verdict.card.kind != "community":
        return InvalidInput(_l("Only a community card brings clients."), "clients")
    for field, asked, allowed, on_card in (
        ("children", children, verdict.allowance.children, verdict.card.children),
        ("clients", clients, verdict.allowance.clients, verdict.card.client_cap or 0),
    ):
        if asked <= allowed:
            continue
        if allowed < on_card:  # the event's quota, not the card
            return InvalidInput(
                _l("Only one free ticket is left for this event: for the holder alone.")
                if verdict.quota_left == 1
                else _l(
                    "Only %(left)d free tickets are left for this event: the holder and "
                    "%(children)d more.",
                    left=verdict.quota_left,
                    children=verdict.quota_left - 1,
                ),
                field,
            )
        if field == "children":
            return InvalidInput(_l("At most %(n)d children on this card.", n=allowed), field)
        return InvalidInput(
            _l(
                "At most %(n)d clients under 16 on this community card; clients of 16 or "
                "more need their own cards.",
                n=allowed,
            ),
            field,
        )
    return None


def _audit_late_entry(use: Use, user: User | None) -> None:
    """A use entered afterwards is in the trail: who entered which visit, for which day."""
    audit.log(
        user,
        "use.late",
        f"card {use.card.display_number}",
        after={
            "use": use.id,
            "day": use.day.isoformat(),
            "venue": use.venue.slug,
            "kind": use.kind,
            "children": use.children,
            "clients": use.clients,
            "assistant": use.assistant,
        },
        area_id=use.venue.area_id,
        site_id=use.venue_id,
    )


def _insert_use(row: dict, **loaded) -> Use:
    """Write the use's row with one INSERT, and give the session the Use as that row now
    is, with its card, venue and event as already loaded. (A flush of a new Use writes
    the same row, but works through the relationships of every class involved first:
    that, and the same for the card's first use in tallies.py, was about a quarter of the
    server's time per use.)"""
    use = Use(id=db.session.execute(_INSERT_USE, row).scalar_one(), **row)
    make_transient_to_detached(use)  # as if just read: nothing left to write
    db.session.add(use)
    for name, value in loaded.items():
        set_committed_value(use, name, value)
    return use


def _lock_holder(card: Card) -> None:
    """Lock the card, then its holder's first card, wherever a use is recorded or undone:
    desks serving one holder queue in one order instead of deadlocking, and each sees
    the uses the other committed (the holder's first use, in app/core/tallies.py).
    (record_use locks the card as it reads it: identify(code, lock=True).)"""
    db.session.refresh(card, with_for_update=True)
    _lock_first_card(card)


def _lock_first_card(card: Card) -> None:
    if card.first_card_id not in (None, card.id):
        db.session.get(Card, card.first_card_id, with_for_update=True, populate_existing=True)


def _start_writing() -> None:
    """On SQLite, end the transaction that only read (the API key, the nonce): what
    follows begins the one that writes, which holds the database's single write lock
    from its first statement (BEGIN IMMEDIATE, see extensions.py), so the reads stay out
    of it and other workers record meanwhile. PostgreSQL locks only the rows, so one
    transaction serves (and saves two round trips)."""
    if db.session.get_bind().dialect.name == "sqlite":
        _commit_as_is()


def _commit_as_is() -> None:
    """Commit, and keep what the session holds as it is instead of expiring it all: it
    is what this transaction read (the cards under lock) and wrote, so nothing needs
    reading again for the answer (on SQLite that would take the write lock again)."""
    session = db.session()
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def _replay(nonce: str, venue: Site, request: dict) -> Use | None:
    """The use an earlier request with this nonce recorded, if it asked for the same."""
    use = db.session.scalar(_USE_BY_NONCE, {"nonce": nonce})
    if use is None:
        return None
    card, _, _ = identify(request["code"])
    same = (
        use.venue_id == venue.id
        and card is not None
        and use.card_id == card.id
        and use.children == request["children"]
        and use.clients == request["clients"]
        and use.assistant == int(request["assistant"])
        and str(use.event_id or "") == str(request["event_id"] or "")
        and use.kind == request["kind"]
        and (request["on"] is None or use.day == request["on"])
    )
    if not same:
        raise Conflict(_l("This nonce was already used for another request."), "nonce")
    return use


def void_use(use_id, venue: Site) -> Use:
    """Undo a use recorded at this venue within the last 15 minutes."""
    use_id = check_int("id", use_id, 1, 2**31 - 1)  # the column is a 32-bit integer
    use = db.session.get(Use, use_id)
    if use is None or use.venue_id != venue.id:
        raise NotFound(_l("No such use at this venue."))
    _start_writing()
    _lock_holder(use.card)
    db.session.refresh(use, with_for_update=True)
    if use.voided_at is None:
        if not can_undo(use):
            raise Conflict(_l("A use can be undone only within 15 minutes of recording it."))
        use.voided_at = utcnow()
        tallies.count_use(use, -1)
        _commit_as_is()
    return use


def venue_uses(venue: Site, start, end, *, after: int = 0, limit: int = 100) -> list[Use]:
    """The venue's uses (undone ones too, marked so) on days ``start`` to ``end``, by
    id from the one after ``after``: a page of a longer list, read by its last id."""
    return list(
        db.session.scalars(
            select(Use)
            .where(Use.venue_id == venue.id, Use.day >= start, Use.day <= end, Use.id > after)
            .order_by(Use.id)
            .limit(limit)
        )
    )


def recent_uses(venue: Site, ids: list[int] | None = None, limit: int = 10) -> list[Use]:
    """The venue's latest uses (optionally only these ids), newest first."""
    query = select(Use).where(Use.venue_id == venue.id)
    if ids is not None:
        query = query.where(Use.id.in_(ids))
    return list(db.session.scalars(query.order_by(Use.id.desc()).limit(limit)))


def undo_until(use: Use) -> datetime:
    """The end of a use's undo window, which counts from when the server recorded it
    (a use kept offline: when it arrived)."""
    return (use.received_at or use.recorded_at) + UNDO_WINDOW


def can_undo(use: Use) -> bool:
    return use.voided_at is None and utcnow() <= undo_until(use)
