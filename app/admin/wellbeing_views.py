"""The wellbeing questions' versions, kept by national admins: a draft is changed and put
in use; the version in use is only replaced (core/wellbeing.py)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core import access, wellbeing
from ..core.exceptions import Forbidden, KaikuError, NotFound
from ..web import check_ticked, form_errors, refusal_status, role_required
from . import bp

QUESTION_FIELDS = tuple(
    f"{part}_{language}" for part in ("text", "options") for language in wellbeing.LANGUAGES
)


def _national_admin():
    try:
        access.check_national_admin(current_user)
    except Forbidden:
        abort(403)


def _version(version: str):
    try:
        return wellbeing.find_version(version)
    except NotFound:
        abort(404)


@bp.get("/wellbeing")
@role_required("admin")
def wellbeing_versions():
    _national_admin()
    return render_template("admin/wellbeing.html", versions=wellbeing.versions())


@bp.post("/wellbeing")
@role_required("admin")
def new_wellbeing_version():
    _national_admin()
    try:
        draft = wellbeing.new_version(current_user)
    except KaikuError as error:
        flash(error.message, "error")
        return redirect(url_for("admin.wellbeing_versions"))
    flash(
        _l("Version %(n)d is a draft: change it, then put it in use.", n=draft.version), "success"
    )
    return redirect(url_for("admin.wellbeing_version", version=draft.version))


def _version_page(version_set, errors=None, status=200):
    return render_template(
        "admin/wellbeing_version.html", version=version_set, errors=errors or {}
    ), status


@bp.get("/wellbeing/<version>")
@role_required("admin")
def wellbeing_version(version: str):
    _national_admin()
    return _version_page(_version(version))


def _question_page(version_set, question, form, errors=None, status=200):
    return render_template(
        "admin/wellbeing_question.html",
        version=version_set,
        question=question,
        form=form,
        errors=errors or {},
    ), status


def _question_form(question) -> dict:
    """A question as its form shows it: each language's answers one a line."""
    if question is None:
        return {}
    form = {f"text_{language}": question.text(language) for language in wellbeing.LANGUAGES}
    for language in wellbeing.LANGUAGES:
        form[f"options_{language}"] = "\n".join(o.text(language) for o in question.options)
    return form


@bp.route("/wellbeing/<version>/questions/<question_id>", methods=["GET", "POST"])
@role_required("admin")
def wellbeing_question(version: str, question_id: str):
    """A draft's question (``new``: one to add)."""
    _national_admin()
    version_set = _version(version)
    question = None
    if question_id != "new":
        try:
            question = wellbeing.find_question(version_set, question_id)
        except NotFound:
            abort(404)
    if request.method == "GET":
        return _question_page(version_set, question, _question_form(question))
    given = {name: request.form.get(name) for name in QUESTION_FIELDS}
    try:
        wellbeing.save_question(version_set, question, current_user, **given)
    except KaikuError as error:
        return _question_page(
            version_set, question, request.form, form_errors(error), refusal_status(error)
        )
    flash(_l("The question was saved."), "success")
    return redirect(url_for("admin.wellbeing_version", version=version_set.version))


@bp.post("/wellbeing/<version>/questions/<int:question_id>/<action>")
@role_required("admin")
def change_wellbeing_question(version: str, question_id: int, action: str):
    """Move a draft's question up or down, or delete it."""
    _national_admin()
    version_set = _version(version)
    try:
        question = wellbeing.find_question(version_set, question_id)
        if action == "delete":
            wellbeing.delete_question(question, current_user)
            flash(_l("The question was deleted."), "success")
        elif action in ("up", "down"):
            wellbeing.move_question(question, -1 if action == "up" else 1, current_user)
        else:
            abort(404)
    except KaikuError as error:
        return _version_page(version_set, form_errors(error), refusal_status(error))
    return redirect(url_for("admin.wellbeing_version", version=version_set.version))


@bp.post("/wellbeing/<version>/publish")
@role_required("admin")
def publish_wellbeing_version(version: str):
    _national_admin()
    version_set = _version(version)
    try:
        check_ticked(
            "publish-confirm", _l("Tick the box to confirm: a version in use can't be changed.")
        )
        wellbeing.publish(version_set, current_user)
    except KaikuError as error:
        return _version_page(version_set, form_errors(error), refusal_status(error))
    flash(
        _l("Version %(n)d is in use: issuers ask it from now on.", n=version_set.version), "success"
    )
    return redirect(url_for("admin.wellbeing_version", version=version_set.version))


@bp.post("/wellbeing/<version>/delete")
@role_required("admin")
def delete_wellbeing_version(version: str):
    _national_admin()
    version_set = _version(version)
    try:
        wellbeing.delete_draft(version_set, current_user)
    except KaikuError as error:
        return _version_page(version_set, form_errors(error), refusal_status(error))
    flash(_l("The draft was deleted."), "success")
    return redirect(url_for("admin.wellbeing_versions"))
