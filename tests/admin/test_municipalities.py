"""Admin: the municipalities page, networks, loading the classification, a site's municipality."""

import html
import io

from sqlalchemy import select

from app.core import municipalities
from app.extensions import db
from app.models import AuditEntry, Municipality, Population, Site
from tests import factories

NEW_FILE = "KUNTA;KUNTANIMIFI;KUNTANIMISV\n837;Tampere;Tammerfors\n999;Uusikunta;Nykommun\n"


def upload(client, text: str):
    return client.post(
        "/admin/municipalities/load",
        data={"file": (io.BytesIO(text.encode()), "kunnat.csv")},
        content_type="multipart/form-data",
    )


class TestLoadingTheClassification:
    def test_a_preview_first_then_the_change(self, admin):
        municipalities.load_shipped()
        before = factories.count(Municipality)
        preview = upload(admin, NEW_FILE)
        assert preview.status_code == 200
        assert "Uusikunta" in preview.text and "Nykommun" in preview.text
        assert factories.count(Municipality) == before  # nothing yet
        text = html.unescape(preview.text.split('name="text" value="')[1].split('"')[0])
        loaded = admin.post("/admin/municipalities/load", data={"text": text})
        assert loaded.status_code == 302
        assert factories.count(Municipality) == before + 1
        assert db.session.get(Municipality, "999").name_sv == "Nykommun"

    def test_a_bad_file_is_explained_on_the_page(self, admin):
        response = upload(admin, "KUNTA;NIMI\n837;Tampere\n")
        assert response.status_code == 422
        assert "KUNTANIMISV" in response.text and factories.count(Municipality) == 0

    def test_an_area_admin_may_look_but_not_load(self, coordinator):
        municipalities.load_shipped()
        assert coordinator.get("/admin/municipalities").status_code == 200
        assert upload(coordinator, NEW_FILE).status_code == 403
        assert (
            coordinator.post("/admin/municipalities/load", data={"text": NEW_FILE}).status_code
            == 403
        )
        assert db.session.get(Municipality, "999") is None


def upload_population(client, text: str):
    return client.post(
        "/admin/municipalities/population?lang=en",
        data={"population": (io.BytesIO(text.encode()), "väkiluku.csv")},
        content_type="multipart/form-data",
    )


class TestPopulation:
    def test_loaded_and_loaded_again_with_corrections(self, admin):
        municipalities.load_shipped()
        response = upload_population(
            admin, "code;population;year\n837;255 050;2024\n536;36000;2024\n837;258000;2025\n"
        )
        assert response.status_code == 302
        assert municipalities.population(2025) == {"837": (2025, 258000), "536": (2024, 36000)}
        assert municipalities.population(2024)["837"] == (2024, 255050)
        assert municipalities.population(2023) == {}
        upload_population(admin, "KUNTA;VÄKILUKU;VUOSI\n536;36100;2024\n")
        assert municipalities.population(2024)["536"] == (2024, 36100)  # replaced
        assert factories.count(Population) == 3
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "population.load")
        ).all()
        assert len(entry) == 2

    def test_a_bad_file_loads_nothing_and_says_which_lines(self, admin):
        municipalities.load_shipped()
        response = upload_population(
            admin, "code;population;year\n837;x;2024\n998;100;2024\n536;100;1800\n"
        )
        assert response.status_code == 422
        text = html.unescape(response.text)
        assert "Line 2: Population:" in text and "Line 3: no municipality has code 998" in text
        assert "Line 4: Year:" in text and 'id="population-error"' in text
        assert factories.count(Population) == 0
        missing = upload_population(admin, "code;year\n837;2024\n")
        assert "code, population and year" in html.unescape(missing.text)

    def test_only_a_national_admin_loads_it(self, coordinator):
        municipalities.load_shipped()
        response = upload_population(coordinator, "code;population;year\n837;1000;2024\n")
        assert response.status_code == 403 and factories.count(Population) == 0


