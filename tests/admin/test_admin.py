"""Admin pages: areas, sites, users and password links, API keys, events, stock, audit."""

import csv
import io
import re

import pypdfium2
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from app.core import accounts, numbers
from app.core.tokens import card_url
from app.extensions import db
from app.models import ApiKey, Area, AuditEntry, Batch, Card, Event, Site, User
from tests import factories
from tests.scanning import decode_pdf


class TestStock:
    def test_generate_a_batch_then_print_and_every_qr_scans(self, admin, world):
        response = admin.post("/admin/stock", data={"site": "issuer", "count": "12"})
        assert response.status_code == 302
        batch = db.session.scalar(select(Batch).order_by(Batch.id.desc()))
        batch_cards = db.session.scalars(select(Card).where(Card.batch_id == batch.id)).all()
        assert len(batch_cards) == 12 and {c.status for c in batch_cards} == {"unregistered"}
        expected = sorted(card_url(c.number, c.generation) for c in batch_cards)

        sheets = admin.get(f"/admin/stock/{batch.id}.pdf?layout=a4")
        assert sheets.mimetype == "application/pdf"
        assert len(pypdfium2.PdfDocument(sheets.data)) == 2  # 10 a sheet
        assert sorted(decode_pdf(sheets.data)) == expected

        single = admin.get(f"/admin/stock/{batch.id}.pdf?layout=card")
        document = pypdfium2.PdfDocument(single.data)
        assert len(document) == 12
        width, height = document[0].get_size()
        assert (round(width / 72 * 25.4, 1), round(height / 72 * 25.4, 1)) == (85.6, 54.0)
        assert sorted(decode_pdf(single.data)) == expected

    def test_csv_of_the_numbers(self, admin, world):
        admin.post("/admin/stock", data={"site": "issuer", "count": "3"})
        batch = db.session.scalar(select(Batch).order_by(Batch.id.desc()))
        response = admin.get(f"/admin/stock/{batch.id}.csv")  # Finnish: ";" and Finnish headers
        text = response.data.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        assert len(rows) == 3 and all(numbers.is_valid(row["Kortin numero"]) for row in rows)
        assert {row["Tila"] for row in rows} == {"Ei vielä rekisteröity"}
        english = admin.get(f"/admin/stock/{batch.id}.csv?lang=en").data.decode("utf-8")
        assert english.lstrip("\ufeff").startswith("Card number,Link,Status,Issuing site")

    @pytest.mark.parametrize(
        "form",
        [
            {"site": "issuer", "count": "0"},
            {"site": "issuer", "count": "5001"},
            {"site": "theatre", "count": "5"},
            {"site": "nowhere", "count": "5"},
            {"site": "issuer", "count": "many"},
        ],
    )
    def test_bad_batches_are_refused(self, admin, world, form):
        before = factories.count(Card)
        assert admin.post("/admin/stock", data=form).status_code == 422
        assert factories.count(Card) == before


class TestForms:
    def test_a_new_site_with_several_mistakes_gets_them_all_beside_their_fields(self, admin):
        form = {"name": "", "slug": "Bad Slug!", "area": "NOPE", "kind": "venue"}
        before = factories.count(Site)
        page = admin.post("/admin/sites", data=form)
        assert page.status_code == 422
        summary = re.search(r'<div class="error-summary".*?</div>', page.text, re.S).group(0)
        assert sorted(re.findall(r'<a href="#(\w+)">', summary)) == ["area", "name", "slug"]
        for field in ("area", "name", "slug"):
            assert f'id="{field}-error"' in page.text
        assert "Nimi: tämä tieto tarvitaan." in page.text
        assert factories.count(Site) == before

    def test_an_event_with_a_bad_date_and_quota_says_both(self, admin):
        form = {"venue": "theatre", "name": "Gala", "date": "31.12.2026", "quota": "-1"}
        page = admin.post("/admin/events", data=form)
        assert page.status_code == 422
        assert 'id="date-error"' in page.text and 'id="quota-error"' in page.text
        assert factories.count(Event) == 0

    def test_after_generating_stock_the_same_site_stays_chosen(self, admin, world):
        other = accounts.create_site("second-issuer", "Second", area_code="PIR", kind="issuer")
        done = admin.post("/admin/stock", data={"site": other.slug, "count": "2"})
        assert done.status_code == 302
        page = admin.get(done.location)
        assert re.search(r'<option value="second-issuer" selected>', page.text)


