"""Areas, sites, staff accounts, API keys and events."""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import CATEGORIES, ROLES, SITE_KINDS, ApiKey, Area, Event, Site, User
from .clock import utcnow
from .exceptions import Conflict, InvalidInput, NotFound
from .validation import (
    check_choice,
    check_email,
    check_int,
    check_password,
    check_slug,
    check_text,
)

API_KEY_PREFIX = "kaiku_"
_LAST_USED_RESOLUTION = timedelta(minutes=1)  # don't write on every request


def _unique(model, column, value, field: str):
    if db.session.scalar(select(model).where(column == value)) is not None:
        raise Conflict(_l("%(value)s already exists.", value=value), field)


def find_area(code) -> Area:
    area = db.session.scalar(select(Area).where(Area.code == str(code).strip().upper()))
    if area is None:
        raise NotFound(_l("No area with code %(code)s.", code=code), "area")
    return area


def find_site(slug) -> Site:
    site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        raise NotFound(_l("No site %(slug)s.", slug=slug), "site")
    return site


def find_venue(slug) -> Site:
    site = find_site(slug)
    if site.kind != "venue":
        raise InvalidInput(_l("%(slug)s is not a venue.", slug=slug), "venue")
    return site


def create_area(code, name) -> Area:
    code = check_text("code", code, 16).upper()
    _unique(Area, Area.code, code, "code")
    area = Area(code=code, name=check_text("name", name, 120))
    db.session.add(area)
    db.session.commit()
    return area


def create_site(slug, name, *, area_code, kind, category=None) -> Site:
    slug = check_slug(slug)
    kind = check_choice("kind", kind, SITE_KINDS)
    if kind == "venue":
        category = check_choice("category", category or "culture", CATEGORIES)
    elif category:
        raise InvalidInput(_l("Only a venue has a default category."), "category")
    _unique(Site, Site.slug, slug, "slug")
    site = Site(
        slug=slug,
        name=check_text("name", name, 120),
        area=find_area(area_code),
        kind=kind,
        category=category,
    )
    db.session.add(site)
    db.session.commit()
    return site


def create_user(email, *, role, password, site_slug=None) -> User:
    email = check_email(email)
    role = check_choice("role", role, ROLES)
    password = check_password(password)
    site = find_site(site_slug) if site_slug else None
    if role != "admin" and site is None:
        raise InvalidInput(_l("An issuer or venue user needs a site."), "site")
    if site is not None and role != "admin" and site.kind != role:
        raise InvalidInput(
            _l("A %(role)s user needs a site of that kind.", role=role), "site"
        )
    _unique(User, User.email, email, "email")
    user = User(
        email=email, role=role, site=site, password_hash=generate_password_hash(password)
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate_user(email, password) -> User | None:
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_key(site_slug) -> tuple[ApiKey, str]:
    """A new key for a site: (record, the key itself). Only the hash is kept."""
    site = find_site(site_slug)
    raw = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(site=site, key_hash=_hash_key(raw))
    db.session.add(key)
    db.session.commit()
    return key, raw


def authenticate_key(raw) -> ApiKey | None:
    if not isinstance(raw, str) or not raw.startswith(API_KEY_PREFIX) or len(raw) > 200:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash_key(raw)))
    if key is not None:
        now = utcnow()
        if key.last_used_at is None or now - key.last_used_at > _LAST_USED_RESOLUTION:
            key.last_used_at = now
            db.session.commit()
    return key


def create_event(venue_slug, name, *, date, quota=None) -> Event:
    venue = find_venue(venue_slug)
    if quota is not None:
        quota = check_int("quota", quota, 0, 100_000)
    event = Event(venue=venue, name=check_text("name", name, 200), date=date, quota=quota)
    db.session.add(event)
    db.session.commit()
    return event


def events_on(venue: Site, day) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event).where(Event.venue_id == venue.id, Event.date == day).order_by(Event.id)
        )
    )