class TestNetworks:
    def test_add_to_a_network_and_take_out(self, admin, world):
        municipalities.load_shipped()
        response = admin.post(
            "/admin/municipalities/join",
            data={"municipality": "536", "area": "PIR", "joined_on": "2024-03-01"},
        )
        assert response.status_code == 302
        db.session.expire_all()
        nokia = db.session.get(Municipality, "536")
        assert (nokia.area_id, nokia.joined_on.isoformat()) == (world.area.id, "2024-03-01")
        page = admin.get("/admin/municipalities?q=nok").text
        assert "Pirkanmaa" in page and "Nokia" in page
        assert admin.post("/admin/municipalities/536/leave").status_code == 302
        db.session.expire_all()
        assert db.session.get(Municipality, "536").area_id is None

    def test_mistakes_are_shown_with_the_form(self, admin):
        municipalities.load_shipped()
        response = admin.post(
            "/admin/municipalities/join", data={"municipality": "", "area": "PIR", "joined_on": "x"}
        )
        assert response.status_code == 422
        assert 'aria-invalid="true"' in response.text
        assert factories.count(Municipality, Municipality.area_id.is_not(None)) == 0


class TestASitesMunicipality:
    def test_given_when_the_site_is_added(self, admin):
        municipalities.load_shipped()
        response = admin.post(
            "/admin/sites",
            data={
                "name": "Nokian kirjasto",
                "slug": "nokia-library",
                "area": "PIR",
                "kind": "venue",
                "category": "culture",
                "municipality": "536",
            },
        )
        assert response.status_code == 302
        site = db.session.scalar(select(Site).where(Site.slug == "nokia-library"))
        assert site.municipality_code == "536"

    def test_changed_later_with_the_name_and_contact_and_audited(self, admin, world):
        municipalities.load_shipped()
        page = admin.get("/admin/sites/issuer")
        assert page.status_code == 200 and 'value="Issuer"' in page.text
        response = admin.post(
            "/admin/sites/issuer",
            data={
                "name": "Tampereen sosiaalipalvelut",
                "contact": "03 565 611",
                "municipality": "837",
            },
        )
        assert response.status_code == 302
        db.session.expire_all()
        site = db.session.get(Site, world.issuer.id)
        assert (site.name, site.contact, site.municipality_code) == (
            "Tampereen sosiaalipalvelut",
            "03 565 611",
            "837",
        )
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "site.update"))
        assert '"837"' in entry.after and '"Issuer"' in entry.before

    def test_a_bad_change_changes_nothing(self, admin, world):
        response = admin.post("/admin/sites/theatre", data={"name": "", "category": "cooking"})
        assert response.status_code == 422
        db.session.expire_all()
        assert db.session.get(Site, world.venue.id).name == "Theatre"
        assert factories.count(AuditEntry, AuditEntry.action == "site.update") == 0

    def test_an_area_admin_cannot_change_another_areas_site(self, coordinator):
        response = coordinator.post("/admin/sites/helsinki-museum", data={"name": "Mine now"})
        assert response.status_code == 404
        site = db.session.scalar(select(Site).where(Site.slug == "helsinki-museum"))
        assert site.name == "Helsinki museum"


def test_statistics_show_holders_with_no_known_municipality(admin, world):
    factories.network(world.area, "837")
    [card] = factories.stock(world.area, world.issuer)
    factories.register(card, municipality="837")
    page = admin.get("/reports?lang=en").text
    assert "Cards registered by home municipality" in page
    assert "Not known" in page and "Tampere" in page


def test_a_venues_other_categories_and_usual_kind_are_changed_on_its_page(admin, world):
    response = admin.post(
        "/admin/sites/theatre",
        data={
            "name": "Theatre",
            "category": "culture",
            "offers": ["science", "culture"],
            "default_use": "season_pass",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    venue = db.session.get(Site, world.venue.id)
    assert (venue.categories, venue.use_kind) == (["culture", "science"], "season_pass")
    page = admin.get("/admin/sites/theatre").text
    assert 'id="offers-science" name="offers" value="science" checked' in page


def test_an_issuing_sites_page_asks_nothing_a_venue_is_asked(admin):
    page = admin.get("/admin/sites/issuer").text
    assert 'name="category"' not in page and 'name="offers"' not in page
    assert 'name="default_use"' not in page and 'name="municipality"' in page
