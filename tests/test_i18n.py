"""Finnish by default, Swedish and English complete, a remembered switcher."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.config import LANGUAGES
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "_l": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "_ln": (1, 2),
    "lazy_ngettext": (1, 2),
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def source_messages() -> set[str]:
    found = set()
    for _, _, message, *_ in extract_from_dir(ROOT, METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_is_translated(language):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po)
    missing = [
        text
        for text in sorted(source_messages())
        if text not in catalogue or not catalogue[text].string or catalogue[text].fuzzy
    ]
    assert missing == [], "run `make messages` and translate these"
    for message in catalogue:
        if message.id:
            forms = message.string if message.pluralizable else (message.string,)
            for form in forms:
                assert sorted(placeholders(message.id)) == sorted(PLACEHOLDER.findall(form))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_compiles(language):
    """Babel's own checks, the ones `pybabel compile` (and so `make`) fails on."""
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po)
    problems = [
        (message.id, str(error)) for message, errors in catalogue.check() for error in errors
    ]
    assert problems == []


def placeholders(message_id) -> list[str]:
    """A message's placeholders (a plural message's: those of its plural form)."""
    return PLACEHOLDER.findall(message_id if isinstance(message_id, str) else message_id[-1])


def test_finnish_is_the_default(client):
    page = client.get("/login")
    assert '<html lang="fi">' in page.text
    assert "Kirjaudu" in page.text


@pytest.mark.parametrize("language, word", [("sv", "Logga in"), ("en", "Log in")])
def test_accept_language_picks_swedish_or_english(client, language, word):
    page = client.get("/login", headers={"Accept-Language": f"{language},fi;q=0.5"})
    assert f'<html lang="{language}">' in page.text and word in page.text


def test_the_switcher_is_remembered_and_beats_the_browser(client):
    response = client.get("/lang/sv?next=/login")
    assert response.status_code == 302 and response.location == "/login"
    page = client.get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="sv">' in page.text


def test_the_switcher_is_on_every_page_and_never_redirects_away(client):
    assert 'href="/lang/en?next=/login"' in client.get("/login").text
    assert client.get("/lang/en?next=https://evil.example").location == "/"
    assert client.get("/lang/xx").status_code == 302  # unknown language: ignored


def test_dates_follow_the_locale(client, world):
    path = "/k/" + world.url.rsplit("/k/", 1)[1]
    until = world.card.valid_until
    finnish = client.get(path).text
    english = client.get(path, headers={"Accept-Language": "en"}).text
    assert f"{until.day}.{until.month}.{until.year}" in finnish or str(until.year) in finnish
    assert f"{until.strftime('%B')} {until.day}, {until.year}" in english


def test_verdict_messages_are_translated(client, world, ctx):
    factories.user("desk@theatre.fi", "venue", world.venue)
    client.post("/login", data={"email": "desk@theatre.fi", "password": factories.PASSWORD})
    client.get("/lang/sv")
    page = client.post("/desk/check", data={"code": "garbage!"})
    assert "Ogiltigt" in page.text
