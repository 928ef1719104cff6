"""Areas, sites, staff accounts, API keys and events."""

import hashlib
import math
import secrets
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import attempts, db
from ..models import (
    CATEGORIES,
    ROLES,
    SITE_KINDS,
    USE_KINDS,
    ApiKey,
    Area,
    Event,
    Municipality,
    Site,
    Use,
    User,
)
from . import access, audit, checkin, municipalities, sessions
from .clock import utcnow
from .exceptions import Conflict, InvalidInput, NotFound, TooManyAttempts
from .validation import (
    check_all,
    check_choice,
    check_date,
    check_email,
    check_int,
    check_password,
    check_slug,
    check_text,
    field_name,
)

API_KEY_PREFIX = "kaiku_"
RESET_LINK_DAYS = 3
_LIVE_KEY = (  # with its site, which every caller asks for next; built once (see checkin.py)
    select(ApiKey)
    .options(joinedload(ApiKey.site))
    .where(
        ApiKey.key_hash == bindparam("hash"),
        ApiKey.revoked_at.is_(None),
        ApiKey.site.has(Site.closed_at.is_(None)),
    )
)


def _unique(model, column, value, field: str):
    if db.session.scalar(select(model).where(column == value)) is not None:
        raise Conflict(_l("%(value)s already exists.", value=value), field)


def find_area(code, actor: User | None = None) -> Area:
    """The area with this code; with an ``actor``, only one they manage (core/access.py)."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidInput(_l("Choose an area."), "area")
    query = select(Area).where(Area.code == code.strip().upper())
    area = db.session.scalar(query.where(access.area_scope(actor)) if actor else query)
    if area is None:
        raise NotFound(_l("No area with code %(code)s.", code=code), "area")
    return area


def find_site(slug, actor: User | None = None) -> Site:
    """The site; with an ``actor``, only one they may see (core/access.py)."""
    query = select(Site).where(Site.slug == slug)
    site = db.session.scalar(query.where(access.site_scope(actor)) if actor else query)
    if site is None:
        raise NotFound(_l("No site %(slug)s.", slug=slug), "site")
    return site


def find_user(email) -> User:
    user = db.session.scalar(select(User).where(User.email == _account(email)))
    if user is None:
        raise NotFound(_l("No user %(email)s.", email=email), "email")
    return user


def find_venue(slug, actor: User | None = None) -> Site:
    site = find_site(slug, actor)
    if site.kind != "venue":
        raise InvalidInput(_l("%(slug)s is not a venue.", slug=slug), "venue")
    return site


def create_area(code, name, actor: User | None = None) -> Area:
    values = check_all(code=lambda: _area_code(code), name=lambda: check_text("name", name, 120))
    code = values["code"]
    _unique(Area, Area.code, code, "code")
    area = Area(code=code, name=values["name"])
    db.session.add(area)
    db.session.flush()
    audit.log(actor, "area.create", f"area {code}", after={"name": area.name}, area_id=area.id)
    db.session.commit()
    return area


def _area_code(code) -> str:
    code = check_text("code", code, 16).upper()
    if len(code) > 16:  # some letters grow when capitalised (ß -> SS)
        raise InvalidInput(
            _l("%(field)s: at most %(max)d characters.", field=field_name("code"), max=16), "code"
        )
    return code


def create_site(
    slug,
    name,
    *,
    area_code,
    kind,
    category=None,
    contact=None,
    municipality=None,
    offers=(),
    default_use=None,
    actor: User | None = None,
    commit: bool = True,
) -> Site:
    """A new issuing site or venue (audited); ``commit`` False leaves it to the caller
    (a sites file is imported whole or not at all)."""
    values = check_all(
        slug=lambda: check_slug(slug),
        area=lambda: find_area(area_code, actor),
        kind=lambda: check_choice("kind", kind, SITE_KINDS),
        **_site_details(kind, name, category, contact, municipality, offers, default_use),
    )
    slug = values["slug"]
    _unique(Site, Site.slug, slug, "slug")
    site = Site(**values)
    db.session.add(site)
    db.session.flush()
    audit.log(actor, "site.create", f"site {slug}", after=_site_record(site), **_site_scope(site))
    if commit:
        db.session.commit()
    return site


def update_site(
    site: Site,
    name,
    *,
    category=None,
    contact=None,
    municipality=None,
    offers=(),
    default_use=None,
    actor=None,
) -> Site:
    """Change what a site is called, how it is reached, its municipality, and a venue's
    categories and default kind of use; its kind, area and address (slug) stay."""
    values = check_all(
        **_site_details(site.kind, name, category, contact, municipality, offers, default_use)
    )
    before = _site_record(site)
    for column, value in values.items():
        setattr(site, column, value)
    db.session.flush()
    after = _site_record(site)
    if after != before:
        audit.log(
            actor,
            "site.update",
            f"site {site.slug}",
            before=before,
            after=after,
            **_site_scope(site),
        )
    db.session.commit()
    return site


def close_site(site: Site, actor: User | None = None) -> Site:
    """Stop a site: its users' sessions end and they can't log in, its API keys are
    refused; its cards stay valid and its uses and history stay."""
    if site.closed_at is not None:
        raise Conflict(_l("The site is already closed."), "site")
    site.closed_at = utcnow()
    for user in db.session.scalars(select(User).where(User.site_id == site.id)):
        sessions.end_all(user)
    audit.log(actor, "site.close", f"site {site.slug}", **_site_scope(site))
    db.session.commit()
    return site


def reopen_site(site: Site, actor: User | None = None) -> Site:
    """A site closed by mistake works again: its users and keys as they were."""
    if site.closed_at is None:
        raise Conflict(_l("The site is open."), "site")
    site.closed_at = None
    audit.log(actor, "site.reopen", f"site {site.slug}", **_site_scope(site))
    db.session.commit()
    return site


def check_open(site: Site) -> Site:
    """Nothing new (users, keys, stock, events) for a closed site."""
    if site.closed_at is not None:
        raise Conflict(_l("%(name)s is closed.", name=site.name), "site")
    return site


def _site_details(kind, name, category, contact, municipality, offers, default_use) -> dict:
    """The checks of what a site's form may set (create and update alike)."""
    return dict(
        name=lambda: check_text("name", name, 120),
        category=lambda: _site_category(kind, category),
        contact=lambda: check_text("contact", contact, 200) if contact else None,
        municipality=lambda: municipalities.optional(municipality),
        offers=lambda: _venue_offers(kind, category, offers),
        default_use=lambda: _venue_default_use(kind, category, default_use),
    )


