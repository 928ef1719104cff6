"""Statistics pages and CSV exports, on the hand-countable registry of
factories.history: the figures each role sees, small counts hidden outside
the admin role and in exports for publishing, CSV that Excel opens right."""

import csv
import io

import openpyxl
import pytest

from app.core import accounts, cards, checkin, municipalities
from app.core.numbers import display
from app.reports import tables
from tests import factories

YEAR_2025 = "start=2025-01-01&end=2025-12-31"
BY_PERIOD = ["Adults", "Children", "Adults a year earlier", "Children a year earlier"]


@pytest.fixture
def as_staff(client, world, history):
    """Log the client in as one of factories.Staff: national, coordinator, issuer, desk."""
    factories.staff(world)

    def log_in(who: str):
        factories.log_in(client, getattr(factories.Staff, who))
        return client

    return log_in


def table(response, lang: str = "en") -> list[list[str]]:
    """A CSV download as rows, checking it is what Excel expects for ``lang``."""
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith("\ufeff".encode())  # the BOM: Excel reads UTF-8
    separator = "," if lang == "en" else ";"
    text = response.data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=separator))


def get_csv(client, name: str, query: str = YEAR_2025, lang: str = "en"):
    return table(client.get(f"/reports/{name}.csv?{query}&lang={lang}"), lang)


class TestNationalFigures:
    def test_summary_compares_with_a_year_earlier(self, as_staff):
        assert get_csv(as_staff("national"), "summary") == [
            ["Figure", "This period", "A year earlier", "Change (%)"],
            ["Uses by adults", "8", "1", "700"],
            ["Uses by children", "3", "0", ""],
            ["Cards used", "3", "1", "200"],
            ["Uses by cards from another area", "1", "0", ""],
            ["Of the uses by adults, by community cards", "0", "0", ""],
            ["Clients under 16 on community cards' uses", "0", "0", ""],
            ["Uses entered late", "0", "0", ""],
            ["Cards registered", "3", "1", "200"],
            ["Community cards registered", "0", "0", ""],
            ["Cards activated", "2", "1", "100"],
        ]

    def test_categories(self, as_staff):
        assert get_csv(as_staff("national"), "categories") == [
            ["Category", *BY_PERIOD],
            ["Culture", "4", "2", "1", "0"],
            ["Education", "1", "0", "0", "0"],
            ["Science", "0", "0", "0", "0"],
            ["Sport", "3", "1", "0", "0"],
            ["Total", "8", "3", "1", "0"],
        ]

    def test_months_cut_at_finnish_midnight(self, as_staff):
        rows = get_csv(as_staff("national"), "months")
        assert rows[0] == ["Month", *BY_PERIOD]
        assert rows[1] == ["2025-01", "3", "2", "0", "0"]  # uses 1, 2 and 6
        assert rows[6] == ["2025-06", "0", "0", "1", "0"]  # use 7, in June 2024
        assert rows[8] == ["2025-08", "0", "0", "0", "0"]  # use 10 was voided
        assert rows[12] == ["2025-12", "1", "0", "0", "0"]  # use 5 at 23:30; 11 is 2026
        assert rows[13] == ["Total", "8", "3", "1", "0"]

    def test_venues_and_the_holders_each_reached(self, as_staff):
        assert get_csv(as_staff("national"), "venues") == [
            ["Venue", "Area", "Adults", "Children", "Different cards"],
            ["Theatre", "Pirkanmaa", "3", "2", "2"],
            ["Vantaan uimahalli", "Uusimaa", "3", "1", "2"],  # C and C2: one holder
            ["College", "Pirkanmaa", "1", "0", "1"],
            ["Museum", "Pirkanmaa", "1", "0", "1"],
            ["Total", "", "8", "3", "3"],
        ]

    def test_areas_both_ways(self, as_staff):
        assert get_csv(as_staff("national"), "areas")[1:] == [
            ["Pirkanmaa", "5", "0", "0", "6", "1"],
            ["Uusimaa", "3", "1", "33.3", "2", "0"],
            ["Total", "8", "1", "12.5", "8", "1"],
        ]

    def test_frequency(self, as_staff):
        assert get_csv(as_staff("national"), "frequency")[1:] == [
            ["Once", "1", "33.3"],
            ["2–5 times", "2", "66.7"],
            ["6 times or more", "0", "0"],
            ["Total", "3", "100"],
        ]

    def test_registrations_count_a_replacement_as_the_same_holder(self, as_staff):
        client = as_staff("national")
        assert get_csv(client, "registrations-by-area")[1:] == [
            ["Pirkanmaa", "2", "1", "50"],
            ["Uusimaa", "1", "1", "100"],
            ["Total", "3", "2", "66.7"],
        ]
        assert get_csv(client, "registrations-by-site", lang="fi")[1:3] == [
            ["Issuer", "Pirkanmaa", "2", "1", "50"],
            ["Espoon järjestö", "Uusimaa", "1", "1", "100"],
        ]

    def test_finnish_csv_uses_semicolons_and_finnish_words(self, as_staff):
        rows = get_csv(as_staff("national"), "categories", lang="fi")
        assert rows[1][:2] == ["Kulttuuri", "4"]

    def test_the_yearly_table_for_publishing_hides_small_counts(self, as_staff):
        client = as_staff("national")
        exact = {row[0]: row for row in get_csv(client, "yearly", query="")}
        published = {row[0]: row for row in get_csv(client, "yearly", query="publish=1")}
        assert exact["2025"][:5] == ["2025", "3", "2", "4", "2"]
        assert published["2025"][:5] == ["2025", "<5", "<5", "<5", "<5"]
        assert exact["2025"][-1] == published["2025"][-1] == "2"  # areas are not people


