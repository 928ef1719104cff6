"""The JSON API: every status, recording, undo, auth and bad input."""

from datetime import timedelta

import pytest

from app.core import accounts, cards, imports, numbers
from app.core.tokens import make_token
from app.extensions import db
from app.models import Use
from tests import factories


def use_rows():
    return db.session.query(Use).filter(Use.voided_at.is_(None)).count()


def body(code, nonce="nonce-0001", **extra):
    return {"code": code, "nonce": nonce, **extra}


class TestVerify:
    def test_valid_card_shows_allowance_and_validity_but_no_holder_data(self, api, world):
        response = api.post("/verify", {"code": world.url})
        assert response.status_code == 200
        data = response.get_json()
        assert data["status"] == "valid"
        assert data["allowance"] == {"adults": 1, "children": 2, "assistant": 1, "clients": 0}
        assert data["card"]["number"] == numbers.display(world.card.number)
        assert data["card"]["valid_until"] == world.card.valid_until.isoformat()
        assert data["typed"] is False
        assert not {"birth_year", "postcode", "gender", "life_situation"} & set(data["card"])

    @pytest.mark.parametrize(
        "make_code, status",
        [
            (lambda w: "https://kaiku.test/k/K7Q4MZR23-1.AAAAAAAAAAAAAAAAAAAAAA", "invalid"),
            (lambda w: make_token(w.card.number, 1, ["another-key"]), "invalid"),
            (lambda w: factories.url_of(factories.stock(w.area, w.issuer)[0]), "unregistered"),
            (lambda w: factories.url_of(factories.expired_card(w.area, w.issuer)), "expired"),
            (lambda w: factories.url_of(factories.future_card(w.area, w.issuer)), "not_yet_valid"),
            (lambda w: factories.url_of(cards.block_card(w.card)), "blocked"),
        ],
    )
    def test_each_status(self, api, world, make_code, status):
        response = api.post("/verify", {"code": make_code(world)})
        assert response.status_code == 200
        assert response.get_json()["status"] == status
        assert response.get_json()["message"]

    def test_replaced(self, api, world):
        world.card.status = "replaced"
        db.session.commit()
        assert api.post("/verify", {"code": world.url}).get_json()["status"] == "replaced"

    def test_typed_number_says_typed(self, api, world):
        data = api.post("/verify", {"code": numbers.display(world.card.number)}).get_json()
        assert (data["status"], data["typed"]) == ("valid", True)

    def test_already_used_says_when(self, api, world):
        recorded = api.post("/uses", body(world.url)).get_json()
        data = api.post("/verify", {"code": world.url}).get_json()
        assert data["status"] == "already_used"
        assert data["last_use"]["recorded_at"] == recorded["recorded_at"]

    def test_quota_full(self, api, world):
        event = accounts.create_event("theatre", "Gala", date=factories.today(), quota=1)
        assert api.post("/uses", body(world.url, event=event.id)).status_code == 201
        other = factories.url_of(factories.active_card(world.area, world.issuer))
        data = api.post("/verify", {"code": other, "event": event.id}).get_json()
        assert (data["status"], data["quota_left"]) == ("quota_full", 0)


class TestUses:
    def test_record_then_already_used_then_undo_then_record_again(self, api, world):
        first = api.post("/uses", body(world.url, "nonce-0001", children=2, assistant=True))
        assert first.status_code == 201
        use = first.get_json()
        assert (use["adults"], use["children"], use["assistant"]) == (1, 2, 1)
        assert use["venue"] == "theatre" and use["voided_at"] is None

        second = api.post("/uses", body(world.url, "nonce-0002"))
        assert second.status_code == 409
        assert second.get_json()["status"] == "already_used"
        assert second.get_json()["message"]

        undone = api.delete(f"/uses/{use['id']}")
        assert undone.status_code == 200 and undone.get_json()["voided_at"]

        third = api.post("/uses", body(world.url, "nonce-0003"))
        assert third.status_code == 201
        assert use_rows() == 1

    def test_retry_with_the_same_nonce_returns_the_same_use(self, api, world):
        first = api.post("/uses", body(world.url, "retry-0001", children=1))
        again = api.post("/uses", body(world.url, "retry-0001", children=1))
        assert again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.get_json() == first.get_json()
        assert use_rows() == 1

    def test_refused_card_returns_409_with_status_and_records_nothing(self, api, world):
        cards.block_card(world.card)
        response = api.post("/uses", body(world.url))
        assert response.status_code == 409
        assert response.get_json()["status"] == "blocked"
        assert use_rows() == 0

    def test_forged_code_returns_409_invalid(self, api, world):
        response = api.post("/uses", body(make_token(world.card.number, 1, ["evil"])))
        assert (response.status_code, response.get_json()["status"]) == (409, "invalid")

    def test_undo_after_15_minutes_is_refused(self, api, world):
        use_id = api.post("/uses", body(world.url)).get_json()["id"]
        row = db.session.get(Use, use_id)
        row.recorded_at -= timedelta(minutes=16)
        db.session.commit()
        response = api.delete(f"/uses/{use_id}")
        assert response.status_code == 409
        assert db.session.get(Use, use_id).voided_at is None


