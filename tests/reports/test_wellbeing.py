"""The wellbeing answers in statistics: by question, year and home area, at first
registration and at renewal and how they changed; small counts hidden when published."""

from datetime import timedelta

import pytest

from app.core import accounts, cards, wellbeing
from tests import factories
from tests.reports.test_reports import table


def answer(card, version, *picks):
    """The card's open questions answered: one option index a question (None: skipped)."""
    choices = {
        str(question.id): str(question.options[pick].id)
        for question, pick in zip(version.questions, picks)
        if pick is not None
    }
    wellbeing.answer(wellbeing.open_invitation(card), choices)


def renew(card):
    cards.renew_card(factories.shift_validity(card, -340))
    return card


@pytest.fixture
def answered(world):
    """Seven holders of area PIR answered question 1 at registration (yes 3, a little 2,
    no 2) and three of them again at renewal (no -> yes twice, a little -> no); a holder
    of UUS answered yes."""
    version = factories.question_set()
    for first, then in ((0, None), (0, None), (0, None), (1, None), (1, 2), (2, 0), (2, 0)):
        card = factories.active_card(world.area, world.issuer)
        answer(card, version, first, 1)
        if then is not None:
            answer(renew(card), version, then)
    uusimaa = accounts.create_area("UUS", "Uusimaa")
    site = accounts.create_site("uus", "Uusimaa issuer", area_code="UUS", kind="issuer")
    answer(factories.active_card(uusimaa, site), version, 0)
    return version


@pytest.fixture
def admin(client, world):
    factories.staff(world)
    factories.log_in(client, factories.Staff.national)
    return factories.in_english(client)


def download(client, name, query=""):
    year = factories.today().year
    return client.get(f"/reports/wellbeing/{name}.csv?year={year}&{query}&lang=en")


def csv_rows(client, name, query=""):
    return table(download(client, name, query))


def test_each_question_at_registration_and_renewal(admin, answered):
    q1 = answered.questions[0]
    rows = csv_rows(admin, f"wellbeing-{q1.id}")
    assert rows[0] == ["Answer", "At first registration", "Share (%)", "At renewal", "Share (%)"]
    assert [row[:2] + row[3:4] for row in rows[1:]] == [
        ["Yes", "4", "2"],
        ["A little", "2", "0"],
        ["No", "2", "1"],
        ["Total", "8", "3"],
    ]


def test_how_the_answers_of_holders_who_answered_both_changed(admin, answered):
    q1 = answered.questions[0]
    rows = csv_rows(admin, f"wellbeing-{q1.id}-change")
    assert rows[0] == [
        "At first registration",
        "At renewal: Yes",
        "At renewal: A little",
        "At renewal: No",
        "All",
    ]
    assert rows[1:] == [
        ["Yes", "0", "0", "0", "0"],
        ["A little", "0", "0", "1", "1"],
        ["No", "2", "0", "0", "2"],
        ["Total", "2", "0", "1", "3"],
    ]


def test_by_home_area(admin, answered):
    q1 = answered.questions[0]
    rows = csv_rows(admin, f"wellbeing-{q1.id}", "area=UUS")
    assert rows[1][:2] == ["Yes", "1"] and rows[-1][:2] == ["Total", "1"]
    page = admin.get(f"/reports/wellbeing?year={factories.today().year}&area=UUS").text
    assert "Uusimaa" in page and "Do you feel lonely?" not in page  # skipped in UUS
    assert admin.get("/reports/wellbeing?area=NOPE").status_code == 404


def test_an_areas_admin_counts_their_area_alone(client, world, answered):
    factories.staff(world)
    factories.log_in(client, factories.Staff.coordinator)
    q1 = answered.questions[0]
    rows = csv_rows(client, f"wellbeing-{q1.id}", "area=UUS")  # the area asked is ignored
    assert rows[-1][:2] == ["Total", "7"]


def test_published_every_cell_is_rounded_on_its_own_and_no_small_count_shows(admin, answered):
    """Subtracting one shown table from another gives no hidden count back: no exact
    count of 1 to 4 (nor the 7 and 8 of the totals) appears, every count is a multiple
    of 5 or hidden."""
    shown = []
    for question in answered.questions:
        for name in (f"wellbeing-{question.id}", f"wellbeing-{question.id}-change"):
            for query in ("publish=1", "publish=1&area=PIR", "publish=1&area=UUS"):
                response = download(admin, name, query)
                if response.status_code == 404:  # (not answered in that area)
                    continue
                rows = table(response)
                for row in rows[1:]:
                    cells = zip(row[1:], rows[0][1:])
                    shown += [cell for cell, heading in cells if "%" not in heading]
    assert shown and set(shown) <= {"", "0", "5", "10", "<5"}
    page = admin.get(f"/reports/wellbeing?publish=1&year={factories.today().year}").text
    assert "&lt;5" in page and "parts may not add up" in page


def test_a_year_without_answers(client, world, answered, monkeypatch):
    next_year = factories.today().replace(month=1, day=1) + timedelta(days=366)
    factories.travel(monkeypatch, f"{next_year} 12:00")
    admin = factories.in_english(client)
    factories.staff(world)
    factories.log_in(admin, factories.Staff.national)
    page = admin.get("/reports/wellbeing")
    assert page.status_code == 200 and "No answers in this year." in page.text
    assert admin.get("/reports/wellbeing?year=1999").status_code == 422


def test_only_admins(client, world, answered):
    factories.staff(world)
    factories.log_in(client, factories.Staff.issuer)
    assert client.get("/reports/wellbeing").status_code == 403
    name = f"wellbeing-{answered.questions[0].id}"
    assert client.get(f"/reports/wellbeing/{name}.csv").status_code == 403


def test_an_excel_file_of_a_table(admin, answered):
    year = factories.today().year
    name = f"wellbeing-{answered.questions[0].id}"
    response = admin.get(f"/reports/wellbeing/{name}.xlsx?year={year}")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert admin.get(f"/reports/wellbeing/{name}.pdf?year={year}").status_code == 404
    assert admin.get(f"/reports/wellbeing/wellbeing-999.csv?year={year}").status_code == 404
