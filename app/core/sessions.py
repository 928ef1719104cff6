"""Staff sessions, kept on the server: a copied cookie opens nothing once its session has
ended. A session ends at logout, after STAFF_IDLE_MINUTES without a request (a working
day by default), and everywhere at once when the user's password is set or reset or the
account is closed."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import StaffSession, User
from .clock import utcnow

SEEN_RESOLUTION = timedelta(minutes=1)  # a request notes the time at most once a minute
KEPT_FOR = timedelta(days=30)  # ended sessions are deleted after this

_OPEN = (
    select(StaffSession)
    .options(joinedload(StaffSession.user))
    .where(StaffSession.key_hash == bindparam("hash"), StaffSession.ended_at.is_(None))
)


def start(user: User) -> str:
    """A new session for a user who just logged in; its key, for the cookie. Sessions
    that ended (or were last used) over KEPT_FOR ago are deleted meanwhile."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    ended = func.coalesce(StaffSession.ended_at, StaffSession.last_seen_at)
    db.session.execute(delete(StaffSession).where(ended < now - KEPT_FOR))
    db.session.add(StaffSession(key_hash=_hash(key), user=user, started_at=now, last_seen_at=now))
    db.session.commit()
    return key


def user_for(key) -> User | None:
    """The active user whose open session this key is, or None (then it has ended)."""
    if not isinstance(key, str) or not key:
        return None
    staff_session = db.session.scalar(_OPEN, {"hash": _hash(key)})
    if staff_session is None or not staff_session.user.may_log_in:
        return None
    now = utcnow()
    if now - staff_session.last_seen_at > _idle_limit():
        _end(StaffSession.id == staff_session.id, now)
        return None
    mark_seen(staff_session, "last_seen_at", now)
    return staff_session.user


def end(key) -> None:
    """Logout: this session, on every server."""
    if isinstance(key, str) and key:
        _end(StaffSession.key_hash == _hash(key), utcnow())


def end_all(user: User, keep: str | None = None) -> None:
    """Sign the user out everywhere (but the session ``keep``), in the caller's transaction."""
    condition = StaffSession.user_id == user.id
    if keep:
        condition &= StaffSession.key_hash != _hash(keep)
    db.session.execute(
        update(StaffSession)
        .where(condition, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def mark_seen(row, attribute: str, now) -> None:
    """Note when a session or an API key was last used, at most once a minute. The
    request may be in a transaction that only reads (the API's): that one ends first."""
    seen = getattr(row, attribute)
    if seen is None or now - seen > SEEN_RESOLUTION:
        db.session.commit()
        setattr(row, attribute, now)
        db.session.commit()


def _end(condition, now) -> None:
    db.session.commit()  # as in mark_seen: a transaction that reads may be open
    db.session.execute(
        update(StaffSession).where(condition, StaffSession.ended_at.is_(None)).values(ended_at=now)
    )
    db.session.commit()


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