class TestAccounts:
    def test_a_user_gets_no_role_unless_one_is_chosen(self, admin):
        form = admin.get("/admin/users").text
        role = re.search(r'<select id="role".*?</select>', form, re.S).group(0)
        assert re.search(r'<option value="">[^<]+</option>', role)  # chosen first: nothing
        page = admin.post("/admin/users", data={"email": "who@kaiku.fi"})
        assert page.status_code == 422 and "Valitse rooli" in page.text
        assert db.session.scalar(select(User).where(User.email == "who@kaiku.fi")) is None

    def test_area_site_and_user_with_a_one_time_password_link(self, admin, client, world):
        assert (
            admin.post("/admin/areas", data={"code": "uus", "name": "Uusimaa"}).status_code == 302
        )
        assert (
            admin.post(
                "/admin/sites",
                data={
                    "name": "Espoo library",
                    "slug": "espoo-library",
                    "area": "UUS",
                    "kind": "venue",
                    "category": "culture",
                },
            ).status_code
            == 302
        )
        page = admin.post(
            "/admin/users",
            data={"email": "desk@espoo.fi", "role": "venue", "site": "espoo-library"},
        )
        link = re.search(
            r"<code id=\"password-link\">(http[^<]+/reset/[^<]+)</code>", page.text
        ).group(1)
        assert link.startswith("https://kaiku.test/reset/")  # BASE_URL, never the Host header
        path = link.split("kaiku.test", 1)[1]
        other = client.application.test_client()
        form = {"password": "a brand new secret", "repeat": "a brand new secret"}
        assert other.post(path, data=form).status_code == 302
        assert other.post(path, data=form).status_code == 404  # once only
        factories.PASSWORD, saved = "a brand new secret", factories.PASSWORD
        try:
            factories.log_in(other, "desk@espoo.fi")
        finally:
            factories.PASSWORD = saved
        assert other.get("/desk").status_code == 200

    def test_reset_stops_the_old_password_at_once(self, admin, client, world):
        user = db.session.scalar(select(User).where(User.email == factories.Staff.issuer))
        page = admin.post(f"/admin/users/{user.id}/reset")
        assert "/reset/" in page.text
        other = client.application.test_client()
        response = other.post(
            "/login", data={"email": factories.Staff.issuer, "password": factories.PASSWORD}
        )
        assert response.status_code == 422

    def test_api_key_shown_once_works_then_revoked(self, admin, client, world):
        page = admin.post("/admin/sites/theatre/keys")
        raw = re.search(r"<code id=\"api-key\">(kaiku_[^<]+)</code>", page.text).group(1)
        assert raw not in admin.get("/admin/sites/theatre/keys").text
        api = client.application.test_client()
        headers = {"Authorization": f"Bearer {raw}"}
        assert (
            api.post("/api/v1/verify", json={"code": world.url}, headers=headers).status_code == 200
        )
        key = db.session.scalar(select(ApiKey).order_by(ApiKey.id.desc()))
        admin.post(f"/admin/keys/{key.id}/revoke")
        assert (
            api.post("/api/v1/verify", json={"code": world.url}, headers=headers).status_code == 401
        )

    def test_events_with_quota(self, admin, world):
        response = admin.post(
            "/admin/events",
            data={"venue": "theatre", "name": "Gala", "date": "2026-12-31", "quota": "25"},
        )
        assert response.status_code == 302
        assert factories.count(Event, Event.name == "Gala", Event.quota == 25) == 1
        bad = admin.post("/admin/events", data={"venue": "theatre", "name": "X", "date": "31.12."})
        assert bad.status_code == 422 and 'id="date-error"' in bad.text

    def test_lists_are_searchable_and_paged(self, admin, world):
        for n in range(30):
            accounts.create_site(f"venue-{n:02}", f"Venue {n:02}", area_code="PIR", kind="venue")
        first = admin.get("/admin/sites?q=venue")
        assert "Venue 00" in first.text and 'rel="next"' in first.text
        assert "Theatre" not in first.text
        second = admin.get("/admin/sites?q=venue&page=2")
        assert "Venue 29" in second.text
        assert admin.get("/admin/sites?page=abc").status_code == 200


class TestAreaCoordinator:
    def test_sees_only_their_area(self, coordinator, world):
        page = coordinator.get("/admin/sites")
        assert "Theatre" in page.text and "Helsinki museum" not in page.text
        assert coordinator.get("/admin/sites/helsinki-museum/keys").status_code == 404
        assert (
            coordinator.post(
                "/admin/events",
                data={"venue": "helsinki-museum", "name": "X", "date": "2026-12-31"},
            ).status_code
            == 422
        )
        assert factories.count(Event) == 0

    def test_cannot_add_areas_or_admins(self, coordinator, world):
        assert coordinator.post("/admin/areas", data={"code": "X", "name": "X"}).status_code == 422
        response = coordinator.post("/admin/users", data={"email": "new@kaiku.fi", "role": "admin"})
        assert response.status_code == 422
        assert (
            factories.count(Area, Area.code == "X") == 0
            and factories.count(User, User.email == "new@kaiku.fi") == 0
        )