NATIONAL_COLUMNS = [
    "Year",
    "Cards registered",
    "Cards activated",
    *(f"Adult uses: {word}" for word in ("Culture", "Education", "Science", "Sport")),
    *(f"Child uses: {word}" for word in ("Culture", "Education", "Science", "Sport")),
    "Total uses",
    "Municipalities",
]


class TestNationalTable:
    """The programme's published yearly table, on factories.history counted by hand."""

    def test_matches_a_hand_count_column_by_column(self, as_staff):
        rows = get_csv(as_staff("national"), "national", query="")
        assert rows[0] == NATIONAL_COLUMNS
        assert rows[1:] == [
            # 2026: the world's card and E registered, neither used; use 11 by A (Tampere)
            ["2026", "2", "0", "1", "0", "0", "0", "0", "0", "0", "0", "1", "1"],
            # 2025: A, C and D registered (C2 is C), A and C used theirs; uses 1-6 and 8-9
            # (10 was undone): culture 1, 2, 5, 6 with 2 children; education 3; sport 4,
            # 8, 9 with 1 child; 8 + 3 = 11 uses; A Tampere, B Nokia, C Espoo
            ["2025", "3", "2", "4", "1", "0", "3", "2", "0", "0", "1", "11", "3"],
            # 2024: B registered and used it (use 7, Nokia)
            ["2024", "1", "1", "1", "0", "0", "0", "0", "0", "0", "0", "1", "1"],
            # municipalities in all: the three different ones, not 1 + 3 + 1
            ["Total", "6", "3", "6", "1", "0", "3", "2", "0", "0", "1", "13", "3"],
        ]

    def test_published_rounds_each_cell_on_its_own_and_says_so(self, as_staff):
        client = as_staff("national")
        rows = get_csv(client, "national", query="publish=1")
        assert rows[2][:11] == ["2025", "<5", "<5", "<5", "<5", "0", "<5", "<5", "0", "0", "<5"]
        assert rows[2][-2:] == ["10", "3"]  # 11 rounded on its own; municipalities are not people
        assert rows[-1][-2:] == ["15", "3"]  # 13
        page = client.get("/reports/years?publish=1&lang=en")
        assert page.status_code == 200
        assert "the parts may not add up to the totals" in page.text
        assert '<th scope="row">2025</th>' in page.text and "&lt;5" in page.text
        exact = client.get("/reports/years?lang=en")
        assert "National yearly table" in exact.text and ">11<" in exact.text
        assert "the parts may not add up" not in exact.text

    def test_as_an_excel_file_to_paste_into_the_annual_report(self, as_staff):
        client = as_staff("national")
        response = client.get("/reports/national.xlsx?publish=1&lang=fi")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == (
            'attachment; filename="kaiku-national.xlsx"'
        )
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        assert sheet.freeze_panes == "A2"  # the header row stays in view
        cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert cells[0][:3] == ["Vuosi", "Rekisteröidyt kortit", "Käyttöön otetut kortit"]
        assert cells[2][0] == 2025 and cells[2][-2:] == [10, 3]  # numbers, not text
        assert cells[2][1] == "<5"
        assert cells[4][0] == "Kaikki yhteensä" and cells[4][-2:] == [15, 3]
        assert "eivät välttämättä" in cells[6][0]  # the note under a rounded table
        exact = openpyxl.load_workbook(io.BytesIO(client.get("/reports/national.xlsx").data))
        assert [c.value for c in list(exact.active.iter_rows())[2]][-2:] == [11, 3]

    def test_the_first_yearly_layout_keeps_its_columns(self, as_staff):
        header = get_csv(as_staff("national"), "yearly", query="")[0]
        assert header == [
            "Year",
            "Cards registered",
            "Cards activated",
            *(
                f"{word}: {who}"
                for word in ("Culture", "Education", "Science", "Sport")
                for who in ("adults", "children")
            ),
            "Areas involved",
        ]

    def test_any_dashboard_table_as_an_excel_file(self, as_staff):
        client = as_staff("desk")
        page = client.get(f"/reports?{YEAR_2025}&lang=en")
        assert f"/reports/months.xlsx?{YEAR_2025}" in page.text.replace("&amp;", "&")
        response = client.get(f"/reports/months.xlsx?{YEAR_2025}&lang=en")
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        assert [cell.value for cell in sheet[2]] == ["January 2025", "<5", "<5", 0, 0]
        assert "may not add up" in sheet.cell(sheet.max_row, 1).value
        assert client.get(f"/reports/registrations-by-area.xlsx?{YEAR_2025}").status_code == 404

    @pytest.mark.parametrize("who", ["coordinator", "issuer", "desk"])
    def test_only_national_and_area_admins(self, as_staff, who):
        client = as_staff(who)
        expected = 200 if who == "coordinator" else (404, 403)
        for url in ("/reports/national.csv", "/reports/national.xlsx", "/reports/years"):
            status = client.get(url).status_code
            assert status == expected if who == "coordinator" else status in expected

    def test_an_area_admin_counts_its_area_and_its_cards_elsewhere(self, as_staff):
        rows = get_csv(as_staff("coordinator"), "national", query="")
        # Pirkanmaa: not C's registration nor Uusimaa's own uses 8 and 9 (use 4 is A's)
        assert rows[2] == ["2025", "2", "1", "4", "1", "0", "1", "2", "0", "0", "1", "9", "2"]


