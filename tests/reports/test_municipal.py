"""A municipality's report for its wellbeing report: Tampere's 2025 beside 2024, counted
by hand, rounded for publishing, in words and in a PDF; and who may read it."""

import io

import pypdfium2
import pytest
from sqlalchemy import select

from app.core import accounts, checkin, municipalities
from app.core.clock import local_today
from app.core.exceptions import InvalidInput
from app.extensions import db
from app.models import User
from tests import factories
from tests.factories import TAMPERE

YEAR = local_today().year - 1  # the default: last year


@pytest.fixture
def tampere(world, monkeypatch):
    """Last year before: 6 residents of Tampere registered and each went to the theatre
    once. Last year: 12 more registered, each went to the theatre with a child, and 7 of
    them to the college as well. The theatre is in Tampere; the college is nowhere.
    Holders: 6 (their cards still valid last year) + 12 = 18, shown as 20."""
    factories.staff(world)
    factories.municipality_staff(world)
    accounts.update_site(world.venue, "Theatre", category="culture", municipality=TAMPERE)
    cards = []
    for n, (day, count) in enumerate(((f"{YEAR - 1}-03-01", 6), (f"{YEAR}-03-01", 12))):
        factories.travel(monkeypatch, f"{day} 12:00")
        for i in range(count):
            card = factories.active_card(world.area, world.issuer, children=1, municipality=TAMPERE)
            checkin.record_use(card.number, world.venue, nonce=f"tampere-{n}-{i}", children=n)
            cards.append(card)
    factories.travel(monkeypatch, f"{YEAR}-04-01 12:00")
    for i, card in enumerate(cards[6:13]):
        checkin.record_use(card.number, world.course_venue, nonce=f"college-{i}")
    factories.travel(monkeypatch, None)


def page(client, url: str, lang: str = "en") -> str:
    response = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
    assert response.status_code == 200, response.text
    return response.text


class TestTheReport:
    def test_a_coordinator_lands_on_their_municipalitys_last_year(self, client, tampere):
        factories.log_in(client, factories.Staff.municipality)
        assert client.get("/").status_code in (200, 302)
        response = client.get("/reports/municipality")
        assert response.location == f"/reports/municipality/{TAMPERE}"
        text = page(client, f"/reports/municipality/{TAMPERE}")
        assert f"Kaikukortti in Tampere, {YEAR}" in text
        assert (
            f"In {YEAR}, 20 people whose home municipality is Tampere had a valid Kaikukortti "
            f"(5 in {YEAR - 1}). 10 of them got their card that year, and 10 of those have used "
            "it. These residents used their cards 20 times: 10 times for culture, 5 for "
            "education, 0 for science and 0 for sport. Children came along 10 times. That is "
            "1.0 uses per resident with a card. Their uses changed by +300% from the year "
            "before. At venues in Tampere, holders from anywhere used their cards 10 times."
        ) in text

    def test_the_table_beside_the_year_before(self, client, tampere):
        factories.log_in(client, factories.Staff.municipality)
        text = page(client, f"/reports/municipality/{TAMPERE}").replace("\xa0", " ")
        rows = {
            "Residents with a valid card": ("20", "5"),  # 18 and 6
            "New holders registered": ("10", "5"),  # 12 and 6
            "Residents' uses: Education": ("5", "0"),  # 7
            "Residents' uses in all": ("20", "5"),  # 19 and 6
            "Uses by the children with them": ("10", "0"),  # 12
            "Uses per resident with a card": ("1.0", "1.0"),  # of the rounded counts
        }
        for label, (now, then) in rows.items():
            expected = (
                f'<th scope="row">{label}</th><td class="num">{now}</td><td class="num">{then}</td>'
            )
            assert expected in text, label

    def test_in_finnish_and_swedish(self, client, tampere):
        factories.log_in(client, factories.Staff.municipality)
        finnish = page(client, f"/reports/municipality/{TAMPERE}", "fi").replace("\xa0", " ")
        assert f"Vuonna {YEAR}" in finnish and "kotikunta on Tampere" in finnish
        swedish = page(client, f"/reports/municipality/{TAMPERE}", "sv").replace("\xa0", " ")
        assert f"År {YEAR}" in swedish and "Tammerfors" in swedish

    def test_per_1000_inhabitants_once_a_population_is_loaded(self, client, tampere):
        factories.log_in(client, factories.Staff.municipality)
        before = page(client, f"/reports/municipality/{TAMPERE}")
        assert "inhabitants" not in before
        municipalities.load_population(f"code;population;year\n837;4000;{YEAR}\n".encode())
        text = page(client, f"/reports/municipality/{TAMPERE}").replace("\xa0", " ")
        assert "That is 5.0 per 1,000 inhabitants." in text  # 20 (18) of 4,000
        assert (
            '<th scope="row">Inhabitants</th><td class="num">4,000</td><td class="num">–</td>'
        ) in text

    def test_another_year_and_a_year_not_offered(self, client, tampere):
        factories.log_in(client, factories.Staff.municipality)
        text = page(client, f"/reports/municipality/{TAMPERE}?year={YEAR - 1}")
        assert f"In {YEAR - 1}, 5 people" in text
        refused = client.get(f"/reports/municipality/{TAMPERE}?year=1800&lang=en")
        assert refused.status_code == 422 and "Choose a year from the list." in refused.text

    def test_as_a_pdf(self, client, tampere):
        factories.log_in(client, factories.Staff.municipality)
        response = client.get(f"/reports/municipality/{TAMPERE}.pdf?lang=fi")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert f"kaikukortti-{TAMPERE}-{YEAR}.pdf" in response.headers["Content-Disposition"]
        document = pypdfium2.PdfDocument(io.BytesIO(response.data))
        text = document[0].get_textpage().get_text_bounded().replace("\r", "")
        assert f"Kaikukortti: Tampere, {YEAR}" in text
        assert "kotikunta on Tampere" in text.replace("\n", " ")
        assert "Asukkaiden käytöt yhteensä" in text

    def test_small_counts_are_said_in_words(self, client, world, history):
        """factories.history: Tampere's residents A and D, few of everything."""
        factories.staff(world)
        factories.municipality_staff(world)
        factories.log_in(client, factories.Staff.municipality)
        text = page(client, f"/reports/municipality/{TAMPERE}?year=2025")
        assert "In 2025, fewer than 5 people whose home municipality is Tampere" in text
        assert "uses per resident" not in text.split("<table")[0]  # of a hidden count: none
        factories.log_in(client, factories.Staff.national)
        nokia = page(client, f"/reports/municipality/{factories.NOKIA}?year=2025")
        holders = nokia.split("Residents with a valid card</th>")[1].split("</tr>")[0]
        # B, both years: no change is worked out from hidden counts (it would say 0 %)
        assert (
            holders == '<td class="num">&lt;5</td><td class="num">&lt;5</td><td class="num">–</td>'
        )