def _venue_offers(kind, category, offers) -> str | None:
    """A venue's other categories, space-separated (its default one is not repeated)."""
    category = category or ("culture" if kind == "venue" else None)  # (as _site_category)
    others = [check_choice("offers", offer, CATEGORIES) for offer in offers or ()]
    if others and kind != "venue":
        raise InvalidInput(_l("Only a venue offers categories."), "offers")
    return " ".join(offer for offer in CATEGORIES if offer in others and offer != category) or None


def _venue_default_use(kind, category, default_use) -> str | None:
    """What a venue's desk gives unless it picks otherwise: a course place at a venue of
    education, a ticket elsewhere (None), unless another is chosen."""
    if kind != "venue":
        if default_use:
            raise InvalidInput(_l("Only a venue gives uses."), "default_use")
        return None
    if not default_use:
        return "course_place" if category == "education" else None
    chosen = check_choice("default_use", default_use, USE_KINDS)
    return None if chosen == "ticket" else chosen


def _site_record(site: Site) -> dict:
    return {
        "name": site.name,
        "kind": site.kind,
        "category": site.category,
        "contact": site.contact,
        "municipality": site.municipality_code,
        "offers": site.offers,
        "default_use": site.default_use,
    }


def _site_scope(site: Site) -> dict:
    return {"area_id": site.area_id, "site_id": site.id}


def _site_category(kind, category) -> str | None:
    """A venue's default category for its uses (culture unless given); other sites none."""
    if kind == "venue":
        return check_choice("category", category or "culture", CATEGORIES)
    if category:
        raise InvalidInput(_l("Only a venue has a default category."), "category")
    return None


