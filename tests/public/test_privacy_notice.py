"""The privacy notice says who is responsible, on what basis, for how long, and what a
holder may ask, in every language; and it names everything the registry keeps of a holder."""

import re

import pytest

from app.core import audit

HOLDER_WORDS = {  # how the English notice names each field kept of a holder
    "birth_year": "year of birth",
    "postcode": "postcode",
    "gender": "gender",
    "life_situation": "life situation",
}


def notice(client, language: str) -> str:
    page = client.get("/privacy", headers={"Accept-Language": language})
    assert page.status_code == 200
    return re.sub(r"[ \n]+", " ", page.text)  # (keeping no-break spaces)


@pytest.fixture
def configured(app):
    app.config.update(
        CONTROLLER="Kaikukortti network of Pirkanmaa",
        CONTROLLER_CONTACT="Hämeenkatu 1, 33100 Tampere",
        REGISTRATION_RETENTION_DAYS=401,
        AUDIT_RETENTION_DAYS=1901,
        BACKUP_RETENTION_DAYS=36,
    )
    return app


@pytest.mark.parametrize(
    "language, basis, complaint",
    [
        ("fi", "6 artiklan 1 kohdan e alakohta", "tietosuojavaltuutetulle"),
        ("sv", "artikel 6.1 e", "dataombudsmannen"),
        ("en", "Article 6(1)(e)", "Data Protection Ombudsman"),
    ],
)
def test_it_names_the_controller_the_basis_and_every_retention_time(
    configured, client, language, basis, complaint
):
    text = notice(client, language)
    assert "Kaikukortti network of Pirkanmaa" in text and "Hämeenkatu 1, 33100 Tampere" in text
    assert basis in text and complaint in text and "tietosuoja.fi" in text
    for days in ("401", "1\u00a0901" if language != "en" else "1,901", "36", "30"):
        assert f"{days} " in text, days


def test_it_names_every_field_kept_of_a_holder(client):
    text = notice(client, "en")
    assert set(audit.HOLDER_FIELDS) == set(HOLDER_WORDS), "name the new field in the notice"
    assert [word for word in HOLDER_WORDS.values() if word not in text] == []
    assert "No name, personal identity number" in text


def test_it_tells_of_the_wellbeing_answers_who_sees_them_and_how_long_they_lead_to_anyone(client):
    text = notice(client, "en")
    assert "answers to the wellbeing questions" in text
    assert "Articles 6(1)(a) and 9(2)(a)" in text
    assert "Nobody sees one holder's answers" in text
    assert "answers at renewal never lead to anyone" in text
    assert "works once, for 14 days" in text
