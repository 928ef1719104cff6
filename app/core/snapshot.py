"""What a desk keeps to judge signed codes offline, with nothing secret in it.

Each entry stands for one signed code (a card's current code as each signing key signs
it, and its older generations') and is 12 bytes, 16 base64 characters:

* a 3-byte *tag*: SHA-256 of ``TAG_PREFIX + "<number>-<generation>"``. About 2^40 numbers
  and their generations share 2^24 tags, so a tag names no card; it only tells the desk
  that a code claiming this number is known, so that one with a wrong signature is
  refused as forged, and one the snapshot has never heard of is merely unconfirmed.
* a 9-byte *code hash*: SHA-256 of ``CODE_PREFIX + token``. The token carries the
  signature, which no one can compute without the registry's key.

A code passes offline only if both parts match one entry: whatever an attacker tries
matches one of N entries with probability N / 2^96, and aiming at one entry's tag still
leaves 2^72 tries for its code hash; for N = 2^21 (a million cards, two keys) that is
2^75 hash evaluations, above the 2^64 the programme asks for (README, Offline desk).
"""

import base64
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from ..extensions import db
from ..models import Card, Event, Site, Use
from .checkin import tickets_given
from .clock import local_today
from .tokens import every_token

FORMAT = 1
TAG_PREFIX = b"kaiku-offline-v1 number "
CODE_PREFIX = b"kaiku-offline-v1 code "
TAG_BYTES, CODE_BYTES = 3, 9
DAYS_AHEAD = 2  # the snapshot's verdicts cover today and the next days
EXPIRED_DAYS = 366  # cards expired this recently are still told apart offline


def entry(token: str) -> bytes:
    """The 12 bytes that stand for one signed code (desk.js computes the same)."""
    payload = token.partition(".")[0].encode()
    tag = hashlib.sha256(TAG_PREFIX + payload).digest()[:TAG_BYTES]
    return tag + hashlib.sha256(CODE_PREFIX + token.encode()).digest()[:CODE_BYTES]


@dataclass(frozen=True)
class Group:
    """Entries that get the same offline verdict."""

    status: str  # valid, not_yet_valid, expired, blocked, replaced, unregistered, old_code
    children: int = 0
    clients: int = 0
    valid_from: str | None = None  # only where it falls in the days the snapshot covers
    valid_until: str | None = None


def build(venue: Site) -> dict:
    """The snapshot for one venue's desks, as JSON data; the same registry gives the same
    data (``etag`` hashes it), so any server process answers a refresh alike."""
    today = local_today()
    last_day = today + timedelta(days=DAYS_AHEAD)
    groups: dict[Group, list[bytes]] = defaultdict(list)
    for card in _cards(today):
        group = _group(card, today, last_day)
        for generation in range(1, card.generation + 1):
            old = generation < card.generation
            for token in every_token(card.number, generation):
                groups[Group("old_code") if old else group].append(entry(token))
    days = [(today + timedelta(days=n)).isoformat() for n in range(DAYS_AHEAD + 1)]
    data = {
        "format": FORMAT,
        "venue": venue.slug,
        "days": days,
        "max_age_hours": current_app.config["OFFLINE_MAX_AGE_HOURS"],
        "entry": {
            "algorithm": "sha256",
            "tag_prefix": TAG_PREFIX.decode(),
            "tag_bytes": TAG_BYTES,
            "code_prefix": CODE_PREFIX.decode(),
            "code_bytes": CODE_BYTES,
        },
        "groups": [
            {**_fields(group), "entries": _joined(entries)}
            for group, entries in sorted(groups.items(), key=lambda item: repr(item[0]))
        ],
        "events": _events(venue, today, last_day),
        "used_today": _joined(_used(venue, today)),
    }
    return data


def etag(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def _cards(today):
    """Every card whose code a desk may be shown: stock, valid, not yet valid, blocked
    or replaced, and expired in the last year (older ones are unconfirmed offline)."""
    recent = today - timedelta(days=EXPIRED_DAYS)
    return db.session.execute(
        select(
            Card.number,
            Card.generation,
            Card.status,
            Card.kind,
            Card.children,
            Card.client_cap,
            Card.valid_from,
            Card.valid_until,
        )
        .where(or_(Card.status.in_(("unregistered", "blocked")), Card.valid_until >= recent))
        .order_by(Card.id)
        .execution_options(yield_per=5000)
    )


def _group(card, today, last_day) -> Group:
    if card.status != "active":
        return Group(card.status)
    if card.valid_until < today:
        return Group("expired")
    if card.valid_from > last_day:
        return Group("not_yet_valid")
    return Group(
        "valid",
        children=card.children,
        clients=card.client_cap or 0,
        valid_from=card.valid_from.isoformat() if card.valid_from > today else None,
        valid_until=card.valid_until.isoformat() if card.valid_until < last_day else None,
    )


def _fields(group: Group) -> dict:
    return {name: value for name, value in vars(group).items() if value not in (None, 0)}


def _joined(entries: list[bytes]) -> str:
    return base64.b64encode(b"".join(sorted(entries))).decode()


def _events(venue: Site, today, last_day) -> list[dict]:
    events = db.session.scalars(
        select(Event)
        .where(Event.venue_id == venue.id, Event.date >= today, Event.date <= last_day)
        .order_by(Event.date, Event.id)
    )
    return [
        {
            "id": event.id,
            "name": event.name,
            "date": event.date.isoformat(),
            "quota": event.quota,
            "offline_quota": event.offline_quota,
            "given": tickets_given(event),
            "used": _joined(_used(venue, today, event)),
        }
        for event in events
    ]


def _used(venue: Site, today, event: Event | None = None) -> list[bytes]:
    """The codes of the holders who already used a card here today (or at the event):
    offline, the desk refuses them as it would online."""
    holders = select(Use.first_card_id).where(
        Use.venue_id == venue.id,
        Use.voided_at.is_(None),
        Use.event_id == event.id if event else Use.event_id.is_(None),
        *(() if event else (Use.day == today,)),
    )
    cards = db.session.execute(
        select(Card.number, Card.generation).where(
            Card.first_card_id.in_(holders), Card.status == "active"
        )
    )
    return [
        entry(token) for number, generation in cards for token in every_token(number, generation)
    ]