MUNICIPAL_USES = [
    *(f"Uses: {word}" for word in ("Culture", "Education", "Science", "Sport")),
    "Uses by holders",
    "Uses by their children",
    "Uses by holders a year earlier",
    "Change (%)",
]


class TestMunicipalities:
    """factories.history in 2025, by the holders' home municipality and by the venues'."""

    def test_by_home_municipality(self, as_staff):
        rows = get_csv(as_staff("national"), "home-municipalities")
        assert rows[0] == [
            "Home municipality",
            "Holders with a valid card",
            "Cards registered",
            "Activated",
            *MUNICIPAL_USES,
            "Uses per holder",
        ]
        assert rows[1:] == [
            # C (and C2): uses 8 and 9
            ["Espoo", "1", "1", "1", "0", "0", "0", "2", "2", "0", "0", "", "2.0"],
            # B, registered in 2024 (E's card was registered on New Year's Day 2026): use 6,
            # and use 7 in 2024
            ["Nokia", "1", "0", "0", "1", "0", "0", "0", "1", "0", "1", "0", "1.0"],
            # A and D, of whom A used theirs: uses 1-5, with 2 + 1 children
            ["Tampere", "2", "2", "1", "3", "1", "0", "1", "5", "3", "0", "", "2.5"],
            ["Total", "4", "3", "2", "4", "1", "0", "3", "8", "3", "1", "700", "2.0"],
        ]

    def test_per_1000_inhabitants_once_a_population_is_loaded(self, as_staff):
        municipalities.load_population(b"code;population;year\n837;1000;2024\n536;500;2025\n")
        rows = get_csv(as_staff("national"), "home-municipalities")
        assert rows[0][-3:] == ["Uses per holder", "Inhabitants", "Holders per 1,000 inhabitants"]
        assert [row[:2] + row[-2:] for row in rows[1:]] == [
            ["Espoo", "1", "", ""],
            ["Nokia", "1", "500", "2.0"],  # 2025's figure
            ["Tampere", "2", "1000", "2.0"],  # 2024's: the latest up to 2025
            ["Total", "4", "", ""],  # not of all: Espoo's population is not known
        ]

    def test_by_the_venues_municipality(self, as_staff, world, history):
        factories.network(history.uusimaa, "092")
        for venue, code in ((world.venue, "837"), (world.other_venue, "837")):
            accounts.update_site(venue, venue.name, category=venue.category, municipality=code)
        sport = history.uus_sport
        accounts.update_site(sport, sport.name, category=sport.category, municipality="092")
        rows = get_csv(as_staff("national"), "venue-municipalities")
        assert rows[0] == ["Venues' municipality", *MUNICIPAL_USES]
        assert rows[1:] == [
            ["Tampere", "4", "0", "0", "0", "4", "2", "1", "300"],  # 2024: use 7
            ["Vantaa", "0", "0", "0", "3", "3", "1", "0", ""],
            ["Not known", "0", "1", "0", "0", "1", "0", "0", ""],  # the college has none
            ["Total", "4", "1", "0", "3", "8", "3", "1", "700"],
        ]

    def test_an_area_admin_sees_its_own_holders_and_venues(self, as_staff):
        rows = get_csv(as_staff("coordinator"), "home-municipalities")
        # Pirkanmaa's cards, and Espoo's uses at Pirkanmaa's venues (none in 2025)
        assert [row[0] for row in rows[1:]] == ["Nokia", "Tampere", "Total"]

    def test_published_with_small_counts_hidden(self, as_staff):
        rows = get_csv(as_staff("national"), "home-municipalities", query=f"{YEAR_2025}&publish=1")
        assert rows[3] == [
            "Tampere", "<5", "<5", "<5", "<5", "<5", "0", "<5", "5", "<5", "0", "", ""
        ]  # fmt: skip
        assert rows[4][8] == "10"  # 8: rounded on its own


