"""The wellbeing questions at the issuer's: asked with the holder, left to a one-time
link, or not asked; the answers never shown again."""

import re

import pytest

from app.core import accounts, numbers, wellbeing
from app.models import WellbeingAnswer, WellbeingInvitation
from tests import factories
from tests.issuer.test_issuer import fresh, registration


@pytest.fixture
def issuer(client, world):
    factories.staff(world)
    factories.log_in(client, factories.Staff.issuer)
    return factories.in_english(client)


@pytest.fixture
def version(world):
    return factories.question_set()


def registered(issuer, world):
    [card] = factories.stock(world.area, world.issuer)
    response = issuer.post("/issuer/register", data=registration(numbers.display(card.number)))
    return fresh(card), response


def test_a_registration_goes_on_to_the_questions(issuer, world, version):
    card, response = registered(issuer, world)
    assert response.location == f"/issuer/cards/{card.number}/questions"
    page = issuer.get(response.location).text
    assert "Answering is voluntary" in page
    assert page.count('type="radio"') == 3 + 1 + 2 + 1  # each with "I'd rather not answer"
    assert "Are you satisfied with life?" in page


def test_without_questions_a_registration_goes_to_the_card(issuer, world):
    card, response = registered(issuer, world)
    assert response.location == f"/issuer/cards/{card.number}"
    assert issuer.get(f"/issuer/cards/{card.number}/questions").status_code == 404


def test_answered_with_the_issuer(issuer, world, version):
    card, _ = registered(issuer, world)
    q1, q2 = version.questions
    data = {f"q{q1.id}": str(q1.options[2].id), f"q{q2.id}": ""}
    response = issuer.post(f"/issuer/cards/{card.number}/questions", data=data)
    assert response.location == f"/issuer/cards/{card.number}"
    assert "1 answer saved" in issuer.get(response.location).text
    assert factories.count(WellbeingAnswer) == 1
    assert factories.count(WellbeingAnswer, WellbeingAnswer.option_id == q1.options[2].id) == 1
    page = issuer.get(f"/issuer/cards/{card.number}").text
    assert "No" not in re.findall(r"<li>(\w+)</li>", page)  # the answer is not shown back
    assert "Ask the wellbeing questions" not in page
    assert issuer.get(f"/issuer/cards/{card.number}/questions").status_code == 404


def test_an_answer_not_offered_is_refused_and_nothing_saved(issuer, world, version):
    card, _ = registered(issuer, world)
    q1 = version.questions[0]
    response = issuer.post(f"/issuer/cards/{card.number}/questions", data={f"q{q1.id}": "0"})
    assert response.status_code == 422 and f'id="q{q1.id}-error"' in response.text
    assert factories.count(WellbeingAnswer) == 0
    assert wellbeing.open_invitation(card) is not None


def test_a_one_time_link_for_the_holder(issuer, world, version):
    card, _ = registered(issuer, world)
    response = issuer.post(f"/issuer/cards/{card.number}/questions/link")
    link = re.search(r'<code id="questions-link">([^<]+)</code>', response.text).group(1)
    assert link.startswith("https://kaiku.test/questions/")
    assert "<svg" in response.text  # its QR code
    secret = link.rsplit("/", 1)[1]
    assert wellbeing.invitation_for_link(secret).card_id == card.id
    assert "/k/" not in link


def test_the_holder_does_not_want_to_answer(issuer, world, version):
    card, _ = registered(issuer, world)
    response = issuer.post(f"/issuer/cards/{card.number}/questions/decline")
    assert response.location == f"/issuer/cards/{card.number}"
    assert factories.count(WellbeingAnswer) == 0
    assert factories.count(WellbeingInvitation, WellbeingInvitation.closed_at.is_not(None)) == 1


def test_a_renewal_goes_on_to_the_questions(issuer, world, version):
    card = factories.shift_validity(world.card, -340)
    response = issuer.post(f"/issuer/cards/{card.number}/renew")
    assert response.location == f"/issuer/cards/{card.number}/questions"
    assert "Renewal" in issuer.get(response.location).text


def test_the_card_page_offers_the_questions_while_open(issuer, world, version):
    card, _ = registered(issuer, world)
    page = issuer.get(f"/issuer/cards/{card.number}").text
    assert f'href="/issuer/cards/{card.number}/questions"' in page


def test_only_the_sites_own_cards(issuer, world, version):
    other = accounts.create_site("other", "Other", area_code="PIR", kind="issuer")
    card = factories.active_card(world.area, other)
    for path in ("questions", "questions/link", "questions/decline"):
        method = issuer.get if path == "questions" else issuer.post
        assert method(f"/issuer/cards/{card.number}/{path}").status_code == 404
    assert wellbeing.open_invitation(card).link_hash is None


def test_the_holder_withdraws_their_answers(issuer, world, version):
    card, _ = registered(issuer, world)
    q1 = version.questions[0]
    issuer.post(f"/issuer/cards/{card.number}/questions", data={f"q{q1.id}": str(q1.options[0].id)})
    path = f"/issuer/cards/{card.number}/forget-answers"
    assert issuer.post(path).status_code == 422  # the box not ticked
    assert wellbeing.answers_of(card) != []
    response = issuer.post(path, data={"forget-confirm": "yes"})
    assert response.status_code == 302
    assert wellbeing.answers_of(card) == [] and factories.count(WellbeingAnswer) == 1
    assert fresh(card).status == "active"