class TestAccess:
    def test_no_key_is_401(self, client, world):
        response = client.post("/api/v1/verify", json={"code": world.url})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"] == "unauthorised"

    def test_wrong_key_is_401(self, api, world):
        bad = {"Authorization": "Bearer kaiku_not-a-real-key"}
        assert api.post("/verify", {"code": world.url}, headers=bad).status_code == 401

    def test_issuer_sites_key_is_403_on_uses(self, api, world):
        _, raw = accounts.create_api_key("theatre")
        world.venue.kind, world.venue.category = "issuer", None  # the site stopped being a venue
        db.session.commit()
        headers = {"Authorization": f"Bearer {raw}"}
        assert api.post("/uses", body(world.url), headers=headers).status_code == 403
        assert use_rows() == 0

    def test_another_venues_event_looks_like_no_event_at_all(self, api, world):
        event = accounts.create_event("museum", "Their show", date=factories.today())
        theirs = api.post("/uses", body(world.url, event=event.id))
        missing = api.post("/uses", body(world.url, event=event.id + 1))
        assert (theirs.status_code, theirs.get_json()["field"]) == (404, "event")
        assert theirs.get_json() == missing.get_json()
        assert use_rows() == 0

    def test_a_past_event_is_refused(self, api, world):
        event = accounts.create_event(
            "theatre", "Last year", date=factories.today().replace(year=2020)
        )
        response = api.post("/uses", body(world.url, event=event.id))
        assert (response.status_code, response.get_json()["field"]) == (422, "event")
        assert use_rows() == 0

    def test_an_advance_ticket_for_a_coming_event_counts_against_its_quota(self, api, world):
        coming = factories.today() + timedelta(days=5)
        event = accounts.create_event("theatre", "Next week", date=coming, quota=2)
        response = api.post("/uses", body(world.url, event=event.id, children=1))
        assert response.status_code == 201, response.get_json()
        assert use_rows() == 1
        other = factories.url_of(factories.active_card(world.area, world.issuer))
        full = api.post("/verify", {"code": other, "event": event.id}).get_json()
        assert full["status"] == "quota_full"
        again = api.post("/verify", {"code": world.url, "event": event.id}).get_json()
        assert again["status"] == "already_used"  # one use per card per event still holds

    def test_another_venues_use_is_404_and_untouched(self, api, world):
        _, raw = accounts.create_api_key("museum")
        theirs = api.post("/uses", body(world.url), headers={"Authorization": f"Bearer {raw}"})
        use_id = theirs.get_json()["id"]
        response = api.delete(f"/uses/{use_id}")
        assert response.status_code == 404
        assert db.session.get(Use, use_id).voided_at is None
        assert api.delete("/uses/999999").get_json() == response.get_json()

    def test_logged_in_venue_user_may_use_the_api_with_csrf(self, app, client, world):
        factories.user("desk@theatre.fi", "venue", world.venue)
        client.post("/login", data={"email": "desk@theatre.fi", "password": factories.PASSWORD})
        response = client.post("/api/v1/verify", json={"code": world.url})
        assert response.get_json()["status"] == "valid"

    def test_logged_in_issuer_is_403(self, client, world):
        factories.user("staff@issuer.fi", "issuer", world.issuer)
        client.post("/login", data={"email": "staff@issuer.fi", "password": factories.PASSWORD})
        assert client.post("/api/v1/verify", json={"code": world.url}).status_code == 403


