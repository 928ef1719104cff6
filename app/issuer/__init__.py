"""Issuing sites: register cards to clients, renew, change, block and replace, look up."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_login import current_user
from sqlalchemy import func, select

from ..core import access, cards, municipalities, wellbeing
from ..core.clock import local_today
from ..core.exceptions import KaikuError
from ..core.printing import LAYOUTS, cards_pdf
from ..core.tokens import card_url
from ..extensions import db
from ..models import Card
from ..web import check_ticked, form_errors, gather, paginate, role_required, scanner_headers

bp = Blueprint("issuer", __name__, url_prefix="/issuer")
bp.after_request(scanner_headers)
# The registration form's fields of each kind of card (both show where scripts don't run,
# and only the chosen kind's count).
REGISTRATION_FIELDS = {
    "personal": ("birth_year", "postcode", "children", "gender", "life_situation"),
    "community": ("organisation", "client_cap"),
}
LOST_CARD_SEARCH = ("registered_on", "birth_year", "postcode")


def _card(number: str) -> Card:
    return access.card_for(current_user, number)


def _to_card(card: Card):
    return redirect(url_for("issuer.card", number=card.number))


@bp.get("")
@role_required("issuer")
def index():
    """The site's registrations, newest first; or those a lost card's holder can describe."""
    site, errors = current_user.site, {}
    search = {name: request.args.get(name, "").strip() for name in LOST_CARD_SEARCH}
    query = gather(errors, lambda: cards.registrations(site, **search))
    stock = db.session.scalar(
        select(func.count())
        .select_from(Card)
        .where(Card.issuing_site_id == site.id, Card.status == "unregistered")
    )
    return render_template(
        "issuer/index.html",
        site=site,
        registered=paginate(query) if query is not None else None,
        searching=any(search.values()),
        search=search,
        stock=stock,
        errors=errors,
        number=request.args.get("number", ""),
    ), (400 if errors else 200)


@bp.get("/find")
@role_required("issuer")
def find():
    number = request.args.get("number", "")
    try:
        return _to_card(_card(number))
    except KaikuError as error:
        site = current_user.site
        return render_template(
            "issuer/index.html",
            site=site,
            registered=None,
            searching=False,
            search={},
            stock=None,
            errors=form_errors(error),
            number=number,
        ), 404


@bp.route("/register", methods=["GET", "POST"])
@role_required("issuer")
def register():
    site = current_user.site
    form = request.form
    if request.method == "GET":
        form = {"kind": "personal", "children": "0", "municipality": site.municipality_code}
    errors = {}
    if request.method == "POST":
        kind = form.get("kind") or "personal"
        values = {name: form.get(name) or None for name in REGISTRATION_FIELDS.get(kind, ())}
        values.update(kind=kind, municipality=form.get("municipality") or None)
        if kind == "personal":
            values["children"] = form.get("children", "0")
        card = gather(errors, lambda: _card(form.get("number", "")))
        # every mistake at once
        gather(errors, lambda: cards.check_registration(**values, site=site))
        if not errors:
            gather(errors, lambda: cards.register_card(card, **values, actor=current_user))
        if not errors:
            flash(
                _l(
                    "Card %(n)s registered, valid until %(d)s.",
                    n=card.display_number,
                    d=format_date(card.valid_until),
                ),
                "success",
            )
            return _to_questions_or_card(card)
    return render_template(
        "issuer/register.html",
        form=form,
        errors=errors,
        municipalities=municipalities.in_networks(),
    ), (422 if errors else 200)


def _to_questions_or_card(card: Card):
    """After a registration or renewal: the wellbeing questions, when they are asked."""
    if wellbeing.open_invitation(card) is not None:
        return redirect(url_for("issuer.questions", number=card.number))
    return _to_card(card)


def _render_card(card: Card, errors=None, status=200):
    return render_template(
        "issuer/card.html",
        card=card,
        invitation=wellbeing.open_invitation(card),
        url=card_url(card.number, card.generation),
        months=cards.uses_by_month(card),
        form=request.form,
        replaced_by=db.session.get(Card, card.replaced_by_id) if card.replaced_by_id else None,
        renewable_from=cards.renewable_from(card),
        municipalities=_municipality_choices(card),
        today=local_today(),
        errors=errors or {},
    ), status


def _municipality_choices(card: Card) -> list:
    """The municipalities a holder may move to, and the one the card has (even if it has
    left its network since: keeping it is no move)."""
    choices = municipalities.in_networks()
    if card.municipality and card.municipality not in choices:
        choices.insert(0, card.municipality)
    return choices


@bp.get("/cards/<number>")
@role_required("issuer")
def card(number: str):
    return _render_card(_card(number))


def _change(number: str, action, done_message, then=_to_card):
    """Apply ``action(card)`` and come back to the card (or ``then``), or show why not.
    ``done_message`` may be a function of the changed card."""
    card = _card(number)
    try:
        result = action(card)
    except KaikuError as error:
        return _render_card(card, form_errors(error), 422)
    flash(done_message(result) if callable(done_message) else done_message, "success")
    return then(result)


@bp.get("/cards/<number>/receipt")
@role_required("issuer")
def receipt(number: str):
    """A slip for the holder with the card's number: a lost card is found by it."""
    card = _card(number)
    if card.status != "active":
        abort(404)
    return render_template("issuer/receipt.html", card=card)


