"""Coordinators change what was set up: close a site, rename an area, change or delete an
event; every change audited, and nothing that has history disappears."""

from sqlalchemy import select

from app.core import accounts, checkin
from app.extensions import db
from app.models import Area, AuditEntry, Event, Site, Use
from tests import factories


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


class TestClosingASite:
    def test_its_users_and_keys_stop_and_its_history_stays(self, admin, app, world):
        _, raw = accounts.create_api_key("theatre")
        checkin.record_use(world.url, world.venue, nonce="before-closing")
        desk = app.test_client()
        factories.log_in(desk, factories.Staff.desk)
        assert desk.get("/desk").status_code == 200

        refused = admin.post("/admin/sites/theatre/close")  # the box not ticked
        assert refused.status_code == 302 and db.session.get(Site, world.venue.id).closed_at is None
        closed = admin.post("/admin/sites/theatre/close", data={"close-confirm": "yes"})
        assert closed.status_code == 302

        assert desk.get("/desk").status_code == 302  # the open session ended
        login = app.test_client().post(
            "/login", data={"email": factories.Staff.desk, "password": factories.PASSWORD}
        )
        assert login.status_code == 422 or "/login" in (login.location or "/login")
        api = app.test_client().post(
            "/api/v1/verify", json={"code": world.url}, headers={"Authorization": f"Bearer {raw}"}
        )
        assert api.status_code == 401
        assert factories.count(Use, Use.card_id == world.card.id) == 1  # its history stays
        assert "site.close" in actions()
        assert "Suljettu" in admin.get("/admin/sites").text

    def test_nothing_new_for_a_closed_site_and_it_can_be_opened_again(self, admin, world):
        accounts.close_site(world.venue)
        page = admin.get("/admin/events").text
        assert 'value="theatre"' not in page  # not offered for new events
        response = admin.post(
            "/admin/events", data={"venue": "theatre", "name": "X", "date": "2030-01-01"}
        )
        assert response.status_code == 422 and factories.count(Event) == 0
        admin.post("/admin/sites/theatre/reopen")
        assert db.session.get(Site, world.venue.id).closed_at is None
        assert actions()[-1] == "site.reopen"

    def test_a_closed_issuing_site_gets_no_stock(self, admin, world):
        before = factories.count(Site)
        accounts.close_site(world.issuer)
        response = admin.post("/admin/stock", data={"site": "issuer", "count": "5"})
        assert response.status_code in (404, 409, 422)
        assert factories.count(Site) == before


class TestEvents:
    def test_a_coordinator_changes_an_event(self, admin, world):
        event = accounts.create_event("theatre", "Gala", date=factories.today(), quota=10)
        response = admin.post(
            f"/admin/events/{event.id}",
            data={"name": "Gaala", "date": factories.today().isoformat(), "quota": "12"},
        )
        assert response.status_code == 302
        db.session.expire_all()
        assert (db.session.get(Event, event.id).name, db.session.get(Event, event.id).quota) == (
            "Gaala",
            12,
        )
        assert actions()[-1] == "event.update"

    def test_an_event_without_uses_can_be_deleted_one_with_uses_not(self, admin, world):
        empty = accounts.create_event("theatre", "Mistake", date=factories.today())
        used = accounts.create_event("theatre", "Show", date=factories.today())
        checkin.record_use(world.url, world.venue, nonce="at-the-show", event_id=used.id)
        assert admin.post(f"/admin/events/{empty.id}/delete").status_code == 302
        refused = admin.post(f"/admin/events/{used.id}/delete", follow_redirects=True)
        assert "ei voi poistaa" in refused.text
        db.session.expire_all()
        assert db.session.get(Event, empty.id) is None and db.session.get(Event, used.id)
        assert actions().count("event.delete") == 1

    def test_a_venue_deletes_its_own_mistake_but_not_another_venues(self, client, world):
        factories.staff(world)
        factories.log_in(client, factories.Staff.desk)
        own = accounts.create_event("theatre", "Typo", date=factories.today())
        other = accounts.create_event("museum", "Theirs", date=factories.today())
        assert client.post(f"/desk/events/{own.id}/delete").status_code == 302
        assert client.post(f"/desk/events/{other.id}/delete").status_code == 404
        db.session.expire_all()
        assert db.session.get(Event, own.id) is None and db.session.get(Event, other.id)


class TestAreas:
    def test_an_area_is_renamed_and_its_code_stays(self, admin, world):
        response = admin.post("/admin/areas/PIR", data={"name": "Pirkanmaan verkosto"})
        assert response.status_code == 302
        db.session.expire_all()
        area = db.session.get(Area, world.area.id)
        assert (area.code, area.name) == ("PIR", "Pirkanmaan verkosto")
        assert actions()[-1] == "area.update"

    def test_an_area_admin_cannot_rename_another_area(self, coordinator):
        assert coordinator.post("/admin/areas/UUS", data={"name": "Mine"}).status_code == 404
        uus = db.session.scalar(select(Area).where(Area.code == "UUS"))
        assert uus.name == "Uusimaa"

    def test_an_empty_name_changes_nothing(self, admin, world):
        response = admin.post("/admin/areas/PIR", data={"name": ""})
        assert response.status_code == 422 and 'id="name-error"' in response.text
        assert db.session.get(Area, world.area.id).name == "Pirkanmaa"
