"""The wellbeing questions asked at registration and renewal (since 2025).

A national admin keeps versions of a few questions, each with fixed answers in Finnish,
Swedish and English: a draft is edited, the version in use never changes, and a newer
one replaces it. Registering or renewing a personal card opens an invitation for that
period of the card; the holder answers with the issuer, or alone through a one-time
link, or not at all (every question may be skipped; answering is voluntary). Answers
are counted, never shown per person: see WellbeingAnswer for what names a holder, and
``forget_holders`` for how that goes.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, extract, func, select, update

from ..extensions import db
from ..models import (
    Card,
    CardPeriod,
    User,
    WellbeingAnswer,
    WellbeingInvitation,
    WellbeingOption,
    WellbeingQuestion,
    WellbeingSet,
)
from . import access, audit
from .clock import local_today, utcnow
from .exceptions import Conflict, InvalidInput, InvalidInputs, NotFound
from .validation import check_all, check_text, field_name

ANSWER_DAYS = 14  # how long after a registration or renewal its questions may be answered
MAX_QUESTIONS = 10
OPTIONS = range(2, 8)  # how many answers a question offers
LANGUAGES = ("fi", "sv", "en")
QUESTION_LENGTH, OPTION_LENGTH = 300, 120


# -- The versions -----------------------------------------------------------------------


def versions() -> list[WellbeingSet]:
    """Every version, the newest first."""
    return list(db.session.scalars(select(WellbeingSet).order_by(WellbeingSet.version.desc())))


def in_use() -> WellbeingSet | None:
    return db.session.scalar(
        select(WellbeingSet).where(
            WellbeingSet.published_at.is_not(None), WellbeingSet.retired_at.is_(None)
        )
    )


def find_version(version) -> WellbeingSet:
    number = int(version) if str(version).isdigit() and len(str(version)) < 7 else None
    found = db.session.scalar(select(WellbeingSet).where(WellbeingSet.version == number))
    if found is None:
        raise NotFound(_l("No such version of the questions."), "version")
    return found


def find_question(version_set: WellbeingSet, question_id) -> WellbeingQuestion:
    for question in version_set.questions:
        if str(question.id) == str(question_id):
            return question
    raise NotFound(_l("No such question."), "question")


def new_version(actor: User | None = None) -> WellbeingSet:
    """A draft: a copy of the version in use (or of the newest), to change and put in use."""
    access.check_national_admin(actor)
    draft = next((found for found in versions() if found.state == "draft"), None)
    if draft is not None:
        raise Conflict(
            _l("Version %(n)d is a draft: finish or delete it first.", n=draft.version),
            "version",
        )
    model = in_use() or next(iter(versions()), None)
    created = WellbeingSet(version=(model.version + 1) if model else 1)
    for question in model.questions if model else []:
        created.questions.append(
            WellbeingQuestion(
                position=question.position,
                **_texts(question),
                options=[
                    WellbeingOption(position=option.position, **_texts(option))
                    for option in question.options
                ],
            )
        )
    db.session.add(created)
    db.session.flush()
    _audit(actor, "wellbeing.draft", created, copied=model.version if model else None)
    db.session.commit()
    return created


def _texts(row) -> dict:
    return {f"text_{language}": getattr(row, f"text_{language}") for language in LANGUAGES}


def check_question(text_fi, text_sv, text_en, options_fi, options_sv, options_en) -> dict:
    """A question's text and its answers (one a line) in each language, checked at once:
    every language gives as many answers, in the same order."""
    given = locals()
    values = check_all(
        **{
            f"text_{language}": (
                lambda name=f"text_{language}": check_text(name, given[name], QUESTION_LENGTH)
            )
            for language in LANGUAGES
        },
        **{
            f"options_{language}": (lambda name=f"options_{language}": _answers(name, given[name]))
            for language in LANGUAGES
        },
    )
    if len({len(values[f"options_{language}"]) for language in LANGUAGES}) > 1:
        raise InvalidInputs(
            {
                "options_sv": _l(
                    "Give as many answers in every language, one a line, in the same order."
                )
            }
        )
    return values


def _answers(name: str, given) -> list[str]:
    """Answers, one a line (blank lines left out)."""
    answers = [line.strip() for line in (given if isinstance(given, str) else "").splitlines()]
    answers = [answer for answer in answers if answer]
    if len(answers) not in OPTIONS:
        raise InvalidInput(
            _l(
                "%(field)s: give from %(low)d to %(high)d answers, one a line.",
                field=field_name(name),
                low=OPTIONS.start,
                high=OPTIONS.stop - 1,
            ),
            name,
        )
    for answer in answers:
        check_text(name, answer, OPTION_LENGTH)
    return answers


def save_question(
    version_set: WellbeingSet, question: WellbeingQuestion | None, actor=None, **given
) -> WellbeingQuestion:
    """Add a question to a draft (``question`` None) or change one of its questions."""
    access.check_national_admin(actor)
    _check_draft(version_set)
    values = check_question(**given)
    if question is None:
        if len(version_set.questions) >= MAX_QUESTIONS:
            raise Conflict(
                _l("A version has at most %(n)d questions.", n=MAX_QUESTIONS), "question"
            )
        question = WellbeingQuestion(position=len(version_set.questions) + 1)
        version_set.questions.append(question)
    for language in LANGUAGES:
        setattr(question, f"text_{language}", values[f"text_{language}"])
    answers = list(zip(*(values[f"options_{language}"] for language in LANGUAGES)))
    question.options = [
        WellbeingOption(position=n, **dict(zip(("text_fi", "text_sv", "text_en"), texts)))
        for n, texts in enumerate(answers, start=1)
    ]
    db.session.flush()
    _audit(actor, "wellbeing.question", version_set, question=question.position)
    db.session.commit()
    return question


def add_questions(version_set: WellbeingSet, questions, actor=None) -> None:
    """Questions written out as ((fi, sv, en), ((fi, sv, en) of each answer, ...)), added
    to a draft one by one (the demo's, say)."""
    for texts, answers in questions:
        save_question(
            version_set,
            None,
            actor,
            **{f"text_{language}": text for language, text in zip(LANGUAGES, texts)},
            **{
                f"options_{language}": "\n".join(answer[n] for answer in answers)
                for n, language in enumerate(LANGUAGES)
            },
        )


def delete_question(question: WellbeingQuestion, actor=None) -> None:
    access.check_national_admin(actor)
    version_set = question.set
    _check_draft(version_set)
    position = question.position
    version_set.questions.remove(question)
    _number(version_set)
    _audit(actor, "wellbeing.question_deleted", version_set, question=position)
    db.session.commit()


def move_question(question: WellbeingQuestion, step: int, actor=None) -> None:
    """Up (-1) or down (+1) in the draft's order."""
    access.check_national_admin(actor)
    version_set = question.set
    _check_draft(version_set)
    order = list(version_set.questions)
    at = order.index(question)
    to = min(max(at + step, 0), len(order) - 1)
    order.insert(to, order.pop(at))
    _number(version_set, order)
    db.session.commit()


def _number(version_set: WellbeingSet, order=None) -> None:
    for position, question in enumerate(order or version_set.questions, start=1):
        question.position = position
    db.session.flush()
    db.session.expire(version_set, ["questions"])


def publish(version_set: WellbeingSet, actor=None) -> WellbeingSet:
    """Put a draft in use: from now on issuers ask it, and the version it replaces is
    asked no more (answers already given stay, counted by their own version)."""
    access.check_national_admin(actor)
    _check_draft(version_set)
    if not version_set.questions:
        raise Conflict(_l("Add at least one question first."), "question")
    now = utcnow()
    replaced = in_use()
    if replaced is not None:
        replaced.retired_at = now
    version_set.published_at = now
    _audit(actor, "wellbeing.publish", version_set, replaced=replaced.version if replaced else None)
    db.session.commit()
    return version_set


def delete_draft(version_set: WellbeingSet, actor=None) -> None:
    access.check_national_admin(actor)
    _check_draft(version_set)
    _audit(actor, "wellbeing.draft_deleted", version_set)
    db.session.delete(version_set)
    db.session.commit()


def _check_draft(version_set: WellbeingSet) -> None:
    if version_set.state != "draft":
        raise Conflict(
            _l("A version in use is never changed: make a new version from it instead."),
            "version",
        )


def _audit(actor, action: str, version_set: WellbeingSet, **after) -> None:
    audit.log(actor, action, f"wellbeing questions {version_set.version}", after=after or None)


# -- Asking -------------------------------------------------------------------------------


def invite(card: Card, occasion: str) -> WellbeingInvitation | None:
    """Open the questions for the card's newest period, just registered or renewed, in
    the caller's transaction; None where nothing is asked (no version in use, a community
    card, a holder who answered at their first registration already)."""
    asked = in_use()
    if asked is None or card.kind != "personal" or not card.periods:
        return None
    if occasion == "registration" and (
        card.first_card_id != card.id or _registration_answers(card.id)
    ):
        return None  # a replacement card is no new registration
    period = card.periods[-1]
    db.session.flush()
    if db.session.scalar(select(WellbeingInvitation.id).where(_of_period(period))):
        return None
    now = utcnow()
    invitation = WellbeingInvitation(
        card=card,
        period_id=period.id,
        occasion=occasion,
        set=asked,
        opened_at=now,
        expires_at=now + timedelta(days=ANSWER_DAYS),
    )
    db.session.add(invitation)
    return invitation


def _of_period(period: CardPeriod):
    return WellbeingInvitation.period_id == period.id


def open_invitation(card: Card) -> WellbeingInvitation | None:
    """The holder's invitation still open (of this card or, after a replacement, of the
    card it replaced)."""
    holders_cards = select(Card.id).where(Card.first_card_id == (card.first_card_id or card.id))
    return db.session.scalar(
        select(WellbeingInvitation)
        .where(
            WellbeingInvitation.card_id.in_(holders_cards),
            WellbeingInvitation.closed_at.is_(None),
            WellbeingInvitation.expires_at > utcnow(),
        )
        .order_by(WellbeingInvitation.id.desc())
        .limit(1)
    )


def give_link(invitation: WellbeingInvitation) -> str:
    """A one-time link's secret for the holder to answer alone; a new one replaces the
    one given before (a lost slip)."""
    _check_open(invitation)
    secret = secrets.token_urlsafe(24)
    invitation.link_hash = _hash(secret)
    db.session.commit()
    return secret


def link_url(secret: str) -> str:
    """The one-time link for the holder: their own page, not the card's (which desks see)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/questions/{secret}"


def invitation_for_link(secret) -> WellbeingInvitation:
    """The open invitation a one-time link opens; NotFound once used, expired or unknown."""
    found = None
    if isinstance(secret, str) and 16 <= len(secret) <= 64:
        found = db.session.scalar(
            select(WellbeingInvitation).where(WellbeingInvitation.link_hash == _hash(secret))
        )
    if found is None or not is_open(found):
        raise NotFound(_l("This link has been used or has expired."), "link")
    return found


def is_open(invitation: WellbeingInvitation) -> bool:
    return invitation.closed_at is None and invitation.expires_at > utcnow()


def _check_open(invitation: WellbeingInvitation) -> None:
    if not is_open(invitation):
        raise Conflict(_l("These questions have been answered or their time is over."), "link")


def choices_in(form) -> dict:
    """A form's answers: its field ``q<question id>`` holds the option picked."""
    return {name[1:]: value for name, value in form.items() if re.fullmatch(r"q\d{1,9}", name)}


def answer(invitation: WellbeingInvitation, choices: dict) -> int:
    """Record the answers (``choices``: a question's id -> one of its options' ids; a
    question left out, or given "", is skipped) and close the invitation; how many
    answers were recorded. Nothing is recorded unless every choice is one offered."""
    db.session.refresh(invitation, with_for_update=True)  # the issuer and the link at once
    _check_open(invitation)
    picked = _check_choices(invitation.set, choices)
    card = invitation.card
    holder = card.first_card_id or card.id
    baselines = _registration_answers(holder) if invitation.occasion == "renewal" else {}
    day = local_today()
    for question_id, option_id in picked.items():
        db.session.add(
            WellbeingAnswer(
                question_id=question_id,
                option_id=option_id,
                occasion=invitation.occasion,
                answered_on=day,
                area_id=card.home_area_id,
                holder_id=holder if invitation.occasion == "registration" else None,
                baseline_option_id=baselines.get(question_id),
            )
        )
    _close(invitation)
    return len(picked)


def decline(invitation: WellbeingInvitation) -> None:
    """The holder would rather not answer this time: nothing is recorded but that the
    period was asked."""
    db.session.refresh(invitation, with_for_update=True)
    _check_open(invitation)
    _close(invitation)


def _close(invitation: WellbeingInvitation) -> None:
    invitation.closed_at = utcnow()
    invitation.link_hash = None
    db.session.commit()


def _check_choices(version_set: WellbeingSet, choices) -> dict[int, int]:
    offered = {
        question.id: {option.id for option in question.options}
        for question in version_set.questions
    }
    picked = {}
    for question_id, option_id in (choices or {}).items():
        if option_id in (None, ""):
            continue
        question = int(question_id) if str(question_id).isdigit() else None
        option = int(option_id) if str(option_id).isdigit() else None
        if question not in offered or option not in offered[question]:
            raise InvalidInput(_l("Choose one of the answers offered."), f"q{question_id}")
        picked[question] = option
    return picked


def _registration_answers(holder_id: int) -> dict[int, int]:
    """The holder's answers at their first registration: {question: option}."""
    rows = db.session.execute(
        select(WellbeingAnswer.question_id, WellbeingAnswer.option_id).where(
            WellbeingAnswer.holder_id == holder_id
        )
    )
    return dict(rows.all())


def forget_holders(holder_ids) -> None:
    """The holders' data is removed (on request, or by the retention rule): their answers
    stay as counts that name no one, and their invitations go. ``holder_ids``: their
    first cards. In the caller's transaction."""
    ids = list(holder_ids)
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        cards = select(Card.id).where(Card.first_card_id.in_(part))
        db.session.execute(
            update(WellbeingAnswer)
            .where(WellbeingAnswer.holder_id.in_(part))
            .values(holder_id=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            delete(WellbeingInvitation)
            .where(WellbeingInvitation.card_id.in_(cards))
            .execution_options(synchronize_session=False)
        )


def forget_answers(card: Card, actor: User | None = None) -> None:
    """The holder withdraws their consent: their answers stay only as counts that name no
    one (the card is untouched). Nothing tells whether there were any."""
    forget_holders([card.first_card_id or card.id])
    audit.log(actor, "card.wellbeing_forgotten", f"card {card.display_number}")
    db.session.commit()


def answers_of(card: Card) -> list[tuple[WellbeingQuestion, WellbeingOption]]:
    """A holder's own answers at their first registration, for the controller to give to
    the holder who asks (the only answers that name anyone)."""
    holder = card.first_card_id or card.id
    rows = db.session.execute(
        select(WellbeingQuestion, WellbeingOption)
        .join(WellbeingAnswer, WellbeingAnswer.question_id == WellbeingQuestion.id)
        .join(WellbeingOption, WellbeingOption.id == WellbeingAnswer.option_id)
        .where(WellbeingAnswer.holder_id == holder)
        .order_by(WellbeingQuestion.set_id, WellbeingQuestion.position)
    )
    return [tuple(row) for row in rows]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# -- Counting -----------------------------------------------------------------------------


@dataclass
class Counts:
    """One question's answers in a year: by occasion and answer, and for the holders who
    answered it at their first registration and again at a renewal, the pairs."""

    question: WellbeingQuestion
    by_occasion: dict[tuple[str, int], int] = field(default_factory=dict)
    pairs: dict[tuple[int, int], int] = field(default_factory=dict)  # (first, renewal)


def counts(year: int, area_id: int | None = None) -> list[Counts]:
    """Every question answered in ``year`` (in the holders' home area ``area_id``), in the
    order of its version and position."""
    where = [extract("year", WellbeingAnswer.answered_on) == year]
    if area_id is not None:
        where.append(WellbeingAnswer.area_id == area_id)
    a = WellbeingAnswer
    found: dict[int, Counts] = {}
    questions = {
        question.id: question
        for question in db.session.scalars(
            select(WellbeingQuestion).where(
                WellbeingQuestion.id.in_(select(a.question_id).where(*where))
            )
        )
    }

    def of(question_id) -> Counts:
        return found.setdefault(question_id, Counts(questions[question_id]))

    rows = select(a.question_id, a.occasion, a.option_id, func.count()).where(*where)
    for question_id, occasion, option_id, number in db.session.execute(
        rows.group_by(a.question_id, a.occasion, a.option_id)
    ):
        of(question_id).by_occasion[(occasion, option_id)] = number
    paired = select(a.question_id, a.baseline_option_id, a.option_id, func.count()).where(
        *where, a.baseline_option_id.is_not(None)
    )
    for question_id, first, then, number in db.session.execute(
        paired.group_by(a.question_id, a.baseline_option_id, a.option_id)
    ):
        of(question_id).pairs[(first, then)] = number
    return sorted(found.values(), key=lambda c: (c.question.set_id, c.question.position))


def years() -> list[int]:
    """The years with answers, and this one; the latest first."""
    day = func.min(WellbeingAnswer.answered_on)
    first = db.session.scalar(select(day))
    this_year = local_today().year
    return list(range(this_year, (first.year if first else this_year) - 1, -1))