def create_user(
    email,
    *,
    role,
    password,
    site_slug=None,
    area_code=None,
    municipality_code=None,
    actor: User | None = None,
) -> User:
    """A staff account. An admin with an area coordinates that area; without, the nation.
    A municipality's coordinator reads the figures of one municipality of a network."""
    values = check_all(
        email=lambda: check_email(email),
        role=lambda: _role(role),
        password=lambda: check_password(password),
        site=lambda: check_open(find_site(site_slug, actor)) if site_slug else None,
        area=lambda: find_area(area_code, actor) if area_code else None,
        municipality=lambda: _coordinated(municipality_code, actor) if municipality_code else None,
    )
    email, role, password, site, area, municipality = values.values()
    if (role == "municipality") != (municipality is not None):
        raise InvalidInput(
            _l("A municipality's coordinator needs a municipality, and only they have one."),
            "municipality",
        )
    if role == "municipality" and (site is not None or area is not None):
        raise InvalidInput(
            _l("A municipality's coordinator belongs to a municipality, not a site or area."),
            "site" if site is not None else "area",
        )
    if role == "admin" and site is not None:
        raise InvalidInput(
            _l("An admin belongs to an area or to the whole country, not a site."), "site"
        )
    if role != "admin" and area is not None:
        raise InvalidInput(_l("Only an admin has an area."), "area")
    if role in ("issuer", "venue") and site is None:
        raise InvalidInput(_l("An issuer or venue user needs a site."), "site")
    if site is not None and site.kind != role:
        raise InvalidInput(
            _l("An issuer needs an issuing site.")
            if role == "issuer"
            else _l("A ticket desk needs a venue."),
            "site",
        )
    _unique(User, User.email, email, "email")
    user = User(
        email=email,
        role=role,
        site=site,
        area=area,
        municipality=municipality,
        password_hash=generate_password_hash(password),
    )
    db.session.add(user)
    db.session.flush()
    home = site or municipality  # whose area's admins see the account
    audit.log(
        actor,
        "user.create",
        f"user {email}",
        after={
            "role": role,
            "site": site_slug,
            "area": area.code if area else None,
            "municipality": municipality.code if municipality else None,
        },
        area_id=area.id if area else (home.area_id if home else None),
        site_id=site.id if site else None,
    )
    db.session.commit()
    return user


def _coordinated(code, actor: User | None) -> Municipality:
    """A municipality of a network that ``actor`` manages (any at the command line)."""
    municipality = municipalities.find(code)
    if municipality.area_id is None or (
        actor is not None and actor.area_id not in (None, municipality.area_id)
    ):
        raise InvalidInput(_l("Choose a municipality of a network you manage."), "municipality")
    return municipality


def _role(role) -> str:
    if not role:  # no role by default: a forgotten choice must not make an admin
        raise InvalidInput(_l("Choose a role."), "role")
    return check_choice("role", role, ROLES)


def change_password(user: User, current, new, session_key: str | None = None) -> None:
    """The user's own change: the current password first. Every other session ends."""
    if not isinstance(current, str) or not check_password_hash(user.password_hash, current):
        raise InvalidInput(_l("The current password is wrong."), "current")
    _set_password(user, new, user, "user.password", keep=session_key)


def reset_link(user: User, actor: User | None) -> str:
    """A one-time link that lets ``user`` choose a new password. The old password
    stops working now; the link stops working once used, or after 3 days."""
    user.password_hash = "reset:" + secrets.token_hex(16)  # matches no password
    sessions.end_all(user)  # and every open session ends
    audit.log(actor, "user.reset", f"user {user.email}", **audit_scope_of(user))
    db.session.commit()
    return _reset_serializer().dumps({"user": user.id, "hash": user.password_hash})


