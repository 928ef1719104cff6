"""Who may see what: national admins everything, an area's admin their area,
an issuer their own site's cards, a venue its own uses, a municipality's
coordinator the figures of its residents and its venues. Out of scope looks
exactly like missing (NotFound), so nothing leaks across sites."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select, true

from ..extensions import db
from ..models import Area, AuditEntry, Card, Event, Municipality, Site, Use, User
from .checkin import find_card
from .exceptions import Forbidden, NotFound


@dataclass(frozen=True)
class Viewer:
    """What the scopes need to know of a user: plain values, safe to hand to the
    threads that run the statistics' queries side by side."""

    role: str
    area_id: int | None
    site_id: int | None
    municipality_code: str | None = None

    @classmethod
    def of(cls, user: User) -> "Viewer":
        return cls(user.role, user.area_id, user.site_id, user.municipality_code)

    @property
    def is_national_admin(self) -> bool:
        return self.role == "admin" and self.area_id is None


def second_factor_required(user: User) -> bool:
    """Admins see the most: outside development they sign in with an app's code too."""
    return user.role == "admin" and not current_app.config["DEV"]


def may_use_second_factor(user: User) -> bool:
    """Issuers and municipalities' coordinators may turn it on; desk accounts stay
    password-only (shared phones)."""
    return user.role in ("admin", "issuer", "municipality")


def check_national_admin(user: User | None) -> None:
    """The country-wide lists (municipalities and the networks they are in) are changed
    by a national admin, or by an operator at the command line (no user)."""
    if user is not None and not (user.role == "admin" and user.area_id is None):
        raise Forbidden(_l("Only a national admin can change this."))


def late_entry_venues(user: User) -> list[Site]:
    """Where a user may enter late uses: a venue's users at their venue, a coordinator at
    any open venue of the area (a national one: anywhere)."""
    if user.role == "venue":
        return [user.site]
    if user.role != "admin":
        return []
    query = select(Site).where(Site.kind == "venue", Site.closed_at.is_(None), site_scope(user))
    return list(db.session.scalars(query.order_by(Site.name)))


def card_scope(user: User):
    if user.role == "admin":
        return true() if user.area_id is None else Card.home_area_id == user.area_id
    if user.role == "issuer":
        return Card.issuing_site_id == user.site_id
    if user.role == "municipality":
        return Card.municipality_code == user.municipality_code
    return false()


def use_scope(user: User, uses=Use):
    """An area counts the uses at its venues and the uses of its cards anywhere, and so
    does a municipality, its residents' uses. (``uses`` may be MonthlyUses, which has
    the columns but the issuing site and the home municipality.) The venues are listed,
    not selected in a subquery: PostgreSQL can't tell how many uses ``venue_id IN
    (SELECT ...)`` keeps and reads them all, where a list lets it find a municipality's
    few in ix_use_municipalities and ix_use_places."""
    if user.role == "admin":
        if user.area_id is None:
            return true()
        venues = _venues(Site.area_id == user.area_id)
        return (uses.home_area_id == user.area_id) | uses.venue_id.in_(venues)
    if user.role == "issuer":
        return uses.issuing_site_id == user.site_id
    if user.role == "municipality":
        venues = _venues(Site.municipality_code == user.municipality_code)
        return (uses.home_municipality_code == user.municipality_code) | uses.venue_id.in_(venues)
    return uses.venue_id == user.site_id


def _venues(where) -> list[int]:
    return list(db.session.scalars(select(Site.id).where(where)))


def area_scope(user: User):
    """The areas an admin manages: all of them nationally, else their own."""
    if user.role == "admin":
        return true() if user.area_id is None else Area.id == user.area_id
    return false()


def site_scope(user: User):
    if user.role == "admin":
        return true() if user.area_id is None else Site.area_id == user.area_id
    return Site.id == user.site_id


def user_scope(user: User):
    """Admins see the users of the sites they see (and, nationally, other admins)."""
    if user.is_national_admin:
        return true()
    if user.role == "admin":
        members = select(Municipality.code).where(Municipality.area_id == user.area_id)
        return (
            User.site_id.in_(select(Site.id).where(Site.area_id == user.area_id))
            | (User.area_id == user.area_id)
            | User.municipality_code.in_(members)
        )
    return User.id == user.id


def event_scope(user: User):
    return Event.venue_id.in_(select(Site.id).where(site_scope(user)))


def audit_scope(user: User):
    if user.is_national_admin:
        return true()
    if user.role == "admin":
        return AuditEntry.area_id == user.area_id
    return false()


def card_for(user: User, number) -> Card:
    """The card with this number, imported ID or scanned code if ``user`` may see it;
    NotFound otherwise."""
    try:
        card = find_card(number)
    except NotFound:
        card = None
    if (
        card is None
        or db.session.scalar(select(Card.id).where(Card.id == card.id, card_scope(user))) is None
    ):
        raise NotFound(_l("No card with this number at your site."), "number")
    return card


def event_for(user: User, event_id) -> Event:
    event = db.session.scalar(select(Event).where(Event.id == event_id, event_scope(user)))
    if event is None:
        raise NotFound(_l("No such event."), "event")
    return event


def municipality_for(user: User, code) -> Municipality:
    """A municipality whose figures ``user`` may read: their own as its coordinator, any
    in their area's network as an area's admin, any as a national admin."""
    query = select(Municipality).where(Municipality.code == code)
    if user.role == "municipality":
        query = query.where(Municipality.code == user.municipality_code)
    elif user.role == "admin" and user.area_id is not None:
        query = query.where(Municipality.area_id == user.area_id)
    elif user.role != "admin":
        query = query.where(false())
    municipality = db.session.scalar(query) if isinstance(code, str) else None
    if municipality is None:
        raise NotFound(_l("No such municipality."), "municipality")
    return municipality


def answers_area(user: User, code) -> Area | None:
    """Whose wellbeing answers an admin may count: a national admin's, the whole country's
    (None) or an area's by its code; an area's admin, their own area's."""
    if user.role != "admin":
        raise Forbidden(_l("Only admins count the wellbeing answers."))
    if user.area_id is not None:
        return user.area
    if not code:
        return None
    area = (
        db.session.scalar(select(Area).where(Area.code == code)) if isinstance(code, str) else None
    )
    if area is None:
        raise NotFound(_l("No such area."), "area")
    return area


def site_for(user: User, slug) -> Site:
    site = db.session.scalar(select(Site).where(Site.slug == slug, site_scope(user)))
    if site is None:
        raise NotFound(_l("No such site."), "site")
    return site
