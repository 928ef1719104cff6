"""Uses a desk kept offline, sent when the network returned: recorded with the device's
time and the server's, judged as of the device's time, confirmed or refused."""

from datetime import datetime, timedelta, timezone

import pytest

from app.core import accounts, cards
from app.core.clock import utcnow
from app.extensions import db
from app.models import Use
from tests import factories

DEVICE = "3f2b8c1e-6a7d-4e0f-9b1a-2c3d4e5f6a7b"


def kept(code, nonce, ago=timedelta(hours=2), **extra):
    """What a desk's outbox sends for a use it recorded ``ago``."""
    moment = datetime.now(timezone.utc) - ago
    return {
        "code": code,
        "nonce": nonce,
        "recorded_at": moment.isoformat(timespec="seconds"),
        "device": DEVICE,
        **extra,
    }


def registered_long_ago(card):
    card.registered_at -= timedelta(days=3)
    for period in card.periods:
        period.valid_from -= timedelta(days=3)
    return factories.shift_validity(card, -3)


@pytest.fixture
def card(world):
    return registered_long_ago(world.card)


def uses():
    return db.session.query(Use).order_by(Use.id).all()


class TestConfirmed:
    def test_kept_with_the_devices_time_and_the_servers(self, api, world, card):
        before = utcnow()
        response = api.post("/uses", kept(world.url, "offline-0001", children=1))
        assert response.status_code == 201, response.get_json()
        [use] = uses()
        assert before - use.recorded_at >= timedelta(hours=2) - timedelta(seconds=2)
        assert use.received_at >= before and use.late and use.device_id == DEVICE
        data = response.get_json()
        assert (data["device"], data["late"], data["children"]) == (DEVICE, True, 1)
        assert data["recorded_at"] < data["received_at"]

    def test_undo_counts_from_when_the_server_received_it(self, api, world, card):
        use_id = api.post("/uses", kept(world.url, "offline-0001", ago=timedelta(hours=3)))
        use_id = use_id.get_json()["id"]
        response = api.delete(f"/uses/{use_id}")
        assert response.status_code == 200
        assert db.session.get(Use, use_id).voided_at is not None

    def test_a_card_blocked_after_the_visit_still_counts(self, api, world, card):
        cards.block_card(card)
        response = api.post("/uses", kept(world.url, "offline-0001"))
        assert response.status_code == 201
        assert len(uses()) == 1

    def test_the_same_outbox_sent_twice_records_once(self, api, world, card):
        first = api.post("/uses", kept(world.url, "offline-0001"))
        again = api.post("/uses", {**first.get_json(), "code": world.url})
        assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
        assert len(uses()) == 1

    def test_yesterdays_event_is_accepted_from_a_use_kept_yesterday(self, api, world, card):
        yesterday = factories.today() - timedelta(days=1)
        event = accounts.create_event("theatre", "Matinee", date=yesterday)
        response = api.post(
            "/uses", kept(world.url, "offline-0001", timedelta(days=1), event=event.id)
        )
        assert response.status_code == 201, response.get_json()
        assert uses()[0].day == yesterday and uses()[0].event_id == event.id

    def test_a_clock_a_minute_fast_counts_as_now(self, api, world, card):
        response = api.post("/uses", kept(world.url, "offline-0001", ago=-timedelta(minutes=1)))
        assert response.status_code == 201
        assert uses()[0].recorded_at <= uses()[0].received_at


class TestRefused:
    def test_a_card_blocked_before_the_visit(self, api, world, card):
        cards.block_card(card)
        response = api.post("/uses", kept(world.url, "offline-0001", ago=-timedelta(seconds=2)))
        assert (response.status_code, response.get_json()["status"]) == (409, "blocked")
        assert uses() == []

    def test_the_second_of_two_desks_that_used_one_card_offline(self, api, world, card):
        first = api.post("/uses", kept(world.url, "desk-a-0001", ago=timedelta(hours=2)))
        second = api.post(
            "/uses",
            {**kept(world.url, "desk-b-0001", ago=timedelta(hours=1)), "device": "desk-b-0000"},
        )
        assert first.status_code == 201
        assert (second.status_code, second.get_json()["status"]) == (409, "already_used")
        assert [use.nonce for use in uses()] == ["desk-a-0001"]

    def test_an_event_whose_quota_filled_meanwhile(self, api, world, card):
        event = accounts.create_event("theatre", "Gala", date=factories.today(), quota=1)
        other = factories.url_of(factories.active_card(world.area, world.issuer))
        assert (
            api.post(
                "/uses", {"code": other, "nonce": "online-0001", "event": event.id}
            ).status_code
            == 201
        )
        response = api.post("/uses", kept(world.url, "offline-0001", event=event.id))
        assert (response.status_code, response.get_json()["status"]) == (409, "quota_full")
        assert len(uses()) == 1

    @pytest.mark.parametrize(
        "recorded_at",
        ["yesterday", "2026-12-07T10:00:00", "", 1765100000, "2026-13-01T10:00:00+02:00"],
    )
    def test_a_time_that_is_not_iso_with_an_offset(self, api, world, card, recorded_at):
        body = {**kept(world.url, "offline-0001"), "recorded_at": recorded_at}
        response = api.post("/uses", body)
        if recorded_at == "":
            assert response.status_code == 201  # empty: recorded now, as online
            return
        assert (response.status_code, response.get_json()["field"]) == (422, "recorded_at")
        assert uses() == []

    @pytest.mark.parametrize("ago", [-timedelta(hours=1), timedelta(days=40)])
    def test_a_time_ahead_of_the_server_or_too_long_ago(self, api, world, card, ago):
        response = api.post("/uses", kept(world.url, "offline-0001", ago=ago))
        assert (response.status_code, response.get_json()["field"]) == (422, "recorded_at")
        assert uses() == []

    @pytest.mark.parametrize("device", ["short", "x" * 37, "not a device!", 12345678])
    def test_a_device_id_that_is_not_one(self, api, world, card, device):
        response = api.post("/uses", {**kept(world.url, "offline-0001"), "device": device})
        assert (response.status_code, response.get_json()["field"]) == (422, "device")
        assert uses() == []
