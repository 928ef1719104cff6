"""Coordinators: areas, users, events, late entries, card stock, the audit trail; sites
and their API keys in site_views.py, municipalities in municipality_views.py, importing
the old registry in import_views.py.

A national admin sees everything; an area's admin sees that area. Lists are
searchable (``q``) and paged; every create form posts back to its list.
"""

import secrets
from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from .. import event_pages, late_entries
from ..core import access, accounts, audit, cards, municipalities
from ..core.clock import day_start_utc
from ..core.exceptions import Forbidden, KaikuError, NotFound
from ..core.printing import LAYOUTS, cards_pdf
from ..core.tables import Column, Table
from ..core.tokens import card_url
from ..extensions import db
from ..labels import CARD_STATUS_WORDS
from ..models import Area, AuditEntry, Batch, Card, Event, Site, User
from ..reports import export
from ..web import form_errors, paginate, role_required
from . import audit_view

bp = Blueprint("admin", __name__, url_prefix="/admin")
STOCK_COLUMNS = (_l("Card number"), _l("Link"), _l("Status"), _l("Issuing site"))


def _search(query, *columns):
    q = request.args.get("q", "").strip()[:100]
    if q:
        query = query.where(or_(*(column.icontains(q, autoescape=True) for column in columns)))
    return query


def _areas_in_scope():
    query = select(Area).order_by(Area.code)
    if not current_user.is_national_admin:
        query = query.where(Area.id == current_user.area_id)
    return list(db.session.scalars(query))


def _network_members_in_scope():
    """The municipalities whose coordinators this admin may add: of the networks they manage."""
    members = municipalities.in_networks()
    if current_user.is_national_admin:
        return members
    return [member for member in members if member.area_id == current_user.area_id]


def _sites_in_scope(kind=None):
    """The open sites this admin may pick for new users, stock and events."""
    query = (
        select(Site)
        .where(access.site_scope(current_user), Site.closed_at.is_(None))
        .order_by(Site.name)
    )
    if kind:
        query = query.where(Site.kind == kind)
    return list(db.session.scalars(query))


def _form_page(template: str, create, keep=(), **context):
    """GET: the list. POST: ``create(form)``, then back to the list or the errors. The
    fields named in ``keep`` stay chosen for the next one (as query arguments)."""
    errors = {}
    if request.method == "POST":
        try:
            message = create(request.form)
        except KaikuError as error:
            errors = form_errors(error)
        else:
            if message:
                flash(message, "success")
                kept = {name: request.form.get(name) for name in keep if request.form.get(name)}
                return redirect(url_for(request.endpoint, **request.view_args, **kept))
    context = {name: value() if callable(value) else value for name, value in context.items()}
    status = 422 if errors else 200
    return render_template(template, errors=errors, form=request.form, **context), status


def _site_or_404(slug: str) -> Site:
    try:
        return access.site_for(current_user, slug)
    except NotFound:
        abort(404)


@bp.get("")
@role_required("admin")
def index():
    scope = current_user.area.name if current_user.area else _l("the whole country")
    return render_template("admin/index.html", scope=scope)


@bp.route("/areas", methods=["GET", "POST"])
@role_required("admin")
def areas():
    def create(form):
        if not current_user.is_national_admin:
            raise Forbidden(_l("Only a national admin can add areas."))
        area = accounts.create_area(form.get("code"), form.get("name"), actor=current_user)
        return _l("Area %(code)s added.", code=area.code)

    query = _search(select(Area).order_by(Area.code), Area.code, Area.name)
    if not current_user.is_national_admin:
        query = query.where(Area.id == current_user.area_id)
    return _form_page("admin/areas.html", create, page=lambda: paginate(query))


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    link = None

    def create(form):
        nonlocal link
        role = form.get("role")
        if role == "admin" and not current_user.is_national_admin:
            raise Forbidden(_l("Only a national admin can add admins."), "role")
        user = accounts.create_user(
            form.get("email"),
            role=role,
            password=secrets.token_urlsafe(24),
            site_slug=form.get("site") or None,
            area_code=form.get("area") or None,
            municipality_code=form.get("municipality") or None,
            actor=current_user,
        )
        link = _reset_url(user)
        return None  # stay on the page: the link is shown once

    query = _search(
        select(User).where(access.user_scope(current_user)).order_by(User.email), User.email
    )
    response = _form_page(
        "admin/users.html",
        create,
        page=lambda: paginate(query),
        sites=_sites_in_scope,
        areas=_areas_in_scope,
        municipalities=_network_members_in_scope,
    )
    if link:
        return render_template("admin/link.html", link=link, email=request.form.get("email"))
    return response


def _reset_url(user: User) -> str:
    return accounts.reset_url(accounts.reset_link(user, actor=current_user))


@bp.post("/users/<int:user_id>/active")
@role_required("admin")
def set_active(user_id: int):
    """Close an account, or open it again."""
    user = _user_or_404(user_id)
    try:
        accounts.set_active(user, request.form.get("active") == "1", actor=current_user)
    except KaikuError as error:
        flash(error.message, "error")
    else:
        flash(
            _l("%(email)s can log in.", email=user.email)
            if user.active
            else _l("%(email)s can no longer log in.", email=user.email),
            "success",
        )
    return redirect(url_for("admin.users"))


def _user_or_404(user_id: int) -> User:
    """A user this admin may manage: national admins are for national admins only."""
    user = db.session.scalar(
        select(User).where(User.id == user_id, access.user_scope(current_user))
    )
    if user is None or (user.role == "admin" and not current_user.is_national_admin):
        abort(404)
    return user


