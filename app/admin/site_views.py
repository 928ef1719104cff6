"""Sites: the list, adding and changing one, closing and opening it again, its API keys."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..core import access, accounts, municipalities
from ..core.exceptions import KaikuError
from ..extensions import db
from ..models import ApiKey, Site
from ..web import check_ticked, form_errors, paginate, role_required
from . import _areas_in_scope, _form_page, _search, _site_or_404, bp


@bp.route("/sites", methods=["GET", "POST"])
@role_required("admin")
def sites():
    def create(form):
        site = accounts.create_site(
            form.get("slug"),
            form.get("name"),
            area_code=form.get("area"),
            kind=form.get("kind"),
            **_details(form),
            actor=current_user,
        )
        return _l("Site %(name)s added.", name=site.name)

    query = _search(
        select(Site).where(access.site_scope(current_user)).order_by(Site.name),
        Site.slug,
        Site.name,
    )
    return _form_page(
        "admin/sites.html",
        create,
        page=lambda: paginate(query),
        areas=_areas_in_scope,
        municipalities=municipalities.everyone,
    )


def _details(form) -> dict:
    """What adding and changing a site both read from its form (admin/_site_fields.html)."""
    return {
        "category": form.get("category") or None,
        "contact": form.get("contact") or None,
        "municipality": form.get("municipality"),
        "offers": form.getlist("offers"),
        "default_use": form.get("default_use"),
    }


@bp.route("/sites/<slug>", methods=["GET", "POST"])
@role_required("admin")
def site(slug: str):
    """Change a site's name, contact, a venue's category and the municipality."""
    site = _site_or_404(slug)
    errors = {}
    if request.method == "POST":
        form = request.form
        try:
            accounts.update_site(site, form.get("name"), **_details(form), actor=current_user)
        except KaikuError as error:
            db.session.rollback()
            errors = form_errors(error)
        else:
            flash(_l("Site %(name)s saved.", name=site.name), "success")
            return redirect(url_for("admin.sites"))
    form = (
        request.form
        if errors
        else {
            "name": site.name,
            "category": site.category,
            "contact": site.contact,
            "municipality": site.municipality_code,
            "offers": (site.offers or "").split(),
            "default_use": site.default_use,
        }
    )
    return render_template(
        "admin/site.html",
        site=site,
        form=form,
        errors=errors,
        municipalities=municipalities.everyone(),
    ), (422 if errors else 200)


@bp.post("/sites/<slug>/close")
@role_required("admin")
def close_site(slug: str):
    site = _site_or_404(slug)
    try:
        check_ticked("close-confirm", _l("Tick the box to confirm that the site is to be closed."))
        accounts.close_site(site, actor=current_user)
    except KaikuError as error:
        flash(error.message, "error")
        return redirect(url_for("admin.site", slug=slug))
    flash(
        _l("%(name)s is closed. Its users and API keys no longer work.", name=site.name), "success"
    )
    return redirect(url_for("admin.sites"))


@bp.post("/sites/<slug>/reopen")
@role_required("admin")
def reopen_site(slug: str):
    site = _site_or_404(slug)
    try:
        accounts.reopen_site(site, actor=current_user)
    except KaikuError as error:
        flash(error.message, "error")
    else:
        flash(_l("%(name)s is open again.", name=site.name), "success")
    return redirect(url_for("admin.site", slug=slug))


@bp.route("/sites/<slug>/keys", methods=["GET", "POST"])
@role_required("admin")
def api_keys(slug: str):
    site = _site_or_404(slug)
    if request.method == "POST":
        key, raw = accounts.create_api_key(site.slug, actor=current_user)
        return render_template("admin/key.html", site=site, key=key, raw=raw)
    keys = paginate(select(ApiKey).where(ApiKey.site_id == site.id).order_by(ApiKey.id.desc()))
    return render_template("admin/keys.html", site=site, page=keys)


@bp.post("/keys/<int:key_id>/revoke")
@role_required("admin")
def revoke_key(key_id: int):
    key = db.session.get(ApiKey, key_id)
    if key is None:
        abort(404)
    site = _site_or_404(key.site.slug)
    accounts.revoke_api_key(key, actor=current_user)
    flash(_l("The key was revoked. Calls with it are refused from now on."), "success")
    return redirect(url_for("admin.api_keys", slug=site.slug))
