"""What a venue's ticketing system reads and sets besides single uses: its events and
their remaining quotas, new events, and its own uses of a period, a page at a time."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import accounts
from app.extensions import db
from app.models import AuditEntry, Event, Use
from tests import factories


class TestEvents:
    def test_lists_the_venues_coming_events_with_tickets_left(self, api, world):
        today = factories.today()
        gala = accounts.create_event("theatre", "Gala", date=today, quota=10, offline_quota=3)
        later = accounts.create_event("theatre", "Later", date=today + timedelta(days=9))
        accounts.create_event("theatre", "Over", date=today - timedelta(days=1))
        accounts.create_event("museum", "Theirs", date=today)
        api.post(
            "/uses", {"code": world.url, "nonce": "nonce-0001", "event": gala.id, "children": 2}
        )

        data = api.get("/events").get_json()["events"]

        assert [event["id"] for event in data] == [gala.id, later.id]
        assert data[0] == {
            "id": gala.id,
            "name": "Gala",
            "date": today.isoformat(),
            "quota": 10,
            "offline_quota": 3,
            "given": 3,
            "left": 7,
        }
        assert (data[1]["quota"], data[1]["left"]) == (None, None)

    def test_a_period_of_the_past_too(self, api, world):
        today = factories.today()
        over = accounts.create_event("theatre", "Over", date=today - timedelta(days=5))
        data = api.get(
            "/events", start=(today - timedelta(days=7)).isoformat(), end=today.isoformat()
        )
        assert [event["id"] for event in data.get_json()["events"]] == [over.id]

    def test_creates_an_event_in_the_trail_as_its_api_key(self, api, world):
        day = (factories.today() + timedelta(days=3)).isoformat()
        response = api.post(
            "/events", {"name": "Premiere", "date": day, "quota": 50, "offline_quota": 10}
        )
        assert response.status_code == 201
        event = db.session.get(Event, response.get_json()["id"])
        assert (event.venue, event.quota, event.offline_quota) == (world.venue, 50, 10)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.create"))
        assert entry.actor.startswith("API key ") and entry.actor.endswith("(theatre)")

    @pytest.mark.parametrize(
        "body, code, field",
        [
            ({"date": "2027-01-01"}, 400, "name"),
            ({"name": "Show"}, 400, "date"),
            ({"name": "Show", "date": "next week"}, 422, "date"),
            ({"name": "Show", "date": "2027-01-01", "quota": -1}, 422, "quota"),
            (
                {"name": "Show", "date": "2027-01-01", "quota": 5, "offline_quota": 6},
                422,
                "offline_quota",
            ),
            ({"name": "x" * 201, "date": "2027-01-01"}, 422, "name"),
        ],
    )
    def test_bad_events_are_refused_and_nothing_is_made(self, api, world, body, code, field):
        response = api.post("/events", body)
        assert (response.status_code, response.get_json()["field"]) == (code, field)
        assert db.session.query(Event).count() == 0

    def test_bad_periods(self, api, world):
        for query, field in (
            ({"start": "soon"}, "start"),
            ({"start": "2026-12-07", "end": "2026-12-01"}, "end"),
        ):
            response = api.get("/events", **query)
            assert (response.status_code, response.get_json()["field"]) == (422, field)


class TestOwnUses:
    def record(self, api, world, count):
        for n in range(count):
            card = factories.active_card(world.area, world.issuer)
            code = factories.url_of(card)
            assert api.post("/uses", {"code": code, "nonce": f"nonce-{n:04}"}).status_code == 201

    def test_pages_through_the_period_oldest_first(self, api, world):
        self.record(api, world, 5)
        _, raw = accounts.create_api_key("museum")
        museum = {"Authorization": f"Bearer {raw}"}
        assert (
            api.post(
                "/uses", {"code": world.url, "nonce": "theirs-0001"}, headers=museum
            ).status_code
            == 201
        )
        today = factories.today().isoformat()

        first = api.get("/uses", start=today, end=today, limit=3).get_json()
        rest = api.get(
            "/uses", start=today, end=today, limit=3, after=first["next_after"]
        ).get_json()

        ours = [
            use.id
            for use in db.session.query(Use).filter(Use.venue_id == world.venue.id).order_by(Use.id)
        ]
        assert [use["id"] for use in first["uses"] + rest["uses"]] == ours
        assert first["next_after"] == ours[2] and rest["next_after"] is None
        assert {use["venue"] for use in first["uses"] + rest["uses"]} == {"theatre"}

    def test_an_undone_use_is_listed_as_undone(self, api, world):
        use_id = api.post("/uses", {"code": world.url, "nonce": "nonce-0001"}).get_json()["id"]
        api.delete(f"/uses/{use_id}")
        [listed] = api.get("/uses").get_json()["uses"]
        assert listed["id"] == use_id and listed["voided_at"]

    def test_other_days_are_left_out(self, api, world):
        self.record(api, world, 1)
        yesterday = (factories.today() - timedelta(days=1)).isoformat()
        assert api.get("/uses", start=yesterday, end=yesterday).get_json()["uses"] == []

    @pytest.mark.parametrize(
        "query, field",
        [
            ({"limit": 0}, "limit"),
            ({"limit": "all"}, "limit"),
            ({"after": -1}, "after"),
            ({"end": "x"}, "end"),
        ],
    )
    def test_bad_pages(self, api, world, query, field):
        response = api.get("/uses", **query)
        assert (response.status_code, response.get_json()["field"]) == (422, field)
