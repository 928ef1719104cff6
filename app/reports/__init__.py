"""Statistics for every staff role, each scoped to what the role may count:
dashboards with charts, the yearly national table, and CSV exports."""

from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..core import access, municipalities, stats, wellbeing
from ..core.exceptions import InvalidInput
from ..core.tables import suppressed
from ..extensions import db
from ..models import Area
from ..web import form_errors, role_required
from . import answers, export, municipal, tables

bp = Blueprint("reports", __name__, url_prefix="/reports")
STAFF = ("admin", "issuer", "venue", "municipality")
TOP = 20  # rows of a long table on the page; the CSV has them all


bp.before_request(stats.read_only)


def _period() -> stats.Period:
    return stats.check_period(request.args.get("start"), request.args.get("end"))


def _scope() -> str:
    """Whose figures these are, for the page's subtitle."""
    user = current_user
    if user.role == "admin":
        return user.area.name if user.area else _l("the whole country")
    if user.role == "municipality":
        return municipalities.name(user.municipality)
    return user.site.name


def _publish() -> bool:
    return request.args.get("publish") == "1"


@bp.get("")
@role_required(*STAFF)
def index():
    holders_page = ("reports.holders", _l("Holders"))
    return _dashboard(
        tables.ROLE_TABLES[current_user.role],
        _l("Statistics"),
        holders_page if current_user.role in tables.HOLDER_ROLES else None,
    )


@bp.get("/holders")
@role_required(*tables.HOLDER_ROLES)
def holders():
    """Who the holders are, and how many renewed or did not use their card: apart from
    the dashboard, which stays quick."""
    return _dashboard(tables.HOLDER_TABLES, _l("Holders"), ("reports.index", _l("Statistics")))


def _dashboard(names, title, other_page):
    """A page of tables for a period (the period's form above them), and a link to the
    other page of tables with the same period."""
    try:
        period = _period()
    except InvalidInput as error:
        return render_template(
            "reports/index.html",
            title=title,
            other_page=other_page,
            errors=form_errors(error),
            args=request.args,
            tables=[],
            scope=_scope(),
            presets=_presets(),
        ), 400
    return render_template(
        "reports/index.html",
        title=title,
        other_page=other_page,
        errors={},
        args=request.args,
        period=period,
        earlier=period.year_earlier(),
        tables=tables.dashboard(current_user, period, names=names),
        top=TOP,
        scope=_scope(),
        presets=_presets(),
    )


def _presets() -> list[tuple[object, date, date]]:
    """Periods a coordinator asks for most: this year so far, last year, last month."""
    this_year = stats.year_to_date()
    first_of_month = this_year.end.replace(day=1)
    last_month_end = date.fromordinal(first_of_month.toordinal() - 1)
    return [
        (_l("This year so far"), this_year.start, this_year.end),
        (
            _l("Last year"),
            date(this_year.start.year - 1, 1, 1),
            date(this_year.start.year - 1, 12, 31),
        ),
        (_l("Last month"), last_month_end.replace(day=1), last_month_end),
    ]


YEARLY = {  # tables of every year, not of a period: name -> builder
    "national": tables.national,
    "yearly": tables.yearly,  # its first layout, as scripts read it
}


@bp.get("/years")
@role_required("admin")
def years():
    """The national yearly table, exact or as published (``?publish=1``)."""
    return render_template(
        "reports/years.html",
        table=_table("national"),
        publish=_publish(),
        rounding_note=export.ROUNDING_NOTE,
        scope=_scope(),
    )


@bp.get("/<name>.csv")
@role_required(*STAFF)
def table_csv(name: str):
    return export.table_response(_table(name), _filename(name))


@bp.get("/<name>.xlsx")
@role_required(*STAFF)
def table_xlsx(name: str):
    return export.workbook_response(_table(name), _filename(name))


def _table(name: str):
    """A table this user may see, by name: a yearly one, or a dashboard's for the period
    asked; small counts hidden outside the admin role and when asked to publish."""
    if name in YEARLY:
        if current_user.role != "admin":
            abort(404)
        table = YEARLY[name](current_user)
        return suppressed(table) if _publish() else table
    if name not in tables.allowed(current_user.role):
        abort(404)
    (table,) = tables.dashboard(current_user, _period(), names=[name], publish=_publish())
    return table


