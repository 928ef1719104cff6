"""The holder answers alone, at the one-time link an issuer gave."""

import pytest

from app.core import wellbeing
from app.logs import loggable_path
from app.models import WellbeingAnswer
from tests import factories


@pytest.fixture
def link(world):
    """A registration's one-time link, and its questions."""
    version = factories.question_set()
    card = factories.active_card(world.area, world.issuer)
    return f"/questions/{wellbeing.give_link(wellbeing.open_invitation(card))}", version


def test_the_questions_in_the_holders_language(client, link):
    path, version = link
    page = client.get(path, headers={"Accept-Language": "sv"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<html lang="sv">' in page.text and "Känner du dig ensam?" in page.text
    assert 'name="robots" content="noindex' in page.text


def test_answered_once(client, link):
    path, version = link
    q1, q2 = version.questions
    data = {f"q{q1.id}": str(q1.options[0].id), f"q{q2.id}": str(q2.options[1].id)}
    done = factories.in_english(client).post(path, data=data)
    assert done.status_code == 200 and "Your answers were saved" in done.text
    assert factories.count(WellbeingAnswer) == 2
    again = client.get(path)
    assert again.status_code == 404 and "This link has been used or has expired" in again.text
    assert client.post(path, data=data).status_code == 404
    assert factories.count(WellbeingAnswer) == 2


def test_skipped_saves_nothing_and_closes_the_link(client, link):
    path, version = link
    done = factories.in_english(client).post(path, data={"skip": "1"})
    assert "Nothing was saved" in done.text
    assert factories.count(WellbeingAnswer) == 0
    assert client.get(path).status_code == 404


def test_an_answer_not_offered_is_asked_again(client, link):
    path, version = link
    q1 = version.questions[0]
    response = client.post(path, data={f"q{q1.id}": "999999"})
    assert response.status_code == 422 and f'id="q{q1.id}-error"' in response.text
    assert factories.count(WellbeingAnswer) == 0
    assert client.get(path).status_code == 200


def test_a_made_up_link_opens_nothing(client, world):
    for path in ("/questions/" + "a" * 32, "/questions/x", "/questions/" + "é" * 20):
        assert client.get(path).status_code == 404


def test_logs_never_show_the_link():
    assert loggable_path("/questions/abcDEF123_-xyz0000000000") == "/questions/<token>"
