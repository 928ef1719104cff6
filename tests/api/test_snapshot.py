"""GET /api/v1/snapshot: the desks' offline copy, which names no card and holds no code."""

import base64
import json

from app.core import accounts, cards, checkin, numbers, snapshot
from app.core.tokens import make_token
from tests import factories


def entries_of(data: dict) -> dict[bytes, dict]:
    """Each 12-byte entry and the group (its verdict) it is in."""
    found = {}
    for group in data["groups"]:
        raw = base64.b64decode(group["entries"])
        for start in range(0, len(raw), 12):
            found[raw[start : start + 12]] = group
    return found


def verdict(data: dict, code: str) -> str:
    """What the desk makes of a code offline (desk.js does the same)."""
    token = code.rsplit("/k/", 1)[-1]
    entries = entries_of(data)
    mine = snapshot.entry(token)
    if mine in entries:
        return entries[mine]["status"]
    if any(known[:3] == mine[:3] for known in entries):
        return "forged"
    return "unconfirmed"


def fetch(client, key, **headers):
    return client.get("/api/v1/snapshot", headers={**key, **headers})


class TestVerdicts:
    def test_a_valid_card_passes_with_its_allowance(self, client, key, world):
        data = fetch(client, key).get_json()
        group = entries_of(data)[snapshot.entry(world.url.rsplit("/k/", 1)[1])]
        assert (group["status"], group["children"]) == ("valid", 2)

    def test_forged_altered_and_old_codes_are_refused(self, client, key, world):
        token = world.url.rsplit("/k/", 1)[1]
        cards.new_code(world.card)
        data = fetch(client, key).get_json()
        altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        forged = make_token(world.card.number, world.card.generation, ["not-the-key"])
        assert verdict(data, token) == "old_code"
        assert verdict(data, factories.url_of(world.card)) == "valid"
        assert verdict(data, forged) == "forged"
        assert verdict(data, f"{token.partition('.')[0][:-1]}2.{altered.partition('.')[2]}") in (
            "unconfirmed",
            "forged",
        )

    def test_blocked_replaced_expired_and_stock_keep_their_word(self, client, key, world):
        blocked = cards.block_card(factories.active_card(world.area, world.issuer))
        expired = factories.expired_card(world.area, world.issuer)
        stock = factories.stock(world.area, world.issuer)[0]
        old = factories.active_card(world.area, world.issuer)
        old_url = factories.url_of(old)
        cards.replace_card(old, factories.stock(world.area, world.issuer)[0])
        data = fetch(client, key).get_json()
        assert verdict(data, factories.url_of(blocked)) == "blocked"
        assert verdict(data, factories.url_of(expired)) == "expired"
        assert verdict(data, factories.url_of(stock)) == "unregistered"
        assert verdict(data, old_url) == "replaced"

    def test_a_card_made_since_is_unconfirmed_not_refused(self, client, key, world):
        data = fetch(client, key).get_json()
        new = factories.active_card(world.area, world.issuer)
        assert verdict(data, factories.url_of(new)) == "unconfirmed"

    def test_a_rotation_lists_the_code_under_each_key(self, app, client, key, world):
        old_keys = app.config["SIGNING_KEYS"]
        app.config["SIGNING_KEYS"] = ["a-new-signing-key-" + "x" * 30, *old_keys]
        data = fetch(client, key).get_json()
        assert verdict(data, world.url) == "valid"
        assert verdict(data, factories.url_of(world.card)) == "valid"  # the new key's code

    def test_holders_who_used_a_card_here_today_are_listed(self, client, key, world):
        checkin.record_use(world.url, world.venue, nonce="n-snapshot-1")
        data = fetch(client, key).get_json()
        used = base64.b64decode(data["used_today"])
        assert snapshot.entry(world.url.rsplit("/k/", 1)[1]) in {
            used[i : i + 12] for i in range(0, len(used), 12)
        }

    def test_events_carry_their_quota_and_tickets_given(self, client, key, world):
        event = accounts.create_event("theatre", "Premiere", date=factories.today(), quota=10)
        checkin.record_use(world.url, world.venue, nonce="n-snapshot-2", event_id=event.id)
        (listed,) = fetch(client, key).get_json()["events"]
        assert (listed["id"], listed["quota"], listed["given"]) == (event.id, 10, 1)


class TestNothingSecret:
    def test_no_number_and_no_code_in_it(self, client, key, world):
        body = fetch(client, key).get_data(as_text=True)
        token = world.url.rsplit("/k/", 1)[1]
        for secret in (world.card.number, numbers.display(world.card.number), token):
            assert secret not in body
        assert token.partition(".")[2] not in body


class TestRefresh:
    def test_an_unchanged_registry_answers_304(self, client, key, world):
        first = fetch(client, key)
        again = fetch(client, key, **{"If-None-Match": first.headers["ETag"]})
        assert (again.status_code, again.get_data()) == (304, b"")

    def test_a_blocked_card_changes_the_etag(self, client, key, world):
        first = fetch(client, key)
        cards.block_card(world.card)
        again = fetch(client, key, **{"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 200
        assert verdict(again.get_json(), world.url) == "blocked"


class TestWhoMayFetch:
    def test_without_a_key_401(self, client, world):
        assert client.get("/api/v1/snapshot").status_code == 401

    def test_an_issuers_session_403(self, client, world):
        factories.user("issuer@kaiku.test", "issuer", world.issuer)
        factories.log_in(client, "issuer@kaiku.test")
        response = client.get("/api/v1/snapshot")
        assert response.status_code == 403
        assert json.loads(response.get_data())["error"] == "forbidden"