class TestWhoMayRead:
    def test_a_coordinator_only_their_own(self, client, tampere):
        factories.log_in(client, factories.Staff.municipality)
        assert client.get("/reports/municipality/536").status_code == 404  # Nokia
        assert client.get("/reports/years").status_code == 403
        assert client.get("/admin").status_code == 403
        assert client.get("/reports/uses.csv").status_code == 403

    def test_an_area_admin_the_municipalities_of_their_network(self, client, world, tampere):
        uusimaa = accounts.create_area("UUS", "Uusimaa")
        factories.network(uusimaa, factories.ESPOO)
        factories.log_in(client, factories.Staff.coordinator)
        listing = page(client, "/reports/municipality")
        assert "Tampere" in listing and "Espoo" not in listing
        assert client.get(f"/reports/municipality/{factories.ESPOO}").status_code == 404
        assert "Kaikukortti in Tampere" in page(client, f"/reports/municipality/{TAMPERE}")

    def test_their_dashboard_counts_their_residents_and_venues_rounded(self, client, tampere):
        factories.log_in(client, factories.Staff.municipality)
        rows = client.get(f"/reports/summary.csv?start={YEAR}-01-01&end={YEAR}-12-31&lang=en")
        lines = rows.data.decode("utf-8-sig").splitlines()
        assert lines[1] == "Uses by adults,20,5,300"  # 19 and 6: rounded
        assert client.get("/reports/registrations-by-site.csv").status_code == 404


class TestCoordinatorsAccounts:
    def test_an_area_admin_adds_one_for_a_municipality_of_their_network(self, client, world):
        factories.staff(world)
        factories.municipalities.load_shipped()
        factories.log_in(client, factories.Staff.coordinator)
        form = {"email": "kulttuuri@nokia.fi", "role": "municipality", "municipality": "536"}
        refused = client.post("/admin/users?lang=en", data=form)
        assert "Choose a municipality of a network you manage." in refused.text
        factories.network(world.area, factories.NOKIA)
        assert client.post("/admin/users", data=form).status_code == 200
        user = db.session.scalar(select(User).where(User.email == "kulttuuri@nokia.fi"))
        assert (user.role, user.municipality_code, user.site_id, user.area_id) == (
            "municipality",
            "536",
            None,
            None,
        )

    def test_needs_a_municipality_and_only_they_have_one(self, world):
        factories.network(world.area, TAMPERE)
        for role, code in (("municipality", None), ("issuer", TAMPERE)):
            with pytest.raises(InvalidInput) as refusal:
                accounts.create_user(
                    f"{role}@x.fi",
                    role=role,
                    password=factories.PASSWORD,
                    site_slug=world.issuer.slug if role == "issuer" else None,
                    municipality_code=code,
                )
            assert refusal.value.field == "municipality"
