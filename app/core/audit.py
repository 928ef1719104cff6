"""The audit trail: every change an admin or issuer makes, with before and after.

Entries are written in the same transaction as the change they describe, and
never changed afterwards: a flush that tries raises, and the database's own triggers
refuse it whatever the code does. They are deleted only by the retention rule
(``prune``), once older than the floor the triggers enforce.
"""

import json
from datetime import date, datetime, timedelta

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import ApiKey, AuditEntry, User
from .clock import utcnow

COMMAND_LINE = "command line"
API_KEY = "API key"  # an entry's actor: "API key 3 (theatre)"
# A holder's own data: the trail says that it was set or changed, never what it is.
HOLDER_FIELDS = ("birth_year", "postcode", "gender", "life_situation")
HOLDER_DATA_CHANGED = "holder_data_changed"
# Entries may be deleted once older than this, and only then: the database's triggers
# refuse anything else (migrations/versions/*_0003_*).
RETENTION_FLOOR = timedelta(days=365)


def without_holder_data(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {name: value for name, value in values.items() if name not in HOLDER_FIELDS}


def log(
    actor: User | ApiKey | None,
    action: str,
    target: str,
    *,
    before=None,
    after=None,
    area_id=None,
    site_id=None,
) -> None:
    """Add an entry to the current transaction; the caller's commit keeps both or neither.
    ``actor``: a user, a venue's ticketing system by its API key, or (None) an operator."""
    db.session.add(
        AuditEntry(
            actor_id=actor.id if isinstance(actor, User) else None,
            actor=actor_name(actor),
            action=action,
            target=target,
            before=_json(before),
            after=_json(after),
            area_id=area_id,
            site_id=site_id,
        )
    )


def actor_name(actor: User | ApiKey | None) -> str:
    if isinstance(actor, ApiKey):
        return f"{API_KEY} {actor.id} ({actor.site.slug})"
    return actor.email if actor else COMMAND_LINE


def _json(values: dict | None) -> str | None:
    if values is None:
        return None

    def plain(value):
        return value.isoformat() if isinstance(value, (date, datetime)) else value

    return json.dumps({key: plain(value) for key, value in values.items()}, ensure_ascii=False)


def entries(scope, *, actor=None, action=None, target=None, since=None, until=None):
    """A query of the entries an admin may read, newest first, filtered."""
    query = select(AuditEntry).where(scope).order_by(AuditEntry.id.desc())
    actor, target = (actor or "")[:100], (target or "")[:100]
    if actor:
        query = query.where(AuditEntry.actor.icontains(actor, autoescape=True))
    if action:
        query = query.where(AuditEntry.action == action)
    if target:
        query = query.where(AuditEntry.target.icontains(target, autoescape=True))
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return query


def prune(retention: timedelta) -> int:
    """Delete the entries older than ``retention`` (at least RETENTION_FLOOR); how many."""
    if retention < RETENTION_FLOOR:
        raise ValueError(f"the audit trail is kept at least {RETENTION_FLOOR.days} days")
    result = db.session.execute(delete(AuditEntry).where(AuditEntry.at < utcnow() - retention))
    db.session.commit()
    return result.rowcount


@event.listens_for(Session, "before_flush")
def _append_only(session, _context, _instances):
    for entry in (*session.dirty, *session.deleted):
        if isinstance(entry, AuditEntry):
            raise RuntimeError("audit entries are append-only")