def reset_url(token: str) -> str:
    """The link to give the user, on the service's own address (never a Host header)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/reset/{token}"


def audit_scope_of(user: User) -> dict:
    """Where a user's audit entries belong, so that their area's admin sees them."""
    return {
        "site_id": user.site_id,
        "area_id": user.area_id or (user.site.area_id if user.site else None),
    }


def user_for_reset_link(token) -> User:
    try:
        data = _reset_serializer().loads(token, max_age=RESET_LINK_DAYS * 24 * 3600)
    except (BadSignature, TypeError):
        data = None
    user = db.session.get(User, data["user"]) if isinstance(data, dict) else None
    if user is None or user.password_hash != data.get("hash"):
        raise InvalidInput(_l("This link has expired or has already been used."), "token")
    return user


def set_password_from_link(token, new) -> User:
    user = user_for_reset_link(token)
    _set_password(user, new, user, "user.password")
    return user


def _set_password(user: User, new, actor: User, action: str, keep: str | None = None) -> None:
    """A new password ends every session of the user (but ``keep``, the one that set it)."""
    user.password_hash = generate_password_hash(check_password(new))
    sessions.end_all(user, keep)
    audit.log(actor, action, f"user {user.email}", **audit_scope_of(user))
    db.session.commit()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="kaiku.password-reset")


def log_in(email, password, address: str | None) -> User | None:
    """The user these credentials open, or None. The attempt is counted first (see
    core/attempts.py): past the limit, TooManyAttempts, and the password is not checked.
    A user with a second factor has not finished: core/second_factor.py does that."""
    account = _account(email)
    count_attempt(account, address)
    user = authenticate_user(email, password)
    if user is not None and not user.totp_secret:
        attempts.forget(account, address or "")
    return user


def count_attempt(account: str, address: str | None) -> None:
    """Count one login attempt (a password or a code); past the limit, TooManyAttempts."""
    wait = attempts.take(account, address or "")
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooManyAttempts(
            _ln(
                "Too many login attempts. Try again in %(num)d minute.",
                "Too many login attempts. Try again in %(num)d minutes.",
                minutes,
            ),
            wait,
        )


def _account(email) -> str:
    return email.strip().lower() if isinstance(email, str) else ""


def authenticate_user(email, password) -> User | None:
    """The active user with this e-mail and password. Every answer costs one password
    hash, so that the time taken doesn't tell which e-mails have accounts."""
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_unknown_user_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.may_log_in:
        return None
    return user


@cache
def _unknown_user_hash() -> str:
    """A hash made the way real ones are, to check passwords for e-mails that have none."""
    return generate_password_hash(secrets.token_hex(16))


def set_active(user: User, active: bool, actor: User | None = None) -> User:
    """Close an account (its sessions end at once) or open it again."""
    if actor is not None and user.id == actor.id:
        raise Conflict(_l("You cannot close your own account."), "user")
    before = {"active": user.active}
    user.active = bool(active)
    sessions.end_all(user)
    audit.log(
        actor,
        "user.active",
        f"user {user.email}",
        before=before,
        after={"active": user.active},
        **audit_scope_of(user),
    )
    db.session.commit()
    return user


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_key(site_slug, actor: User | None = None) -> tuple[ApiKey, str]:
    """A new key for a venue: (record, the key itself). Only the hash is kept."""
    site = check_open(find_venue(site_slug))
    raw = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(site=site, key_hash=_hash_key(raw))
    db.session.add(key)
    db.session.flush()
    audit.log(
        actor,
        "api_key.create",
        f"api key {key.id}",
        after={"site": site.slug},
        area_id=site.area_id,
        site_id=site.id,
    )
    db.session.commit()
    return key, raw