class TestHolders:
    """factories.history in 2025 (every holder born in 1980, no gender or life situation
    given), beside 2024."""

    def test_on_a_page_of_their_own(self, as_staff):
        client = as_staff("national")
        page = client.get(f"/reports/holders?{YEAR_2025}&lang=en").text
        assert "<h1>Holders" in page and 'id="holders-by-age"' in page
        dashboard = client.get(f"/reports?{YEAR_2025}&lang=en").text
        assert 'id="holders-by-age"' not in dashboard
        assert 'href="/reports/holders?start=2025-01-01&amp;end=2025-12-31' in dashboard
        desk = as_staff("desk")
        assert desk.get("/reports/holders").status_code == 403
        assert desk.get("/reports/holders-by-age.csv").status_code == 404

    def test_holders_new_renewed_and_who_did_not_use_their_card(self, as_staff):
        rows = get_csv(as_staff("national"), "holders")
        assert rows[1:] == [
            ["Holders with a valid card", "4", "1", "300"],  # A, B, C (C2), D; 2024: B
            ["Registered", "3", "1", "200"],  # A, C, D; 2024: B
            ["Renewed", "1", "0", ""],  # A's card, on 1 December
            ["Did not use their card in the period", "1", "0", ""],  # D
        ]

    def test_by_age_gender_and_life_situation(self, as_staff):
        client = as_staff("national")
        # registered: A, C, D; who used a card: A (uses 1-5), B (6), C (8, 9): 8 uses
        assert get_csv(client, "holders-by-age")[1:] == [
            ["45–64", "3", "3", "8"],
            ["Total", "3", "3", "8"],
        ]
        for name in ("holders-by-gender", "holders-by-life-situation"):
            assert get_csv(client, name)[1:] == [
                ["Not known", "3", "3", "8"],
                ["Total", "3", "3", "8"],
            ]

    def test_a_holder_who_told_is_counted_by_what_they_told(self, as_staff, history):
        card = history.a
        cards.correct_registration(
            card, birth_year=1980, postcode="33100", gender="female", life_situation="student"
        )
        rows = get_csv(as_staff("national"), "holders-by-gender")
        assert rows[1:] == [
            ["Woman", "1", "1", "5"],
            ["Not known", "2", "2", "3"],
            ["Total", "3", "3", "8"],
        ]


