"""The desk page: log in, check a code, record, undo, every status on screen."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import accounts, cards, checkin, numbers
from app.extensions import db
from app.models import AuditEntry, Event, Use
from tests import factories


@pytest.fixture
def desk(client, world):
    """A logged-in desk user at the theatre."""
    factories.user("desk@theatre.fi", "venue", world.venue)
    response = client.post(
        "/login", data={"email": "desk@theatre.fi", "password": factories.PASSWORD}
    )
    assert response.status_code == 302 and response.location.endswith("/desk")
    return client


def check(desk, code, event=""):
    return desk.post("/desk/check", data={"code": code, "event": event})


def status_on(page) -> str:
    match = re.search(r'data-status="([a-z_]+)"', page.text)
    return match.group(1) if match else None


def record_form(page) -> dict:
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    fields.pop("csrf_token", None)
    return fields


def live_uses():
    db.session.expire_all()
    return db.session.query(Use).filter(Use.voided_at.is_(None)).all()


class TestLogin:
    def test_desk_needs_a_login(self, client, world):
        response = client.get("/desk")
        assert response.status_code == 302 and "/login" in response.location

    def test_wrong_password_is_refused_with_a_message(self, client, world):
        factories.user("desk@theatre.fi", "venue", world.venue)
        response = client.post("/login", data={"email": "desk@theatre.fi", "password": "nope"})
        assert response.status_code == 422
        assert 'role="alert"' in response.text
        assert client.get("/desk").status_code == 302

    def test_issuer_may_not_open_the_desk(self, client, world):
        factories.user("staff@issuer.fi", "issuer", world.issuer)
        client.post("/login", data={"email": "staff@issuer.fi", "password": factories.PASSWORD})
        assert client.get("/desk").status_code == 403

    def test_logout(self, desk):
        assert desk.post("/logout").status_code == 302
        assert desk.get("/desk").status_code == 302

    def test_login_keeps_a_local_next_and_ignores_a_foreign_one(self, client, world):
        factories.user("desk@theatre.fi", "venue", world.venue)
        form = {"email": "desk@theatre.fi", "password": factories.PASSWORD}
        assert client.post("/login?next=//evil.example", data=form).location == "/desk"


class TestDeskFlow:
    def test_scan_record_already_used_undo_record_again(self, desk, world):
        page = check(desk, world.url)
        assert status_on(page) == "valid"
        form = record_form(page)
        assert form["code"] == world.url

        response = desk.post("/desk/uses", data={**form, "children": "2", "assistant": "1"})
        assert response.status_code == 302
        [use] = live_uses()
        assert (use.children, use.assistant, use.recorded_by_user.email) == (
            2,
            1,
            "desk@theatre.fi",
        )

        again = check(desk, world.url)
        assert status_on(again) == "already_used"
        assert 'action="/desk/uses"' not in again.text
        assert "aikuisia 1, lapsia 2, avustaja 1" in again.text  # what was recorded
        assert f'action="/desk/uses/{use.id}/undo"' in again.text  # this device did: undo

        desk_page = desk.get("/desk")
        assert f"/desk/uses/{use.id}/undo" in desk_page.text
        assert desk.post(f"/desk/uses/{use.id}/undo").status_code == 302
        assert live_uses() == []

        assert status_on(check(desk, world.url)) == "valid"

    def test_already_used_elsewhere_offers_no_undo(self, desk, world, app):
        checkin.record_use(world.url, world.venue, nonce="other-desk-1")
        page = check(desk, world.url)
        assert status_on(page) == "already_used" and "/undo" not in page.text.split("uses-title")[0]

    def test_submitting_the_same_record_form_twice_records_once(self, desk, world):
        form = record_form(check(desk, world.url))
        desk.post("/desk/uses", data={**form, "children": "0"})
        second = desk.post("/desk/uses", data={**form, "children": "0"})
        assert second.status_code == 302
        assert len(live_uses()) == 1

    def test_typed_number_with_a_typo_says_mistyped(self, desk, world):
        number = numbers.display(world.card.number)
        typo = number[:-1] + ("0" if number[-1] != "0" else "1")
        page = check(desk, typo)
        assert status_on(page) == "invalid"
        assert 'data-reason="mistyped"' in page.text

    @pytest.mark.parametrize("reason", ["mistyped", "unknown"])
    def test_a_typo_asks_to_check_the_number_and_keeps_it(self, desk, world, reason):
        number = numbers.display(world.card.number)
        typed = number[:-1] + ("0" if number[-1] != "0" else "1")
        if reason == "unknown":
            typed = numbers.display(numbers.generate())  # well formed, but no card has it
        page = check(desk, typed)
        assert f'data-reason="{reason}"' in page.text and "data-retype" in page.text
        assert "Tarkista numero" in page.text and "result-invalid" not in page.text  # not red
        field = re.search(r'<input id="code"[^>]*>', page.text).group(0)
        assert f'value="{typed}"' in field and 'aria-invalid="true"' in field

    @pytest.mark.parametrize("reason", ["forged", "old_code"])
    def test_a_code_not_to_trust_offers_to_type_the_printed_number(self, desk, world, reason):
        if reason == "forged":
            code = world.url[:-2] + ("AA" if not world.url.endswith("AA") else "BB")
        else:
            code = world.url
            cards.new_code(world.card)
        page = check(desk, code)
        assert f'data-reason="{reason}"' in page.text
        assert 'id="printed-number"' in page.text and "data-retype-form" in page.text
        answer = desk.post("/desk/check", data={"code": numbers.display(world.card.number)})
        assert status_on(answer) == "valid"

    def test_a_scanned_code_of_something_else_is_not_called_typed(self, desk):
        page = check(desk, "https://example.com/not-a-card")
        assert 'data-reason="unreadable"' in page.text and 'id="typed-note"' not in page.text

    def test_a_blocked_card_shows_no_valid_until(self, desk, world):
        page = check(desk, factories.url_of(cards.block_card(world.card)))
        assert status_on(page) == "blocked" and "Voimassa asti" not in page.text
        assert "talteen" not in page.text  # a phone card can't be kept

    def test_typed_number_is_marked_typed(self, desk, world):
        page = check(desk, numbers.display(world.card.number))
        assert status_on(page) == "valid"
        assert 'id="typed-note"' in page.text

    @pytest.mark.parametrize(
        "make_code, status",
        [
            (lambda w: "garbage", "invalid"),
            (lambda w: factories.url_of(factories.stock(w.area, w.issuer)[0]), "unregistered"),
            (lambda w: factories.url_of(factories.expired_card(w.area, w.issuer)), "expired"),
            (lambda w: factories.url_of(factories.future_card(w.area, w.issuer)), "not_yet_valid"),
            (lambda w: factories.url_of(cards.block_card(w.card)), "blocked"),
        ],
    )
    def test_every_refusal_is_shown_without_a_record_button(self, desk, world, make_code, status):
        page = check(desk, make_code(world))
        assert page.status_code == 200
        assert status_on(page) == status
        assert 'action="/desk/uses"' not in page.text

    def test_replaced(self, desk, world):
        world.card.status = "replaced"
        db.session.commit()
        assert status_on(check(desk, world.url)) == "replaced"

    def test_event_pick_and_quota_full(self, desk, world):
        event = accounts.create_event("theatre", "Gala night", date=factories.today(), quota=1)
        page = desk.get("/desk")
        assert "Gala night" in page.text
        form = record_form(check(desk, world.url, event=str(event.id)))
        assert form["event"] == str(event.id)
        desk.post("/desk/uses", data={**form, "children": "0"})
        other = factories.url_of(factories.active_card(world.area, world.issuer))
        assert status_on(check(desk, other, event=str(event.id))) == "quota_full"
        assert live_uses()[0].event_id == event.id

    def test_the_desk_offers_coming_events_with_their_dates_not_past_ones(self, desk, world):
        coming = factories.today() + timedelta(days=3)
        accounts.create_event("theatre", "Next week", date=coming)
        accounts.create_event("theatre", "Last week", date=factories.today() - timedelta(days=7))
        page = desk.get("/desk")
        assert f"Next week, {coming.day}.{coming.month}.{coming.year}" in page.text
        assert "Last week" not in page.text

    def test_a_desk_adds_and_changes_its_own_events(self, desk, world):
        coming = factories.today() + timedelta(days=10)
        added = desk.post("/desk/events", data={"name": "Jazz", "date": coming.isoformat()})
        assert added.status_code == 302
        event = db.session.scalar(select(Event).where(Event.name == "Jazz"))
        assert (event.venue_id, event.date, event.quota) == (world.venue.id, coming, None)
        changed = desk.post(
            f"/desk/events/{event.id}",
            data={"name": "Jazz", "date": coming.isoformat(), "quota": "5", "offline_quota": "2"},
        )
        assert changed.status_code == 302
        db.session.expire_all()
        assert (db.session.get(Event, event.id).quota, event.offline_quota) == (5, 2)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.update"))
        assert entry.actor == "desk@theatre.fi"

    def test_a_quota_never_drops_below_the_tickets_given(self, desk, world):
        event = accounts.create_event("theatre", "Gala", date=factories.today(), quota=5)
        checkin.record_use(
            world.url, world.venue, nonce="nonce-quota-1", event_id=event.id, children=2
        )
        form = {"name": "Gala", "date": factories.today().isoformat(), "quota": "2"}
        page = desk.post(f"/desk/events/{event.id}", data=form)
        assert page.status_code == 422 and 'id="quota-error"' in page.text
        db.session.expire_all()
        assert db.session.get(Event, event.id).quota == 5

    def test_a_device_may_not_give_more_offline_than_the_quota(self, desk, world):
        coming = (factories.today() + timedelta(days=2)).isoformat()
        form = {"name": "Jazz", "date": coming, "quota": "5", "offline_quota": "6"}
        page = desk.post("/desk/events", data=form)
        assert page.status_code == 422 and 'id="offline_quota-error"' in page.text
        assert db.session.query(Event).count() == 0

    def test_another_venues_event_is_not_there(self, desk, world):
        theirs = accounts.create_event("museum", "Other", date=factories.today())
        assert desk.get(f"/desk/events/{theirs.id}").status_code == 404
        form = {"name": "Mine now", "date": factories.today().isoformat()}
        assert desk.post(f"/desk/events/{theirs.id}", data=form).status_code == 404
        db.session.expire_all()
        assert db.session.get(Event, theirs.id).name == "Other"

    def test_too_many_children_is_refused_with_a_message(self, desk, world):
        form = record_form(check(desk, world.url))
        response = desk.post("/desk/uses", data={**form, "children": "5"})
        assert response.status_code == 422
        assert 'role="alert"' in response.text
        assert live_uses() == []

    def test_bad_form_values_never_500(self, desk, world):
        for data in (
            {"code": world.url, "nonce": "x", "children": "0"},
            {"code": world.url, "nonce": "nonce-0001", "children": "many"},
            {"code": world.url, "nonce": "nonce-0001", "event": "zzz"},
            {},
        ):
            response = desk.post("/desk/uses", data=data)
            assert response.status_code in (409, 422), data
        assert check(desk, world.url, event="999").status_code == 422
        assert live_uses() == []

    def test_undo_after_15_minutes_shows_a_message(self, desk, world):
        use, _ = checkin.record_use(world.url, world.venue, nonce="nonce-0001")
        use.recorded_at -= timedelta(minutes=20)
        db.session.commit()
        response = desk.post(f"/desk/uses/{use.id}/undo", follow_redirects=True)
        assert "15" in response.text
        assert len(live_uses()) == 1

    def test_another_venues_use_cannot_be_undone_here(self, desk, world):
        use, _ = checkin.record_use(world.url, world.other_venue, nonce="nonce-0001")
        desk.post(f"/desk/uses/{use.id}/undo")
        assert len(live_uses()) == 1


class TestKindsAndCategories:
    def test_the_desk_picks_the_kind_and_records_it(self, desk, world):
        page = desk.get("/desk")
        assert '<option value="ticket" selected>' in page.text  # the theatre's own
        verdict = desk.post(
            "/desk/check", data={"code": world.url, "event": "", "kind": "season_pass"}
        )
        assert status_on(verdict) == "valid" and record_form(verdict)["kind"] == "season_pass"
        desk.post("/desk/uses", data={**record_form(verdict), "children": "1"})
        [use] = live_uses()
        assert (use.kind, use.children) == ("season_pass", 1)
        assert '<option value="season_pass" selected>' in desk.get("/desk").text  # kept

    def test_a_course_place_offers_no_children(self, desk, world):
        verdict = desk.post(
            "/desk/check", data={"code": world.url, "event": "", "kind": "course_place"}
        )
        assert '<input type="hidden" name="children" value="0">' in verdict.text
        english = desk.post(
            "/desk/check",
            data={"code": world.url, "kind": "course_place"},
            headers={"Accept-Language": "en"},
        )
        assert "children get no course places" in english.text
        refused = desk.post("/desk/uses", data={**record_form(verdict), "children": "2"})
        assert refused.status_code == 422 and live_uses() == []

    def test_a_venue_with_several_categories_lets_the_desk_pick_one(self, desk, world):
        assert 'name="category"' not in desk.get("/desk").text  # one category: nothing to pick
        accounts.update_site(world.venue, world.venue.name, category="culture", offers=["science"])
        page = desk.get("/desk").text
        assert '<option value="science">' in page
        verdict = desk.post(
            "/desk/check", data={"code": world.url, "event": "", "category": "science"}
        )
        desk.post("/desk/uses", data=record_form(verdict))
        [use] = live_uses()
        assert (use.category, use.kind) == ("science", "ticket")

    def test_a_category_the_venue_does_not_offer_falls_back_to_its_own(self, desk, world):
        verdict = desk.post("/desk/check", data={"code": world.url, "category": "sport"})
        desk.post("/desk/uses", data=record_form(verdict))
        [use] = live_uses()
        assert use.category == "culture"


class TestACommunityCard:
    def test_the_desk_says_the_rule_and_records_the_clients(self, desk, world):
        [card] = factories.stock(world.area, world.issuer)
        factories.register(card, kind="community", organisation="Nuorisotalo", client_cap=6)
        verdict = check(desk, factories.url_of(card))
        assert status_on(verdict) == "valid"
        assert (
            "16" in verdict.text and 'name="clients"' in verdict.text and 'max="6"' in verdict.text
        )
        assert 'name="children" value="0"' in verdict.text  # no children: clients instead
        recorded = desk.post("/desk/uses", data={**record_form(verdict), "clients": "5"})
        assert recorded.status_code in (201, 302)
        [use] = live_uses()
        assert (use.clients, use.children) == (5, 0)
        too_many = check(desk, factories.url_of(card))
        assert status_on(too_many) == "already_used"
