"""Municipalities: the list, which network each is in since when, and loading
Statistics Finland's classification (a preview first, then the change)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from ..core import access, accounts, municipalities
from ..core.exceptions import InvalidInput, KaikuError
from ..extensions import db
from ..models import Area, Municipality
from ..web import form_errors, paginate, refusal_status, role_required
from . import bp


def _page(errors=None, status=200):
    q = request.args.get("q", "").strip()[:100]
    swedish = str(get_locale()) == "sv"
    query = select(Municipality).order_by(Municipality.name_sv if swedish else Municipality.name_fi)
    if q:
        query = query.where(
            or_(
                *(
                    column.icontains(q, autoescape=True)
                    for column in (Municipality.code, Municipality.name_fi, Municipality.name_sv)
                )
            )
        )
    return render_template(
        "admin/municipalities.html",
        page=paginate(query, per_page=50),
        areas=list(db.session.scalars(select(Area).order_by(Area.name))),
        outside=[m for m in municipalities.everyone() if m.area_id is None],
        form=request.form,
        errors=errors or {},
    ), status


@bp.get("/municipalities")
@role_required("admin")
def municipality_list():
    return _page()


@bp.post("/municipalities/join")
@role_required("admin")
def join_network():
    try:
        area = accounts.find_area(request.form.get("area"), current_user)
        municipality = municipalities.join_network(
            area, request.form.get("municipality"), request.form.get("joined_on"), current_user
        )
    except KaikuError as error:
        return _page(form_errors(error), refusal_status(error))
    flash(
        _l(
            "%(name)s is in the network %(area)s.",
            name=municipalities.name(municipality),
            area=area.name,
        ),
        "success",
    )
    return redirect(url_for("admin.municipality_list"))


@bp.post("/municipalities/<code>/leave")
@role_required("admin")
def leave_network(code: str):
    try:
        municipality = municipalities.leave_network(municipalities.find(code), current_user)
    except KaikuError as error:
        return _page(form_errors(error), refusal_status(error))
    flash(_l("%(name)s is in no network now.", name=municipalities.name(municipality)), "success")
    return redirect(url_for("admin.municipality_list"))


@bp.post("/municipalities/population")
@role_required("admin")
def load_population():
    try:
        upload = request.files.get("population")
        if upload is None or not upload.filename:
            raise InvalidInput(_l("Choose the population file (CSV)."), "population")
        rows = municipalities.load_population(upload.read(), current_user)
    except KaikuError as error:
        errors = form_errors(error)
        if "file" in errors:  # what the file's lines lack, said beside this form's field
            errors["population"] = errors.pop("file")
        return _page(errors, refusal_status(error))
    flash(
        _l(
            "Population loaded: %(count)d municipalities and years (%(years)s).",
            count=len(rows),
            years=", ".join(str(year) for year in sorted({year for _, year, _ in rows})),
        ),
        "success",
    )
    return redirect(url_for("admin.municipality_list"))


@bp.post("/municipalities/load")
@role_required("admin")
def load_classification():
    """An uploaded file gets a preview; the preview's button sends its text back to load."""
    try:
        access.check_national_admin(current_user)
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            data = upload.read()
            changes = municipalities.compare(municipalities.read_classification(data))
            return render_template(
                "admin/municipalities_preview.html",
                changes=changes,
                text=data.decode("utf-8-sig", errors="replace"),
            )
        text = request.form.get("text")
        if not text:
            raise InvalidInput(_l("Choose the classification file (CSV)."), "file")
        changes = municipalities.load_classification(text.encode(), current_user)
    except KaikuError as error:
        return _page(form_errors(error), refusal_status(error))
    flash(
        _l(
            "Municipalities loaded: %(added)d added, %(changed)d changed.",
            added=len(changes.added),
            changed=len(changes.changed),
        ),
        "success",
    )
    return redirect(url_for("admin.municipality_list"))