class TestEveryUse:
    def test_one_row_per_counted_use_in_local_time(self, as_staff, history):
        rows = get_csv(as_staff("national"), "uses")
        header, uses = rows[0], rows[1:]
        assert header[:3] == ["Date", "Time", "Venue"]
        assert len(uses) == 8  # not the voided one, nor 2024's or 2026's
        # use 6: 23:00 UTC on New Year's Eve is 01:00 on New Year's Day in Finland
        assert ["2025-01-01", "01:00", "Theatre"] in [use[:3] for use in uses]
        holders = {use[-1] for use in uses}
        assert len(holders) == 3  # A, B, and C's holder on either card
        assert not holders & {display(card.number) for card in (history.a, history.c)}
        assert "Espoon järjestö" in {use[10] for use in uses}

    def test_times_follow_finnish_clocks_on_the_day_they_change(self, as_staff, world, monkeypatch):
        """On 30 March 2025 Finnish clocks jumped from 03:00 to 04:00."""
        factories.travel(monkeypatch, "2025-03-01 12:00")
        holders = [factories.active_card(world.area, world.issuer) for _ in range(3)]
        for card, local in zip(
            holders, ("2025-03-30 02:30", "2025-03-30 04:30", "2025-03-31 12:00")
        ):
            factories.travel(monkeypatch, local)
            checkin.record_use(card.number, world.venue, nonce=f"nonce-clocks-{card.id}")
        factories.travel(monkeypatch, None)
        query = "start=2025-03-30&end=2025-03-31"
        times = [row[:2] for row in get_csv(as_staff("national"), "uses", query=query)[1:]]
        assert times == [
            ["2025-03-30", "02:30"],
            ["2025-03-30", "04:30"],
            ["2025-03-31", "12:00"],
        ]

    def test_names_with_separators_quotes_and_formulas_survive(self, as_staff, world):
        odd = accounts.create_site(
            "odd", 'Teatteri "Pieni"; Sali, 2', area_code="PIR", kind="venue", category="culture"
        )
        formula = accounts.create_site(
            "formula", "=HYPERLINK(1)", area_code="PIR", kind="venue", category="culture"
        )
        checkin.record_use(world.url, odd, nonce="nonce-odd-1")
        checkin.record_use(world.url, formula, nonce="nonce-formula-1")
        client = as_staff("national")
        rows = get_csv(client, "uses", query="", lang="fi")
        assert all(len(row) == 12 for row in rows)
        assert {row[2] for row in rows[-2:]} == {'Teatteri "Pieni"; Sali, 2', "'=HYPERLINK(1)"}
        venues = [row[0] for row in get_csv(client, "venues", query="", lang="fi")]
        assert "'=HYPERLINK(1)" in venues and "=HYPERLINK(1)" not in venues

    @pytest.mark.parametrize("who", ["issuer", "desk"])
    def test_only_for_admins(self, as_staff, who):
        response = as_staff(who).get(f"/reports/uses.csv?{YEAR_2025}")
        assert response.status_code == 403