def _filename(name: str) -> str:
    if name in YEARLY:
        return f"kaiku-{name}"
    period = _period()
    return f"kaiku-{name}-{period.start}-{period.end}"


@bp.get("/municipality")
@role_required("admin", "municipality")
def municipality_index():
    """A coordinator's own municipality; for an admin, the municipalities of their networks."""
    if current_user.role == "municipality":
        return redirect(url_for(".municipality", code=current_user.municipality_code))
    members = [
        member
        for member in municipalities.in_networks()
        if current_user.is_national_admin or member.area_id == current_user.area_id
    ]
    return render_template("reports/municipalities.html", members=members, scope=_scope())


@bp.get("/municipality/<code>")
@role_required("admin", "municipality")
def municipality(code: str):
    report = _municipal_report(code)
    return render_template(
        "reports/municipality.html",
        report=report,
        summary=municipal.summary(report),
        title=municipal.title(report),
        years=[(year, year) for year in municipal.years()],
        rounding_note=export.ROUNDING_NOTE,
    )


@bp.get("/municipality/<code>.pdf")
@role_required("admin", "municipality")
def municipality_pdf(code: str):
    report = _municipal_report(code)
    return Response(
        municipal.report_pdf(report),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": (
                f'attachment; filename="kaikukortti-{report.municipality.code}-{report.year}.pdf"'
            )
        },
    )


def _municipal_report(code: str) -> municipal.Report:
    municipality = access.municipality_for(current_user, code)
    year = request.args.get("year") or municipal.default_year()
    if str(year) not in map(str, municipal.years()):
        raise InvalidInput(_l("Choose a year from the list."), "year")
    return municipal.report(municipality, int(year))


@bp.get("/wellbeing")
@role_required("admin")
def wellbeing_answers():
    """The wellbeing questions' answers of a year, in the holders' home area or all."""
    year, area = _wellbeing_filters()
    return render_template(
        "reports/wellbeing.html",
        year=year,
        area=area,
        years=[(choice, choice) for choice in wellbeing.years()],
        areas=_answer_areas(),
        tables=_wellbeing_tables(year, area),
        publish=_publish(),
        rounding_note=export.ROUNDING_NOTE,
        scope=area.name if area else _l("the whole country"),
    )


@bp.get("/wellbeing/<name>.<kind>")
@role_required("admin")
def wellbeing_table(name: str, kind: str):
    year, area = _wellbeing_filters()
    table = next((t for t in _wellbeing_tables(year, area) if t.name == name), None)
    if table is None or kind not in ("csv", "xlsx"):
        abort(404)
    filename = f"kaiku-{name}-{year}{'-' + area.code if area else ''}"
    if kind == "xlsx":
        return export.workbook_response(table, filename)
    return export.table_response(table, filename)


def _wellbeing_filters() -> tuple[int, Area | None]:
    year = request.args.get("year") or str(wellbeing.years()[0])
    if year not in map(str, wellbeing.years()):
        raise InvalidInput(_l("Choose a year from the list."), "year")
    return int(year), access.answers_area(current_user, request.args.get("area"))


def _wellbeing_tables(year: int, area: Area | None):
    language = str(get_locale() or "fi")
    return answers.tables(year, area.id if area else None, language, _publish())


def _answer_areas() -> list[Area]:
    """The areas a national admin may pick (an area's admin has their own)."""
    if not current_user.is_national_admin:
        return []
    return list(db.session.scalars(select(Area).order_by(Area.name)))


@bp.get("/uses.csv")
@role_required("admin")
def uses_csv():
    """Every counted use in the period, one row each, streamed."""
    period = _period()
    return export.uses_response(current_user, period, f"kaiku-uses-{period.start}-{period.end}")


def csv_url(name: str, excel: bool = False, **extra) -> str:
    """The CSV (or Excel file) of a dashboard table for the period on screen."""
    args = {key: request.args[key] for key in ("start", "end") if request.args.get(key)}
    endpoint = "reports.table_xlsx" if excel else "reports.table_csv"
    return url_for(endpoint, name=name, **args, **extra)


bp.add_app_template_global(csv_url)
bp.add_app_template_filter(export.shown, "figure")
