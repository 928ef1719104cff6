"""Issuer pages: register, renew, change children, block, replace, look up, print."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import accounts, cards, checkin, imports, numbers
from app.core.tokens import make_token
from app.extensions import db
from app.models import AuditEntry, Card, Use
from tests import factories


@pytest.fixture
def issuer(client, world):
    factories.staff(world)
    factories.log_in(client, factories.Staff.issuer)
    return client


def fresh(card) -> Card:
    db.session.expire_all()
    return db.session.get(Card, card.id)


def registration(number, **overrides):
    return {
        "number": number,
        "birth_year": "1975",
        "postcode": "33100",
        "children": "2",
        "kind": "personal",
        **overrides,
    }


class TestRegister:
    def test_register_stock_to_a_client(self, issuer, world):
        [card] = factories.stock(world.area, world.issuer)
        response = issuer.post("/issuer/register", data=registration(numbers.display(card.number)))
        assert response.status_code == 302
        card = fresh(card)
        assert (card.status, card.children, card.birth_year, card.postcode) == (
            "active",
            2,
            1975,
            "33100",
        )
        assert card.valid_until == cards.last_day_of_year_from(factories.today())
        entry = db.session.scalar(
            select(AuditEntry)
            .where(AuditEntry.action == "card.register")
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        assert entry.actor == factories.Staff.issuer and '"status": "active"' in entry.after

    def test_register_with_a_scanned_code(self, issuer, world):
        [card] = factories.stock(world.area, world.issuer)
        issuer.post("/issuer/register", data=registration(factories.url_of(card)))
        assert fresh(card).status == "active"

    @pytest.mark.parametrize(
        "make_number, field",
        [
            (lambda w: w.card.number, "number"),  # already registered
            (lambda w: "K7Q-4MZ-R2X", "number"),  # mistyped
            (lambda w: numbers.generate(), "number"),  # unknown
            (lambda w: other_sites_stock(w), "number"),
            (lambda w: cards.block_card(factories.active_card(w.area, w.issuer)).number, "number"),
        ],
    )
    def test_clear_errors_and_nothing_changes(self, issuer, world, make_number, field):
        number = make_number(world)
        before = {c.id: c.status for c in db.session.scalars(select(Card))}
        response = issuer.post("/issuer/register", data=registration(number))
        assert response.status_code == 422
        assert f'id="{field}-error"' in response.text or 'role="alert"' in response.text
        db.session.expire_all()
        assert {c.id: c.status for c in db.session.scalars(select(Card))} == before

    @pytest.mark.parametrize(
        "field, value",
        [
            ("birth_year", "1850"),
            ("postcode", "123"),
            ("children", "12"),
            ("kind", "family"),
            ("gender", "x"),
        ],
    )
    def test_bad_values_name_the_field(self, issuer, world, field, value):
        [card] = factories.stock(world.area, world.issuer)
        response = issuer.post("/issuer/register", data=registration(card.number, **{field: value}))
        assert response.status_code == 422 and f'id="{field}-error"' in response.text
        assert fresh(card).status == "unregistered"


def other_sites_stock(world):
    from app.core import accounts

    other = accounts.create_site("other-issuer", "Other", area_code="PIR", kind="issuer")
    return factories.stock(world.area, other)[0].number


class TestChanges:
    def test_renew_near_expiry_adds_a_year_from_expiry(self, issuer, world):
        factories.shift_validity(world.card, -330)  # a month left
        until = world.card.valid_until
        done = issuer.post(f"/issuer/cards/{world.card.number}/renew", follow_redirects=True)
        new_until = cards.last_day_of_year_from(until + timedelta(days=1))
        assert fresh(world.card).valid_until == new_until
        said = (
            f"Kortti uusittiin. Se on voimassa {new_until.day}.{new_until.month}.{new_until.year}"
        )
        assert said in done.text

    def test_renew_too_early_or_twice_is_refused(self, issuer, world):
        factories.shift_validity(world.card, -330)
        issuer.post(f"/issuer/cards/{world.card.number}/renew")
        renewed = fresh(world.card).valid_until
        again = issuer.post(f"/issuer/cards/{world.card.number}/renew")
        assert again.status_code == 422 and 'role="alert"' in again.text
        assert fresh(world.card).valid_until == renewed

    def test_renew_an_expired_card_counts_from_today(self, issuer, world):
        factories.shift_validity(world.card, -400)
        issuer.post(f"/issuer/cards/{world.card.number}/renew")
        card = fresh(world.card)
        assert card.valid_until == cards.last_day_of_year_from(factories.today())
        assert checkin.check_code(factories.url_of(card), world.venue).status == "valid"

    def test_change_children_is_what_desks_see(self, issuer, world):
        issuer.post(f"/issuer/cards/{world.card.number}/children", data={"children": "4"})
        assert checkin.check_code(world.url, world.venue).allowance.children == 4

    def test_block_asks_to_confirm_then_desks_refuse(self, issuer, world):
        path = f"/issuer/cards/{world.card.number}/block"
        unconfirmed = issuer.post(path)
        assert unconfirmed.status_code == 422 and 'id="block-confirm-error"' in unconfirmed.text
        assert checkin.check_code(world.url, world.venue).status == "valid"
        assert issuer.post(path, data={"block-confirm": "yes"}).status_code == 302
        assert checkin.check_code(world.url, world.venue).status == "blocked"

    def test_a_card_blocked_by_mistake_is_unblocked_and_audited(self, issuer, world):
        issuer.post(f"/issuer/cards/{world.card.number}/block", data={"block-confirm": "yes"})
        page = issuer.get(f"/issuer/cards/{world.card.number}")
        assert f'action="/issuer/cards/{world.card.number}/unblock"' in page.text
        assert issuer.post(f"/issuer/cards/{world.card.number}/unblock").status_code == 302
        assert checkin.check_code(world.url, world.venue).status == "valid"
        actions = [entry.action for entry in db.session.query(AuditEntry)]
        assert actions[-2:] == ["card.block", "card.unblock"]

    def test_a_card_whose_data_was_removed_stays_blocked(self, issuer, world):
        issuer.post(f"/issuer/cards/{world.card.number}/remove-data", data={"confirm": "yes"})
        page = issuer.get(f"/issuer/cards/{world.card.number}")
        assert "/unblock" not in page.text
        assert issuer.post(f"/issuer/cards/{world.card.number}/unblock").status_code == 422
        assert checkin.check_code(world.url, world.venue).status == "blocked"

    def test_replace_moves_the_registration_in_one_step(self, issuer, world):
        [new] = factories.stock(world.area, world.issuer)
        old_url = world.url
        response = issuer.post(
            f"/issuer/cards/{world.card.number}/replace",
            data={"replacement": numbers.display(new.number)},
        )
        assert response.status_code == 302 and new.number in response.location
        old, new = fresh(world.card), fresh(new)
        assert (old.status, old.replaced_by_id) == ("replaced", new.id)
        assert (new.status, new.children, new.valid_until) == ("active", 2, old.valid_until)
        assert checkin.check_code(old_url, world.venue).status == "replaced"
        assert checkin.check_code(factories.url_of(new), world.venue).status == "valid"
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"card.replace", "card.register"} <= actions

    def test_replacement_must_be_own_unregistered_stock(self, issuer, world):
        other = factories.active_card(world.area, world.issuer)
        response = issuer.post(
            f"/issuer/cards/{world.card.number}/replace", data={"replacement": other.number}
        )
        assert response.status_code == 422 and 'id="replacement-error"' in response.text
        assert fresh(world.card).status == "active"


class TestLookUp:
    def test_find_shows_the_card_and_how_often_not_where_it_was_used(self, issuer, world):
        checkin.record_use(world.url, world.venue, nonce="nonce-0001", children=1)
        response = issuer.get(
            f"/issuer/find?number={numbers.display(world.card.number).lower()}",
            follow_redirects=True,
        )
        assert response.status_code == 200 and '<svg class="qr"' in response.text
        month = re.search(
            r"<tbody>\s*<tr><td>(\w+ \d{4})</td><td>1</td><td>2</td></tr>", response.text
        )
        assert month, response.text  # one use, 2 tickets (the holder and a child)
        assert "Theatre" not in response.text

    def test_the_holders_own_uses_are_printed_for_them_and_audited(self, issuer, world):
        checkin.record_use(world.url, world.venue, nonce="nonce-0001")
        assert issuer.get(f"/issuer/cards/{world.card.number}/uses").status_code == 405
        printout = issuer.post(f"/issuer/cards/{world.card.number}/uses")
        assert printout.status_code == 200 and "Theatre" in printout.text
        entry = db.session.query(AuditEntry).filter_by(action="card.uses_printout").one()
        assert entry.actor == "staff@issuer.fi" and json.loads(entry.after) == {"uses": 1}

    def test_an_expired_card_shows_as_expired_everywhere(self, issuer, world):
        def status(page):
            return re.findall(r"<(?:dd|td)>(Voimassa|Vanhentunut)</(?:dd|td)>", page.text)

        assert status(issuer.get(f"/issuer/cards/{world.card.number}")) == ["Voimassa"]
        factories.shift_validity(world.card, -400)
        assert status(issuer.get(f"/issuer/cards/{world.card.number}")) == ["Vanhentunut"]
        assert status(issuer.get("/issuer")) == ["Vanhentunut"]  # recent registrations

    def test_another_sites_card_is_not_found(self, client, world):
        from app.core import accounts

        accounts.create_site("other-issuer", "Other", area_code="PIR", kind="issuer")
        factories.user("other@issuer.fi", "issuer", accounts.find_site("other-issuer"))
        factories.log_in(client, "other@issuer.fi")
        assert client.get(f"/issuer/cards/{world.card.number}").status_code == 404
        assert client.get(f"/issuer/find?number={world.card.number}").status_code == 404

    def test_print_a_single_card(self, issuer, world):
        response = issuer.get(f"/issuer/cards/{world.card.number}/card.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")


class TestHoldersData:
    """The holder may have their data corrected or removed, through the issuer."""

    def test_a_mistyped_birth_year_and_postcode_are_corrected_and_audited_without_values(
        self, issuer, world
    ):
        answer = issuer.post(
            f"/issuer/cards/{world.card.number}/correct",
            data={"birth_year": "1961", "postcode": "33720", "gender": "", "life_situation": ""},
        )
        assert answer.status_code == 302
        card = fresh(world.card)
        assert (card.birth_year, card.postcode) == (1961, "33720")
        entry = db.session.query(AuditEntry).filter_by(action="card.correct").one()
        assert "1961" not in entry.after and "33720" not in entry.after
        assert set(json.loads(entry.after)["holder_data_changed"]) == {"birth_year", "postcode"}

    def test_a_bad_correction_says_what_is_wrong_and_changes_nothing(self, issuer, world):
        before = fresh(world.card).birth_year
        page = issuer.post(
            f"/issuer/cards/{world.card.number}/correct",
            data={"birth_year": "1850", "postcode": "33720"},
        )
        assert page.status_code == 422 and 'id="birth_year-error"' in page.text
        assert fresh(world.card).birth_year == before

    def test_removal_needs_the_holders_request_confirmed(self, issuer, world):
        page = issuer.post(f"/issuer/cards/{world.card.number}/remove-data")
        assert page.status_code == 422 and 'id="confirm-error"' in page.text
        assert fresh(world.card).birth_year is not None

    def test_removal_blocks_the_card_clears_the_data_and_keeps_the_uses(self, issuer, world):
        checkin.record_use(world.url, world.venue, nonce="nonce-0001")
        answer = issuer.post(
            f"/issuer/cards/{world.card.number}/remove-data", data={"confirm": "yes"}
        )
        assert answer.status_code == 302
        card = fresh(world.card)
        assert card.status == "blocked" and card.holder_data_removed_at is not None
        assert (card.birth_year, card.postcode, card.gender, card.life_situation) == (None,) * 4
        assert db.session.query(Use).filter_by(card_id=card.id).count() == 1
        assert checkin.check_code(world.url, world.venue).status == "blocked"
        page = issuer.get(f"/issuer/cards/{card.number}")
        assert "remove-data" not in page.text  # nothing left to remove or correct

    def test_retention_clears_the_data_of_cards_expired_long_ago(self, app, runner, world):
        old = factories.active_card(world.area, world.issuer)
        factories.shift_validity(old, -800)  # expired about a year ago, and more
        runner_result = runner.invoke(args=["apply-retention"])
        assert runner_result.exit_code == 0, runner_result.output
        assert "holder data removed: 1" in runner_result.output
        assert fresh(old).birth_year is None and fresh(old).holder_data_removed_at
        assert fresh(world.card).birth_year is not None  # valid: kept
        entry = db.session.query(AuditEntry).filter_by(action="cards.retention").one()
        assert json.loads(entry.after) == {"cards": 1}


class TestEveryMistakeAtOnce:
    def test_registration_names_each_wrong_field_in_words_beside_it(self, issuer, world):
        form = registration("NOT-A-NUMBER", birth_year="19x5", postcode="123", children="12")
        page = issuer.post("/issuer/register", data=form)
        assert page.status_code == 422
        summary = re.search(r'<div class="error-summary".*?</div>', page.text, re.S).group(0)
        links = re.findall(r'<a href="#(\w+)">', summary)
        assert sorted(links) == ["birth_year", "children", "number", "postcode"]
        assert "Syntymävuosi: anna kokonaisluku." in summary and "autofocus" in summary
        for field in links:
            assert re.search(rf'<(input|select) id="{field}"[^>]*aria-invalid="true"', page.text)
            assert f'id="{field}-error"' in page.text
        shown = re.sub(r"<[^>]+>", " ", page.text)
        assert not re.search(r"\b(birth_year|postcode|life_situation)\b", shown)
        assert db.session.query(Card).filter(Card.status == "active").count() == 1  # the world's


class TestALostCard:
    def test_found_by_what_the_holder_can_tell(self, issuer, world):
        other = factories.active_card(world.area, world.issuer)
        other.birth_year, other.postcode = 1961, "33720"
        db.session.commit()
        numbers_shown = lambda page: re.findall(r'href="/issuer/cards/(\w+)"', page.text)  # noqa: E731
        assert numbers_shown(issuer.get("/issuer?birth_year=1961&postcode=33720")) == [other.number]
        today = factories.today().isoformat()
        found = numbers_shown(issuer.get(f"/issuer?registered_on={today}"))
        assert set(found) == {world.card.number, other.number}
        nothing = issuer.get("/issuer?birth_year=1962")
        assert numbers_shown(nothing) == [] and "Tarkista tiedot" in nothing.text

    def test_bad_details_are_explained_beside_their_fields(self, issuer):
        page = issuer.get("/issuer?birth_year=19&postcode=abc")
        assert page.status_code == 400
        assert 'id="birth_year-error"' in page.text and 'id="postcode-error"' in page.text

    def test_another_sites_cards_are_never_found(self, client, world):
        from app.core import accounts

        accounts.create_site("elsewhere", "Elsewhere", area_code="PIR", kind="issuer")
        factories.user("else@issuer.fi", "issuer", accounts.find_site("elsewhere"))
        factories.log_in(client, "else@issuer.fi")
        page = client.get(f"/issuer?birth_year={world.card.birth_year}")
        assert world.card.number not in page.text

    def test_the_holder_gets_a_receipt_with_the_number(self, issuer, world):
        page = issuer.get(f"/issuer/cards/{world.card.number}/receipt")
        assert page.status_code == 200 and numbers.display(world.card.number) in page.text
        assert str(world.card.birth_year) not in page.text  # nothing but the number and date


class TestWhoCanHoldACard:
    def test_a_holder_is_16_or_turns_16_this_year(self, issuer, world):
        oldest_too_young = factories.today().year - 15
        stock = factories.stock(world.area, world.issuer, 2)
        page = issuer.get("/issuer/register")
        assert f"syntynyt vuonna {oldest_too_young - 1} tai aiemmin" in page.text  # said first
        refused = issuer.post(
            "/issuer/register", data=registration(stock[0].number, birth_year=oldest_too_young)
        )
        assert refused.status_code == 422 and "vähintään 16" in refused.text
        assert fresh(stock[0]).status == "unregistered"
        done = issuer.post(
            "/issuer/register", data=registration(stock[1].number, birth_year=oldest_too_young - 1)
        )
        assert done.status_code == 302 and fresh(stock[1]).status == "active"


class TestHomeMunicipality:
    def test_the_form_offers_the_networks_municipalities_with_the_sites_chosen(self, issuer, world):
        factories.network(world.area, "837", "536")
        accounts.update_site(world.issuer, world.issuer.name, municipality="536")
        page = issuer.get("/issuer/register").text
        assert '<option value="536" selected>Nokia</option>' in page
        assert '<option value="837">Tampere</option>' in page
        assert 'value="091"' not in page  # Helsinki: in no network here

    def test_registered_with_the_chosen_one_and_shown_on_the_card(self, issuer, world):
        factories.network(world.area, "837", "536")
        [card] = factories.stock(world.area, world.issuer)
        response = issuer.post(
            "/issuer/register", data=registration(card.number, municipality="837")
        )
        assert response.status_code == 302
        assert fresh(card).municipality_code == "837"
        assert "Tampere" in issuer.get(f"/issuer/cards/{card.number}").text

    def test_one_outside_the_networks_is_refused_beside_the_field(self, issuer, world):
        factories.network(world.area, "837")
        [card] = factories.stock(world.area, world.issuer)
        response = issuer.post(
            "/issuer/register", data=registration(card.number, municipality="091")
        )
        assert response.status_code == 422
        assert 'id="municipality-error"' in response.text
        assert fresh(card).status == "unregistered"

    def test_a_holder_who_moved_gets_the_new_one(self, issuer, world):
        factories.network(world.area, "837", "536")
        response = issuer.post(
            f"/issuer/cards/{world.card.number}/correct",
            data={"birth_year": "1980", "postcode": "37100", "municipality": "536"},
        )
        assert response.status_code == 302
        assert fresh(world.card).municipality_code == "536"


class TestCommunityCards:
    def test_registered_with_the_organisation_and_nothing_about_a_person(self, issuer, world):
        [card] = factories.stock(world.area, world.issuer)
        form = {
            "number": card.number,
            "kind": "community",
            "organisation": "Tampereen Setlementti",
            "client_cap": "8",
            "birth_year": "1975",  # typed before the kind changed, where scripts don't run
            "postcode": "33100",
            "children": "2",
        }
        response = issuer.post("/issuer/register", data=form)
        assert response.status_code == 302
        card = fresh(card)
        assert (card.kind, card.organisation, card.client_cap) == (
            "community",
            "Tampereen Setlementti",
            8,
        )
        assert (card.birth_year, card.postcode, card.children) == (None, None, 0)
        page = issuer.get(f"/issuer/cards/{card.number}").text
        assert "Tampereen Setlementti" in page and 'name="birth_year"' not in page

    def test_a_community_card_needs_its_organisation(self, issuer, world):
        [card] = factories.stock(world.area, world.issuer)
        response = issuer.post(
            "/issuer/register", data={"number": card.number, "kind": "community"}
        )
        assert response.status_code == 422 and 'id="organisation-error"' in response.text
        assert fresh(card).status == "unregistered"

    def test_a_personal_card_ignores_the_community_fields_shown_beside(self, issuer, world):
        [card] = factories.stock(world.area, world.issuer)
        form = registration(card.number, client_cap="10", organisation="")
        assert issuer.post("/issuer/register", data=form).status_code == 302
        assert (fresh(card).kind, fresh(card).client_cap) == ("personal", None)


class TestImportedCards:
    """A card of the earlier registry is the issuer's like any other: found by its ID,
    given a phone card, blocked and replaced the same way."""

    EXPORT = (
        "id;status;registered;valid_until;children;birth_year;postcode;municipality;site;area\n"
        "KK-0001234;active;2025-03-14;2030-03-13;2;1984;33100;;issuer;PIR\n"
    )

    def imported(self) -> Card:
        imports.import_cards(self.EXPORT.encode())
        return db.session.scalar(select(Card).where(Card.legacy_id == "KK-0001234"))

    def test_found_by_its_id_with_its_phone_card(self, issuer, world):
        card = self.imported()
        found = issuer.get("/issuer/find", query_string={"number": "kk 000 1234"})
        assert found.status_code == 302 and found.location.endswith("/issuer/cards/KK0001234")

        page = issuer.get("/issuer/cards/KK0001234")

        assert page.status_code == 200 and "KK-0001234" in page.text
        assert f"/k/{make_token(card.number, 1)}" in page.text  # its link and QR to hand over

    def test_blocked_and_replaced_as_kaikus_own(self, issuer, world):
        card = self.imported()
        issuer.post("/issuer/cards/KK0001234/block", data={"block-confirm": "yes"})
        assert fresh(card).status == "blocked"
        issuer.post("/issuer/cards/KK0001234/unblock")
        [new] = factories.stock(world.area, world.issuer)

        issuer.post("/issuer/cards/KK0001234/replace", data={"replacement": new.number})

        assert (fresh(card).status, fresh(new).status) == ("replaced", "active")
        assert checkin.check_code("KK-0001234", world.venue).status == "replaced"
        assert fresh(new).first_card_id == card.id