class TestScopesAndSmallCounts:
    def test_an_area_admin_counts_its_area_and_its_cards_elsewhere(self, as_staff):
        rows = get_csv(as_staff("coordinator"), "summary")
        assert rows[1] == ["Uses by adults", "6", "1", "500"]  # not Uusimaa's own 8 and 9

    def test_a_venue_sees_its_own_uses_with_small_counts_hidden(self, as_staff):
        client = as_staff("desk")
        rows = get_csv(client, "categories")
        assert rows[1] == ["Culture", "<5", "<5", "0", "0"]  # use 7 was at the museum
        assert rows[-1] == ["Total", "<5", "<5", "0", "0"]
        page = client.get(f"/reports?{YEAR_2025}&lang=en")
        assert "&lt;5" in page.text
        assert "To protect privacy" in page.text
        assert "Cards registered" not in page.text
        assert client.get(f"/reports/registrations-by-area.csv?{YEAR_2025}").status_code == 404

    def test_an_issuer_sees_its_own_cards_wherever_used(self, as_staff):
        client = as_staff("issuer")
        rows = get_csv(client, "venues")
        # every count is "<5": ranked as shown, they go by name, not by their exact counts
        assert [row[0] for row in rows[1:-1]] == [
            "College",
            "Museum",
            "Theatre",
            "Vantaan uimahalli",
        ]
        assert rows[3][2:] == ["<5", "<5", "<5"]  # Theatre: A's uses 1 and 5, B's 6: 2 cards
        assert rows[1][2:] == ["<5", "0", "<5"]
        assert client.get(f"/reports/areas.csv?{YEAR_2025}").status_code == 404

    def test_no_figure_gives_a_hidden_count_back_by_subtraction(self, client, world):
        """8 adults and 3 children at one venue: the desk sees the 8 rounded to 10 and
        the 3 hidden, and no exact 8 or sum of 11 anywhere to subtract from."""
        factories.staff(world)
        for n in range(8):
            card = factories.active_card(world.area, world.issuer, children=1)
            checkin.record_use(
                card.number, world.venue, nonce=f"nonce-sum-{n}", children=int(n < 3)
            )
        factories.log_in(client, factories.Staff.desk)
        shown = {}
        for name in ("summary", "months", "categories", "areas", "frequency"):
            for row in get_csv(client, name, query=""):
                shown.update({f"{name} {row[0]} {n}": cell for n, cell in enumerate(row)})
        assert shown["summary Uses by adults 1"] == "10"
        assert shown["summary Uses by children 1"] == "<5"
        assert not {"8", "11"} & set(shown.values())

    def test_no_published_table_gives_a_hidden_count_back(self, client, world):
        """The same 8 uses and 3 children of one municipality's holders at one venue, in
        every table an admin publishes: rounded to 10 or hidden each time, and no exact
        8, 3 or 11 anywhere to subtract from (shares and ratios follow the rounded counts)."""
        factories.staff(world)
        factories.network(world.area, factories.TAMPERE)
        accounts.update_site(world.venue, "Theatre", category="culture", municipality="837")
        for n in range(8):
            card = factories.active_card(world.area, world.issuer, children=1, municipality="837")
            children = int(n < 3)
            checkin.record_use(card.number, world.venue, nonce=f"nonce-pub-{n}", children=children)
        factories.log_in(client, factories.Staff.national)
        shown = []
        for name in tables.allowed("admin") + ("national", "yearly"):
            for row in get_csv(client, name, query="publish=1"):
                shown += [cell for cell in row[1:] if cell and cell[0].isdigit()]
        assert "10" in shown and not {"8", "3", "11"} & set(shown)
        counts = [cell for cell in shown if cell.isdigit()]
        assert all(int(cell) % 5 == 0 for cell in counts if int(cell) > 12), counts

    def test_an_admin_can_export_for_publishing(self, as_staff):
        rows = get_csv(as_staff("national"), "categories", query=f"{YEAR_2025}&publish=1")
        assert rows[1] == ["Culture", "<5", "<5", "<5", "0"]
        assert rows[4] == ["Sport", "<5", "<5", "0", "0"]
        assert rows[5] == ["Total", "10", "<5", "<5", "0"]  # 8 adults, rounded to 5


class TestDashboard:
    def test_charts_are_svg_pictures_of_the_tables(self, as_staff):
        page = as_staff("national").get(f"/reports?{YEAR_2025}&lang=en")
        assert page.status_code == 200
        assert '<svg role="img" aria-labelledby="months-chart-title months-chart-desc"' in page.text
        assert (
            '<caption id="months-caption" class="visually-hidden">Uses by month</caption>'
            in page.text
        )
        assert "January 1, 2025 – December 31, 2025" in page.text.replace("\u202f", " ")

    def test_every_role_has_a_dashboard_for_this_year_by_default(self, as_staff):
        for who in ("national", "coordinator", "issuer", "desk"):
            page = as_staff(who).get("/reports?lang=en")
            assert page.status_code == 200, who
            assert "Uses by month" in page.text

    @pytest.mark.parametrize(
        "query, message",
        [
            ("start=2025-02-30", "From: give the date as YYYY-MM-DD."),
            ("start=2025-06-01&end=2025-05-01", "The period must not end before it starts."),
        ],
    )
    def test_a_bad_period_is_explained(self, as_staff, query, message):
        client = as_staff("national")
        page = client.get(f"/reports?{query}&lang=en")
        assert page.status_code == 400
        assert message in page.text
        assert 'aria-invalid="true"' in page.text
        export = client.get(f"/reports/months.csv?{query}&lang=en")
        assert export.status_code == 422
        assert message in export.text