@bp.post("/users/<int:user_id>/reset")
@role_required("admin")
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    return render_template("admin/link.html", link=_reset_url(user), email=user.email)


@bp.route("/events", methods=["GET", "POST"])
@role_required("admin")
def events():
    def create(form):
        event = accounts.create_event(
            form.get("venue"),
            form.get("name"),
            date=form.get("date"),
            quota=form.get("quota"),
            offline_quota=form.get("offline_quota"),
            actor=current_user,
        )
        return _l("Event %(name)s added.", name=event.name)

    query = _search(
        select(Event).where(access.event_scope(current_user)).order_by(Event.date.desc()),
        Event.name,
    )
    return _form_page(
        "admin/events.html",
        create,
        page=lambda: paginate(query),
        venues=lambda: _sites_in_scope("venue"),
    )


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_event(event_id: int):
    return event_pages.edit(
        _event_or_404(event_id),
        back=url_for("admin.events"),
        delete_action=url_for("admin.delete_event", event_id=event_id),
    )


@bp.post("/events/<int:event_id>/delete")
@role_required("admin")
def delete_event(event_id: int):
    return event_pages.delete(
        _event_or_404(event_id),
        back=url_for("admin.events"),
        here=url_for("admin.edit_event", event_id=event_id),
    )


def _event_or_404(event_id: int) -> Event:
    try:
        return access.event_for(current_user, event_id)
    except NotFound:
        abort(404)


@bp.route("/late", methods=["GET", "POST"])
@role_required("admin")
def late():
    """Uses noted on paper at any venue of the coordinator's area, with their real day."""
    return late_entries.page()


@bp.route("/areas/<code>", methods=["GET", "POST"])
@role_required("admin")
def area(code: str):
    try:
        area = accounts.find_area(code, current_user)
    except KaikuError:
        abort(404)
    errors = {}
    if request.method == "POST":
        try:
            accounts.update_area(area, request.form.get("name"), actor=current_user)
        except KaikuError as error:
            db.session.rollback()
            errors = form_errors(error)
        else:
            flash(_l("Area %(code)s saved.", code=area.code), "success")
            return redirect(url_for("admin.areas"))
    form = request.form if errors else {"name": area.name}
    return render_template(
        "admin/area.html",
        area=area,
        form=form,
        errors=errors,
        members=municipalities.members(area),
    ), (422 if errors else 200)


@bp.route("/stock", methods=["GET", "POST"])
@role_required("admin")
def stock():
    def create(form):
        site = accounts.find_site(form.get("site"), current_user)
        issued = cards.issue_cards(site.area, site, form.get("count"), actor=current_user)
        return _l("%(n)s cards generated for %(site)s.", n=len(issued), site=site.name)

    query = (
        select(Batch)
        .where(Batch.site_id.in_(select(Site.id).where(access.site_scope(current_user))))
        .order_by(Batch.id.desc())
    )
    return _form_page(
        "admin/stock.html",
        create,
        keep=("site",),
        page=lambda: paginate(query),
        issuers=lambda: _sites_in_scope("issuer"),
    )


def _batch_cards(batch_id: int) -> tuple[Batch, list[Card]]:
    batch = db.session.get(Batch, batch_id)
    if batch is None:
        abort(404)
    _site_or_404(batch.site.slug)
    return batch, list(
        db.session.scalars(select(Card).where(Card.batch_id == batch.id).order_by(Card.number))
    )


@bp.get("/stock/<int:batch_id>.pdf")
@role_required("admin")
def batch_pdf(batch_id: int):
    batch, batch_cards = _batch_cards(batch_id)
    layout = request.args.get("layout") if request.args.get("layout") in LAYOUTS else "a4"
    return (
        cards_pdf(batch_cards, layout),
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="kaikukortit-{batch.id}-{layout}.pdf"',
        },
    )


@bp.get("/stock/<int:batch_id>.csv")
@role_required("admin")
def batch_csv(batch_id: int):
    """The batch's numbers and links, for a print shop's mail merge: headers in the
    user's language, the separator their spreadsheet expects."""
    batch, batch_cards = _batch_cards(batch_id)
    table = Table(
        "stock",
        _l("Card stock"),
        [Column(label, "text") for label in STOCK_COLUMNS],
        [
            [
                card.display_number,
                card_url(card.number, card.generation),
                CARD_STATUS_WORDS[card.status],
                card.issuing_site.name,
            ]
            for card in batch_cards
        ],
    )
    return export.table_response(table, f"kaikukortit-{batch.id}")


@bp.get("/audit")
@role_required("admin")
def audit_log():
    args = request.args
    since = _day_start(args.get("since"))
    until = _day_start(args.get("until"), next_day=True)
    query = audit.entries(
        access.audit_scope(current_user),
        actor=args.get("actor"),
        action=args.get("action") or None,
        target=args.get("target"),
        since=since,
        until=until,
    )
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(access.audit_scope(current_user))
        .distinct()
        .order_by(AuditEntry.action)
    )
    return render_template(
        "admin/audit.html",
        page=paginate(query, per_page=50),
        actions=[(action, audit_view.action_words(action)) for action in actions],
        args=args,
        actor_words=audit_view.actor_words,
        action_words=audit_view.action_words,
        target_words=audit_view.target_words,
        changes=audit_view.changes,
    )


def _day_start(text, next_day: bool = False):
    """Where a Finnish calendar day starts, for a date filter (None when not a date)."""
    try:
        day = date.fromisoformat(text or "")
        return day_start_utc(day + timedelta(days=1) if next_day else day)
    except (ValueError, OverflowError):
        return None


from . import import_views, municipality_views, site_views, wellbeing_views  # noqa: E402,F401  (their routes, on this blueprint)