@bp.post("/cards/<number>/uses")
@role_required("issuer")
def uses_printout(number: str):
    """Every visit on the card, to print for its holder who asked (audited)."""
    card = _card(number)
    uses = cards.uses_for_holder(card, current_user)
    return render_template("issuer/uses_printout.html", card=card, uses=uses, today=local_today())


@bp.post("/cards/<number>/correct")
@role_required("issuer")
def correct(number: str):
    form = request.form
    return _change(
        number,
        lambda card: cards.correct_registration(
            card,
            birth_year=form.get("birth_year"),
            postcode=form.get("postcode"),
            gender=form.get("gender"),
            life_situation=form.get("life_situation"),
            municipality=form.get("municipality"),
            organisation=form.get("organisation"),
            client_cap=form.get("client_cap"),
            actor=current_user,
        ),
        _l("The holder's data was corrected."),
    )


@bp.post("/cards/<number>/remove-data")
@role_required("issuer")
def remove_data(number: str):
    def remove(card):
        check_ticked("confirm", _l("Tick the box to confirm that the holder asked for this."))
        return cards.remove_holder_data(card, actor=current_user)

    return _change(
        number,
        remove,
        _l("The holder's data was removed and the card blocked. Its uses stay as counts."),
    )


@bp.post("/cards/<number>/forget-answers")
@role_required("issuer")
def forget_answers(number: str):
    def forget(card):
        check_ticked(
            "forget-confirm", _l("Tick the box to confirm that the holder asked for this.")
        )
        wellbeing.forget_answers(card, current_user)
        return card

    return _change(
        number,
        forget,
        _l("Any answers the holder gave to the wellbeing questions no longer lead to them."),
    )


@bp.post("/cards/<number>/renew")
@role_required("issuer")
def renew(number: str):
    return _change(
        number,
        lambda card: cards.renew_card(card, actor=current_user),
        lambda card: _l(
            "The card was renewed. It is valid until %(date)s.", date=format_date(card.valid_until)
        ),
        then=_to_questions_or_card,
    )


@bp.post("/cards/<number>/children")
@role_required("issuer")
def children(number: str):
    return _change(
        number,
        lambda card: cards.change_children(card, request.form.get("children"), actor=current_user),
        _l("The number of children was changed."),
    )


@bp.post("/cards/<number>/block")
@role_required("issuer")
def block(number: str):
    def block_confirmed(card):
        check_ticked("block-confirm", _l("Tick the box to confirm that the card is to be blocked."))
        return cards.block_card(card, actor=current_user)

    return _change(number, block_confirmed, _l("The card was blocked. Desks will refuse it."))


@bp.post("/cards/<number>/unblock")
@role_required("issuer")
def unblock(number: str):
    return _change(
        number,
        lambda card: cards.unblock_card(card, actor=current_user),
        _l("The card was unblocked. Desks accept it again."),
    )


@bp.post("/cards/<number>/replace")
@role_required("issuer")
def replace(number: str):
    def move(card):
        try:
            replacement = _card(request.form.get("replacement", ""))
        except KaikuError as error:
            error.field = "replacement"
            raise
        return cards.replace_card(card, replacement, actor=current_user)

    return _change(
        number,
        move,
        _l("The old card is blocked as replaced; the new card carries the registration."),
    )


@bp.get("/cards/<number>/card.pdf")
@role_required("issuer")
def print_card(number: str):
    card = _card(number)
    layout = request.args.get("layout") if request.args.get("layout") in LAYOUTS else "card"
    return (
        cards_pdf([card], layout),
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="kaikukortti-{card.number}.pdf"',
        },
    )


def _invitation(card: Card):
    invitation = wellbeing.open_invitation(card)
    if invitation is None:
        abort(404)
    return invitation


def _questions_page(card, invitation, errors=None, status=200, link=None):
    return render_template(
        "issuer/questions.html",
        card=card,
        invitation=invitation,
        form=request.form,
        errors=errors or {},
        link=link,
    ), status


@bp.get("/cards/<number>/questions")
@role_required("issuer")
def questions(number: str):
    """The wellbeing questions of a registration or renewal: asked with the holder now,
    left to a one-time link, or not asked."""
    card = _card(number)
    return _questions_page(card, _invitation(card))


@bp.post("/cards/<number>/questions")
@role_required("issuer")
def answer_questions(number: str):
    card = _card(number)
    invitation = _invitation(card)
    try:
        answered = wellbeing.answer(invitation, wellbeing.choices_in(request.form))
    except KaikuError as error:
        return _questions_page(card, invitation, form_errors(error), 422)
    flash(
        _ln("%(num)d answer saved. Thank you.", "%(num)d answers saved. Thank you.", answered)
        if answered
        else _l("No answers were given: nothing was saved."),
        "success",
    )
    return _to_card(card)


@bp.post("/cards/<number>/questions/link")
@role_required("issuer")
def questions_link(number: str):
    card = _card(number)
    invitation = _invitation(card)
    return _questions_page(
        card, invitation, link=wellbeing.link_url(wellbeing.give_link(invitation))
    )


@bp.post("/cards/<number>/questions/decline")
@role_required("issuer")
def decline_questions(number: str):
    card = _card(number)
    wellbeing.decline(_invitation(card))
    flash(_l("The questions were not asked this time."), "success")
    return _to_card(card)