def test_an_export_streaming_does_not_hold_up_the_desk(app):
    """On SQLite a statistics request only reads: a desk records a use while an admin's
    export is still streaming (a write lock would make it wait, then fail)."""
    with app.app_context():
        world = factories.world()
        factories.staff(world)
        number, venue = world.card.number, world.venue.slug
    client = app.test_client()
    factories.log_in(client, factories.Staff.national)
    export = client.get("/reports/uses.csv", buffered=False)
    stream = iter(export.response)
    next(stream)  # the header: the export's transaction is open
    with app.app_context():
        use, created = checkin.record_use(
            number, accounts.find_site(venue), nonce="nonce-while-exporting"
        )
        assert created and use.id
    rows = b"".join(stream).decode().splitlines()
    export.close()
    assert len(rows) in (0, 1)  # the use came after the export's snapshot, or just in it


@pytest.mark.parametrize(
    "language, fall, rise",
    [("fi", "−25\xa0%", "+12,5\xa0%"), ("sv", "−25\xa0%", "+12,5\xa0%"), ("en", "-25%", "+12.5%")],
)
def test_a_change_is_signed_the_way_the_language_writes_it(app, language, fall, rise):
    from app.core.tables import Cell
    from app.reports.export import shown

    with app.test_request_context(headers={"Accept-Language": language}):
        assert shown(Cell(-0.25, "change")) == fall
        assert shown(Cell(0.125, "change")) == rise


def test_uses_by_event_date_count_advance_tickets_on_the_events_day(client, world, monkeypatch):
    """An advance ticket recorded on 10 March for a show on 14 March: the monthly figures
    count it on the 10th, this table on the 14th, as recorded in advance."""
    factories.staff(world)
    factories.travel(monkeypatch, "2027-03-10 12:00")
    show = accounts.create_event("theatre", "Kevätkonsertti", date="2027-03-14")
    checkin.record_use(world.url, world.venue, nonce="advance-ticket", event_id=show.id)
    factories.travel(monkeypatch, "2027-03-14 18:00")
    other = factories.active_card(world.area, world.issuer)
    checkin.record_use(factories.url_of(other), world.venue, nonce="on-the-day", event_id=show.id)
    factories.travel(monkeypatch, None)
    factories.log_in(client, factories.Staff.national)
    rows = get_csv(client, "events", "start=2027-03-14&end=2027-03-14")
    assert rows[0] == ["Date", "Event", "Venue", "Adults", "Children", "Recorded in advance"]
    assert rows[1] == ["2027-03-14", "Kevätkonsertti", "Theatre", "2", "0", "1"]
    assert get_csv(client, "events", "start=2027-03-10&end=2027-03-10")[1:] == [
        ["Total", "", "", "0", "0", "0"]
    ]


def test_community_cards_are_reported_apart(client, world):
    """A youth worker's card: registered, then one visit with 6 clients under 16."""
    [card] = factories.stock(world.area, world.issuer)
    factories.register(card, kind="community", organisation="Nuorisotalo", client_cap=8)
    checkin.record_use(factories.url_of(card), world.venue, nonce="group-visit", clients=6)
    factories.staff(world)
    factories.log_in(client, factories.Staff.national)
    today = factories.today().isoformat()
    rows = {row[0]: row[1] for row in get_csv(client, "summary", f"start={today}&end={today}")}
    assert rows["Of the uses by adults, by community cards"] == "1"
    assert rows["Clients under 16 on community cards' uses"] == "6"
    assert rows["Uses by children"] == "0"  # clients are not children
    assert (rows["Cards registered"], rows["Community cards registered"]) == ("2", "1")