class TestAudit:
    def test_every_admin_change_is_in_the_trail_and_filterable(self, admin, world):
        admin.post("/admin/stock", data={"site": "issuer", "count": "2"})
        admin.post("/admin/sites/theatre/keys")
        page = admin.get("/admin/audit?action=cards.issue")
        assert "<strong>Korttivarasto luotu</strong>" in page.text  # in words, not cards.issue
        assert "API-avain luotu" not in page.text.split("<tbody>")[1]
        page = admin.get(f"/admin/audit?actor={factories.Staff.national}")
        assert "<strong>API-avain luotu</strong>" in page.text
        assert "cards.issue" not in re.sub(r"<option[^>]*>", "", page.text)  # codes only as values

    def test_entries_cannot_be_changed(self, world):
        entry = db.session.scalar(select(AuditEntry))
        entry.actor = "someone else"
        with pytest.raises(RuntimeError):
            db.session.commit()
        db.session.rollback()

    @pytest.mark.parametrize(
        "statement", [update(AuditEntry).values(actor="x"), delete(AuditEntry)]
    )
    def test_the_database_refuses_to_change_or_delete_entries(self, world, statement):
        before = factories.count(AuditEntry)
        with pytest.raises(DBAPIError):
            db.session.execute(statement)
            db.session.commit()
        db.session.rollback()
        assert (
            factories.count(AuditEntry) == before
            and factories.count(AuditEntry, AuditEntry.actor == "x") == 0
        )


class TestSessionsAndOddInput:
    def test_a_reset_ends_the_users_open_sessions(self, admin, client, world):
        issuer = client.application.test_client()
        factories.log_in(issuer, factories.Staff.issuer)
        assert issuer.get("/issuer").status_code == 200
        user = db.session.scalar(select(User).where(User.email == factories.Staff.issuer))
        admin.post(f"/admin/users/{user.id}/reset")
        assert issuer.get("/issuer").status_code == 302

    def test_the_area_admin_sees_password_changes_of_their_users(self, client, world):
        factories.staff(world)
        factories.log_in(client, factories.Staff.issuer)
        new = "another long password"
        client.post(
            "/account/password",
            data={"current": factories.PASSWORD, "password": new, "repeat": new},
        )
        coordinator = client.application.test_client()
        factories.log_in(coordinator, factories.Staff.coordinator)
        page = coordinator.get("/admin/audit?action=user.password")
        assert "<strong>Salasana asetettu</strong>" in page.text

    @pytest.mark.parametrize(
        "path",
        [
            "/admin/audit?page=%C2%B2",
            "/admin/users?page=%E2%91%A0",
            "/admin/audit?endpoint=x&_external=1",
            "/admin/audit?since=0001-01-01&until=9999-12-31",
            "/admin/sites?q=" + "x" * 5000,
            "/admin/audit?actor=" + "%" * 3000,
        ],
    )
    def test_odd_query_strings_never_500(self, admin, world, path):
        for n in range(30):  # enough rows for a second page
            accounts.create_site(f"v-{n:02}", f"V {n:02}", area_code="PIR", kind="venue")
        assert admin.get(path).status_code == 200


def test_a_closed_account_cannot_log_in_and_its_sessions_end(admin, client, world):
    desk = client.application.test_client()
    factories.log_in(desk, factories.Staff.desk)
    user = db.session.scalar(select(User).where(User.email == factories.Staff.desk))
    admin.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert desk.get("/desk").status_code == 302
    form = {"email": factories.Staff.desk, "password": factories.PASSWORD}
    assert desk.post("/login", data=form).status_code == 422
    admin.post(f"/admin/users/{user.id}/active", data={"active": "1"})
    assert desk.post("/login", data=form).status_code == 302


def test_a_sites_contact_is_for_staff_and_its_cards_print_the_programmes_help(admin, world):
    admin.post(
        "/admin/sites",
        data={
            "name": "Helpful NGO",
            "slug": "helpful-ngo",
            "area": "PIR",
            "kind": "issuer",
            "contact": "040 123 4567",
        },
    )
    admin.post("/admin/stock", data={"site": "helpful-ngo", "count": "1"})
    batch = db.session.scalar(select(Batch).order_by(Batch.id.desc()))
    pdf = admin.get(f"/admin/stock/{batch.id}.pdf?layout=card").data
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_bounded()
    assert "kaikukortti.fi" in text
    assert "Helpful NGO" not in text and "040 123 4567" not in text
    assert "040 123 4567" in admin.get("/admin/sites?q=helpful").text