def revoke_api_key(key: ApiKey, actor: User | None = None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        audit.log(
            actor,
            "api_key.revoke",
            f"api key {key.id}",
            after={"site": key.site.slug},
            area_id=key.site.area_id,
            site_id=key.site_id,
        )
        db.session.commit()
    return key


def authenticate_key(raw) -> ApiKey | None:
    if not isinstance(raw, str) or not raw.startswith(API_KEY_PREFIX) or len(raw) > 200:
        return None
    key = db.session.scalar(_LIVE_KEY, {"hash": _hash_key(raw)})
    if key is not None:
        sessions.mark_seen(key, "last_used_at", utcnow())
    return key


def _event_values(name, date, quota, offline_quota, **more_checks) -> dict:
    """An event's checked fields (and ``more_checks``'), every mistake at once: a quota
    may be empty (no limit); the tickets one device may give offline can't be more than
    the quota."""

    def count(field, value):
        return None if value is None or value == "" else check_int(field, value, 0, 100_000)

    values = check_all(
        name=lambda: check_text("name", name, 200),
        date=lambda: check_date("date", date),
        quota=lambda: count("quota", quota),
        offline_quota=lambda: count("offline_quota", offline_quota),
        **more_checks,
    )
    if None not in (values["quota"], values["offline_quota"]):
        if values["offline_quota"] > values["quota"]:
            raise InvalidInput(
                _l("One device can't give more tickets offline than the event's quota."),
                "offline_quota",
            )
    return values


def create_event(
    venue_slug, name, *, date, quota=None, offline_quota=None, actor: User | ApiKey | None = None
) -> Event:
    """A venue's event; ``actor`` a user (who sees only venues they may), or a venue's
    ticketing system by its API key (which names its own venue)."""
    scope = actor if isinstance(actor, User) else None
    values = _event_values(
        name, date, quota, offline_quota, venue=lambda: check_open(find_venue(venue_slug, scope))
    )
    event = Event(**values)
    venue = values.pop("venue")
    db.session.add(event)
    db.session.flush()
    audit.log(
        actor,
        "event.create",
        f"event {event.id}",
        after={"venue": venue.slug, **values},
        area_id=venue.area_id,
        site_id=venue.id,
    )
    db.session.commit()
    return event


def update_event(
    event: Event, name, *, date, quota=None, offline_quota=None, actor: User | None = None
) -> Event:
    """Change an event's name, date or quotas (audited). Its quota can't drop below the
    free tickets already given."""
    values = _event_values(name, date, quota, offline_quota)
    given = checkin.tickets_given(event)
    if values["quota"] is not None and values["quota"] < given:
        raise InvalidInput(
            _l("%(n)d free tickets have been given already: the quota can't be less.", n=given),
            "quota",
        )
    before = {field: getattr(event, field) for field in values}
    for field, value in values.items():
        setattr(event, field, value)
    audit.log(
        actor,
        "event.update",
        f"event {event.id}",
        before=before,
        after=values,
        area_id=event.venue.area_id,
        site_id=event.venue_id,
    )
    db.session.commit()
    return event


def delete_event(event: Event, actor: User | None = None) -> None:
    """An event entered by mistake. One with uses (even undone ones) stays: they refer to it."""
    if db.session.scalar(select(Use.id).where(Use.event_id == event.id).limit(1)) is not None:
        raise Conflict(
            _l("Uses have been recorded for this event: it can't be deleted. Change it instead."),
            "event",
        )
    audit.log(
        actor,
        "event.delete",
        f"event {event.id}",
        before={"name": event.name, "date": event.date, "quota": event.quota},
        area_id=event.venue.area_id,
        site_id=event.venue_id,
    )
    db.session.delete(event)
    db.session.commit()


def update_area(area: Area, name, actor: User | None = None) -> Area:
    """Rename an area (its code stays: addresses and files use it)."""
    name = check_all(name=lambda: check_text("name", name, 120))["name"]
    before = {"name": area.name}
    area.name = name
    if before != {"name": name}:
        audit.log(
            actor,
            "area.update",
            f"area {area.code}",
            before=before,
            after={"name": name},
            area_id=area.id,
        )
    db.session.commit()
    return area


def events_between(venues: list[Site], first, last) -> list[Event]:
    """The venues' events from ``first`` to ``last`` (days), latest first: those a late
    entry may be for."""
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.venue_id.in_([venue.id for venue in venues]),
                Event.date >= first,
                Event.date <= last,
            )
            .order_by(Event.date.desc(), Event.id)
        )
    )


def events_from(venue: Site, day) -> list[Event]:
    """The venue's events on ``day`` and after, soonest first: a box office hands out
    free tickets days before a show (advance tickets)."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.venue_id == venue.id, Event.date >= day)
            .order_by(Event.date, Event.id)
        )
    )