class TestBadInput:
    @pytest.mark.parametrize(
        "payload, code, field",
        [
            ({}, 400, "code"),
            ({"code": None}, 400, "code"),
            ({"code": "x"}, 400, "nonce"),
            ({"code": "x", "nonce": "nonce-0001", "children": "lots"}, 422, "children"),
            ({"code": "x", "nonce": "nonce-0001", "children": 12}, 422, "children"),
            ({"code": "x", "nonce": "nonce-0001", "assistant": "maybe"}, 422, "assistant"),
            ({"code": "x", "nonce": "nonce-0001", "event": "tonight"}, 422, "event"),
            ({"code": "x", "nonce": "nonce-0001", "event": 424242}, 404, "event"),
            ({"code": "x", "nonce": "no"}, 422, "nonce"),
            ({"code": "x", "nonce": "nonce-0001", "category": "circus"}, 422, "category"),
        ],
    )
    def test_bad_fields_on_uses_are_named_and_nothing_is_recorded(self, api, payload, code, field):
        response = api.post("/uses", payload)
        assert response.status_code == code
        assert response.get_json()["field"] == field
        assert response.get_json()["message"]
        assert use_rows() == 0

    def test_children_over_the_card_is_422(self, api, world):
        response = api.post("/uses", body(world.url, children=3))
        assert (response.status_code, response.get_json()["field"]) == (422, "children")
        assert use_rows() == 0

    @pytest.mark.parametrize("payload", [None, "[1, 2]", "not json", '"code"'])
    def test_non_object_bodies_are_400(self, client, key, payload):
        for path in ("/api/v1/verify", "/api/v1/uses"):
            response = client.post(
                path, data=payload, headers={**key, "Content-Type": "application/json"}
            )
            assert response.status_code == 400
            assert response.get_json()["field"] == "body"

    @pytest.mark.parametrize("code", [123, ["a"], {"x": 1}, "", "   "])
    def test_odd_codes_verify_as_invalid_or_missing(self, api, code):
        response = api.post("/verify", {"code": code})
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert response.get_json()["status"] == "invalid"

    def test_unknown_routes_and_methods_answer_json(self, client, key):
        assert client.get("/api/v1/nothing", headers=key).get_json()["error"] == "not_found"
        response = client.get("/api/v1/verify", headers=key)
        assert response.status_code == 405 and response.is_json

    def test_delete_of_a_non_numeric_id_is_404_json(self, api):
        response = api.delete("/uses/abc")
        assert response.status_code == 404 and response.is_json


class TestKindsOfUse:
    def test_the_kind_is_asked_for_and_answered(self, api, world):
        verdict = api.post("/verify", {"code": world.url, "kind": "course_place"}).json
        assert verdict["kind"] == "course_place" and verdict["allowance"]["children"] == 0
        body = {"code": world.url, "nonce": "nonce-kind-1", "kind": "season_pass", "children": 2}
        use = api.post("/uses", body)
        assert use.status_code == 201 and use.json["kind"] == "season_pass"
        assert db.session.query(Use).one().kind == "season_pass"

    def test_without_a_kind_the_venues_own(self, api, world):
        use = api.post("/uses", {"code": world.url, "nonce": "nonce-kind-2"})
        assert use.json["kind"] == "ticket"

    def test_a_bad_kind_is_a_clear_422_and_records_nothing(self, api, world):
        response = api.post("/uses", {"code": world.url, "nonce": "nonce-kind-3", "kind": ["x"]})
        assert response.status_code == 422 and response.json["field"] == "kind"
        assert use_rows() == 0


def test_a_community_cards_clients_over_the_api(api, world):
    [card] = factories.stock(world.area, world.issuer)
    factories.register(card, kind="community", organisation="Nuorisotalo", client_cap=4)
    verdict = api.post("/verify", {"code": factories.url_of(card)}).json
    assert verdict["allowance"]["clients"] == 4
    use = api.post("/uses", body(factories.url_of(card), clients=3))
    assert use.status_code == 201 and use.json["clients"] == 3
    assert use_rows() == 1


def test_a_card_of_the_earlier_registry_by_its_id(api, world):
    imports.import_cards(
        b"id;status;registered;valid_until;children;birth_year;postcode;municipality;site;area\n"
        b"KK-0001234;active;2025-03-14;2030-03-13;1;1984;33100;;issuer;PIR\n"
    )
    verdict = api.post("/verify", {"code": "kk 0001234"}).get_json()
    assert (verdict["status"], verdict["card"]["number"], verdict["typed"]) == (
        "valid",
        "KK-0001234",
        True,
    )

    used = api.post("/uses", {"code": "KK-0001234", "nonce": "legacy-api-1", "children": 1})

    assert used.status_code == 201 and used.get_json()["card"] == "KK-0001234"
    assert db.session.get(Use, used.get_json()["id"]).card.legacy_id == "KK-0001234"


def test_a_use_id_beyond_the_columns_range_is_refused_not_an_error(api, world):
    """Found by the fuzzer on PostgreSQL, whose integer column overflowed (a 500)."""
    response = api.delete("/uses/8589934591")
    assert (response.status_code, response.get_json()["field"]) == (422, "id")
