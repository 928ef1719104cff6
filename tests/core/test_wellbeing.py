"""The wellbeing questions: versions, invitations at registration and renewal, answers
(counted, never per person) and what goes with a holder's data."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import accounts, cards, wellbeing
from app.core.exceptions import Conflict, Forbidden, InvalidInput, InvalidInputs, NotFound
from app.extensions import db
from app.models import WellbeingAnswer, WellbeingInvitation, WellbeingSet
from tests import factories


def question(text="Q", answers=("A", "B")) -> dict:
    return {
        **{f"text_{language}": f"{text} {language}" for language in wellbeing.LANGUAGES},
        **{
            f"options_{language}": "\n".join(f"{a} {language}" for a in answers)
            for language in wellbeing.LANGUAGES
        },
    }


def options(version, n=0):
    return [option.id for option in version.questions[n].options]


def answers(**where) -> list[WellbeingAnswer]:
    db.session.expire_all()
    query = select(WellbeingAnswer).filter_by(**where).order_by(WellbeingAnswer.id)
    return list(db.session.scalars(query))


def renewable(card):
    """Bring the card to its last weeks, when it may be renewed."""
    return factories.shift_validity(card, -340)


class TestVersions:
    def test_a_new_version_is_a_draft_copy_of_the_one_in_use(self, world):
        first = factories.question_set()
        draft = wellbeing.new_version()
        assert (draft.version, draft.state, first.state) == (2, "draft", "in_use")
        assert [q.text("sv") for q in draft.questions] == [q.text("sv") for q in first.questions]
        assert [o.text("en") for o in draft.questions[0].options] == ["Yes", "A little", "No"]
        assert draft.questions[0].id != first.questions[0].id  # its own rows to change

    def test_putting_a_draft_in_use_replaces_the_version_in_use(self, world):
        first = factories.question_set()
        second = wellbeing.publish(wellbeing.new_version())
        assert (first.state, second.state, wellbeing.in_use()) == ("replaced", "in_use", second)

    def test_a_version_in_use_is_never_changed(self, world):
        version = factories.question_set()
        for change in (
            lambda: wellbeing.save_question(version, None, **question()),
            lambda: wellbeing.save_question(version, version.questions[0], **question()),
            lambda: wellbeing.delete_question(version.questions[0]),
            lambda: wellbeing.move_question(version.questions[1], -1),
            lambda: wellbeing.delete_draft(version),
            lambda: wellbeing.publish(version),
        ):
            with pytest.raises(Conflict):
                change()
        db.session.expire_all()
        assert [q.text("fi") for q in version.questions] == [
            "Oletko tyytyväinen?",
            "Tunnetko itsesi yksinäiseksi?",
        ]

    def test_one_draft_at_a_time(self, world):
        wellbeing.new_version()
        with pytest.raises(Conflict) as refused:
            wellbeing.new_version()
        assert refused.value.field == "version" and factories.count(WellbeingSet) == 1

    def test_a_draft_needs_a_question_to_be_put_in_use(self, world):
        with pytest.raises(Conflict):
            wellbeing.publish(wellbeing.new_version())
        assert wellbeing.in_use() is None

    def test_a_drafts_questions_are_changed_moved_and_deleted(self, world):
        draft = factories.question_set(publish=False)
        wellbeing.save_question(draft, draft.questions[0], **question("Changed", ("X", "Y", "Z")))
        wellbeing.move_question(draft.questions[1], -1)
        db.session.expire_all()
        assert [(q.position, q.text("fi")) for q in draft.questions] == [
            (1, "Tunnetko itsesi yksinäiseksi?"),
            (2, "Changed fi"),
        ]
        assert [o.text("sv") for o in draft.questions[1].options] == ["X sv", "Y sv", "Z sv"]
        wellbeing.delete_question(draft.questions[0])
        db.session.expire_all()
        assert [(q.position, q.text("en")) for q in draft.questions] == [(1, "Changed en")]
        wellbeing.delete_draft(draft)
        assert factories.count(WellbeingSet) == 0

    def test_every_language_needs_the_question_and_as_many_answers(self, world):
        draft = wellbeing.new_version()
        with pytest.raises(InvalidInputs) as refused:
            wellbeing.save_question(
                draft, None, **{**question(), "text_sv": " ", "options_en": "Only one"}
            )
        assert set(refused.value.errors) == {"text_sv", "options_en"}
        with pytest.raises(InvalidInputs) as refused:
            wellbeing.save_question(draft, None, **{**question(), "options_sv": "A\nB\nC"})
        assert set(refused.value.errors) == {"options_sv"}
        with pytest.raises(InvalidInputs):
            wellbeing.save_question(draft, None, **question(answers=[f"{n}" for n in range(8)]))
        with pytest.raises(InvalidInputs):
            wellbeing.save_question(draft, None, **question(answers=("A", "B" * 121)))
        db.session.expire_all()
        assert draft.questions == []

    def test_only_a_national_admin_keeps_the_questions(self, world):
        factories.staff(world)
        coordinator = accounts.find_user(factories.Staff.coordinator)
        with pytest.raises(Forbidden):
            wellbeing.new_version(coordinator)


class TestInvitations:
    def test_registration_opens_the_questions_for_two_weeks(self, world):
        factories.question_set()
        card = factories.active_card(world.area, world.issuer)
        invitation = wellbeing.open_invitation(card)
        assert invitation.occasion == "registration"
        assert invitation.expires_at - invitation.opened_at == timedelta(days=14)

    def test_nothing_is_asked_without_a_version_in_use(self, world):
        factories.question_set(publish=False)
        assert wellbeing.open_invitation(factories.active_card(world.area, world.issuer)) is None

    def test_a_community_card_is_not_asked(self, world):
        factories.question_set()
        [card] = factories.stock(world.area, world.issuer)
        card = factories.register(card, kind="community", organisation="Club", client_cap=5)
        assert wellbeing.open_invitation(card) is None

    def test_a_renewal_opens_them_again_and_a_replacement_does_not(self, world):
        factories.question_set()
        card = factories.active_card(world.area, world.issuer)
        wellbeing.decline(wellbeing.open_invitation(card))
        [new] = factories.stock(world.area, world.issuer)
        new = cards.replace_card(card, new)
        assert wellbeing.open_invitation(new) is None
        cards.renew_card(renewable(new))
        assert wellbeing.open_invitation(new).occasion == "renewal"
        assert factories.count(WellbeingInvitation) == 2

    def test_the_holders_open_invitation_follows_a_replacement(self, world):
        factories.question_set()
        card = factories.active_card(world.area, world.issuer)
        [new] = factories.stock(world.area, world.issuer)
        new = cards.replace_card(card, new)
        assert wellbeing.open_invitation(new).card_id == card.id


class TestAnswering:
    def test_first_registration_answers_name_the_holder_and_a_renewal_carries_them(self, world):
        version = factories.question_set()
        card = factories.active_card(world.area, world.issuer)
        yes, little, no = options(version)
        rarely, often = options(version, 1)
        first, second = (q.id for q in version.questions)
        recorded = wellbeing.answer(wellbeing.open_invitation(card), {str(first): str(no)})
        assert recorded == 1
        cards.renew_card(renewable(card))
        choices = {str(first): str(yes), str(second): str(often)}
        assert wellbeing.answer(wellbeing.open_invitation(card), choices) == 2
        got = [(a.occasion, a.option_id, a.holder_id, a.baseline_option_id) for a in answers()]
        assert got == [
            ("registration", no, card.id, None),
            ("renewal", yes, None, no),  # names no one: the first answer goes with it
            ("renewal", often, None, None),  # not answered at first
        ]
        assert {a.area_id for a in answers()} == {world.area.id}

    def test_an_invitation_is_answered_once(self, world):
        version = factories.question_set()
        card = factories.active_card(world.area, world.issuer)
        invitation = wellbeing.open_invitation(card)
        wellbeing.answer(invitation, {})  # every question skipped
        with pytest.raises(Conflict):
            wellbeing.answer(invitation, {str(version.questions[0].id): str(options(version)[0])})
        assert answers() == [] and wellbeing.open_invitation(card) is None

    def test_an_answer_not_offered_records_nothing(self, world):
        version = factories.question_set()
        other = factories.question_set(publish=False)  # another version's answer
        card = factories.active_card(world.area, world.issuer)
        invitation = wellbeing.open_invitation(card)
        q1, q2 = (str(q.id) for q in version.questions)
        for bad in (
            {q1: str(options(version)[0]), q2: str(options(other)[0])},
            {q1: "x"},
            {"999": "1"},
        ):
            with pytest.raises(InvalidInput):
                wellbeing.answer(invitation, bad)
        assert answers() == [] and wellbeing.is_open(invitation)

    def test_a_one_time_link_opens_the_questions_until_they_are_answered(self, world):
        factories.question_set()
        card = factories.active_card(world.area, world.issuer)
        invitation = wellbeing.open_invitation(card)
        lost = wellbeing.give_link(invitation)
        secret = wellbeing.give_link(invitation)  # a new slip: the first link no longer works
        assert wellbeing.invitation_for_link(secret) == invitation
        assert invitation.link_hash != secret  # only its hash is kept
        with pytest.raises(NotFound):
            wellbeing.invitation_for_link(lost)
        wellbeing.decline(invitation)
        with pytest.raises(NotFound):
            wellbeing.invitation_for_link(secret)

    def test_a_link_expires_with_its_invitation(self, world, monkeypatch):
        factories.question_set()
        card = factories.active_card(world.area, world.issuer)
        secret = wellbeing.give_link(wellbeing.open_invitation(card))
        later = factories.today() + timedelta(days=15)
        factories.travel(monkeypatch, f"{later} 12:00")
        with pytest.raises(NotFound):
            wellbeing.invitation_for_link(secret)
        assert wellbeing.open_invitation(card) is None
        for nonsense in (None, "", "x" * 65, "short"):
            with pytest.raises(NotFound):
                wellbeing.invitation_for_link(nonsense)


class TestTheHoldersData:
    def setup_answers(self, world):
        version = factories.question_set()
        card = factories.active_card(world.area, world.issuer)
        q1 = str(version.questions[0].id)
        wellbeing.answer(wellbeing.open_invitation(card), {q1: str(options(version)[1])})
        cards.renew_card(renewable(card))
        return card

    def test_removing_the_holders_data_leaves_answers_that_name_no_one(self, world):
        card = self.setup_answers(world)
        cards.remove_holder_data(card)
        assert [(a.occasion, a.holder_id) for a in answers()] == [("registration", None)]
        assert factories.count(WellbeingInvitation) == 0
        assert wellbeing.answers_of(card) == []

    def test_the_retention_rule_does_the_same(self, world):
        card = self.setup_answers(world)
        factories.shift_validity(card, -1000)
        assert cards.remove_expired_holder_data(timedelta(days=30)) >= 1
        assert [a.holder_id for a in answers()] == [None]
        assert factories.count(WellbeingInvitation) == 0

    def test_the_controller_can_give_a_holder_their_own_answers(self, world):
        card = self.setup_answers(world)
        [(question, option)] = wellbeing.answers_of(card)
        assert (question.text("en"), option.text("en")) == (
            "Are you satisfied with life?",
            "A little",
        )


class TestCounts:
    def test_by_year_area_occasion_and_the_pairs_of_first_and_renewal(self, world):
        version = factories.question_set()
        yes, little, no = options(version)
        q1 = str(version.questions[0].id)
        for first, then in ((no, yes), (no, yes), (little, no), (yes, None)):
            card = factories.active_card(world.area, world.issuer)
            wellbeing.answer(wellbeing.open_invitation(card), {q1: str(first)})
            if then:
                cards.renew_card(renewable(card))
                wellbeing.answer(wellbeing.open_invitation(card), {q1: str(then)})
        [counts] = wellbeing.counts(factories.today().year)
        assert counts.question.id == int(q1)
        assert counts.by_occasion == {
            ("registration", no): 2,
            ("registration", little): 1,
            ("registration", yes): 1,
            ("renewal", yes): 2,
            ("renewal", no): 1,
        }
        assert counts.pairs == {(no, yes): 2, (little, no): 1}
        assert wellbeing.counts(factories.today().year - 1) == []
        assert wellbeing.counts(factories.today().year, area_id=world.area.id + 1) == []
        assert wellbeing.years()[0] == factories.today().year
