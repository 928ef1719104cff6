"""Moving from the old registry, for national admins: upload an export, see what it
would do (every refused row and conflict, in words), then import it; and the mappings
of another export's column names and status words, saved to use again."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core import access, imports
from ..core.exceptions import KaikuError
from ..web import form_errors, refusal_status, role_required
from . import bp

SHOWN_ROWS = 200  # refused rows and conflicts listed on the preview; the CSV has them all


def _page(errors=None, status=200):
    return render_template(
        "admin/imports.html",
        mappings=[(saved, imports.mapping_of(saved)) for saved in imports.saved_mappings()],
        columns=imports.COLUMNS,
        all_columns=imports.ALL_COLUMNS,
        statuses=imports.STATUSES,
        form=request.form,
        errors=errors or {},
    ), status


def _national_admin():
    try:
        access.check_national_admin(current_user)
    except KaikuError:
        abort(403)


@bp.get("/import")
@role_required("admin")
def imports_page():
    _national_admin()
    return _page()


@bp.get("/import/<kind>.csv")
@role_required("admin")
def import_sample(kind: str):
    """Kaiku's import format, as a file to start from."""
    _national_admin()
    if kind not in imports.COLUMNS:
        abort(404)
    name = imports.sample(kind).name
    return Response(
        imports.sample(kind).read_bytes(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/import")
@role_required("admin")
def upload_import():
    """Keep the file, and show what importing it would do (nothing is written yet)."""
    _national_admin()
    try:
        upload = request.files.get("file")
        kept = imports.keep_upload(
            request.form.get("kind"),
            upload.filename if upload else "",
            upload.read() if upload else b"",
            request.form.get("mapping"),
            current_user,
        )
    except KaikuError as error:
        return _page(form_errors(error), refusal_status(error))
    try:
        return _preview(kept, imports.run_upload(kept, dry_run=True))
    except KaikuError as error:  # (kept only to be imported)
        imports.discard_upload(kept)
        return _page(form_errors(error), refusal_status(error))


def _preview(upload, report):
    return render_template(
        "admin/import_preview.html", upload=upload, report=report, shown=SHOWN_ROWS
    )


@bp.post("/import/<int:upload_id>")
@role_required("admin")
def run_import(upload_id: int):
    _national_admin()
    try:
        upload = imports.find_upload(upload_id, current_user)
        report = imports.run_upload(
            upload, dry_run=False, skip_invalid=request.form.get("skip_invalid") == "yes"
        )
    except KaikuError as error:
        return _page(form_errors(error), refusal_status(error))
    if not report.written:  # (the file can't have changed; a row's card may have)
        return _preview(upload, report), 422
    flash(" ".join(imports.summary(report)[:2]), "success")
    return redirect(url_for("admin.imports_page"))


@bp.get("/import/<int:upload_id>/refused.csv")
@role_required("admin")
def refused_rows(upload_id: int):
    """The refused rows of an upload as they were, with why: to fix and upload again."""
    _national_admin()
    try:
        report = imports.run_upload(imports.find_upload(upload_id, current_user), dry_run=True)
    except KaikuError as error:
        return _page(form_errors(error), refusal_status(error))
    return Response(
        "\ufeff" + report.refused_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="refused.csv"'},
    )


@bp.post("/import/<int:upload_id>/discard")
@role_required("admin")
def discard_import(upload_id: int):
    _national_admin()
    try:
        imports.discard_upload(imports.find_upload(upload_id, current_user))
    except KaikuError as error:
        return _page(form_errors(error), refusal_status(error))
    flash(_l("The file was not imported, and is no longer kept."), "success")
    return redirect(url_for("admin.imports_page"))


@bp.post("/import/mappings")
@role_required("admin")
def save_mapping():
    """A mapping from the form: the file's name for each of Kaiku's columns, and the
    file's words for each status (separated by commas)."""
    _national_admin()
    form = request.form
    try:
        columns = {
            name: form[f"column-{name}"]
            for name in imports.ALL_COLUMNS
            if form.get(f"column-{name}", "").strip()
        }
        statuses = {
            word.strip(): status
            for status in imports.STATUSES
            for word in form.get(f"status-{status}", "").split(",")
            if word.strip()
        }
        mapping = imports.check_mapping(columns, statuses)
        saved = imports.save_mapping(form.get("name"), mapping, current_user)
    except KaikuError as error:
        return _page(form_errors(error), refusal_status(error))
    flash(_l("Mapping %(name)s saved.", name=saved.name), "success")
    return redirect(url_for("admin.imports_page"))
