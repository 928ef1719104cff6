"""check_code, record_use and void_use: the rules every surface shares."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core import accounts, cards, checkin, numbers
from app.core.exceptions import CardNotUsable, Conflict, InvalidInput, NotFound
from app.core.tokens import make_token
from app.extensions import db
from app.models import Site, Use
from tests import factories


def uses_in_db(**where) -> int:
    query = select(func.count()).select_from(Use).where(Use.voided_at.is_(None))
    for name, value in where.items():
        query = query.where(getattr(Use, name) == value)
    return db.session.scalar(query)


def record(code, venue, nonce="nonce-0001", **counts):
    return checkin.record_use(code, venue, nonce=nonce, **counts)


class TestStatuses:
    def test_valid_scan_gives_the_allowance_and_validity(self, world):
        verdict = checkin.check_code(world.url, world.venue)
        assert verdict.status == "valid"
        assert not verdict.typed
        assert vars(verdict.allowance) == {"adults": 1, "children": 2, "assistant": 1, "clients": 0}
        assert verdict.card.valid_until == cards.last_day_of_year_from(factories.today())

    def test_bare_token_is_as_good_as_the_url(self, world):
        token = world.url.rsplit("/k/", 1)[1]
        assert checkin.check_code(token, world.venue).status == "valid"

    def test_typed_number_is_accepted_but_marked_typed(self, world):
        typed = numbers.display(world.card.number).lower().replace("-", " ")
        verdict = checkin.check_code(typed, world.venue)
        assert (verdict.status, verdict.typed) == ("valid", True)

    @pytest.mark.parametrize(
        "code, reason",
        [
            ("", "unreadable"),
            ("hello, world!", "unreadable"),
            ("https://example.org/", "unreadable"),
            ("hello world", "unknown"),  # could be an imported card's ID: no card has it
            ("x" * 600, "unreadable"),
            ("https://kaiku.test/k/K7Q4MZR23-1.forgedsignature", "forged"),
        ],
    )
    def test_unreadable_and_forged_codes_are_invalid(self, world, code, reason):
        verdict = checkin.check_code(code, world.venue)
        assert (verdict.status, verdict.reason) == ("invalid", reason)

    def test_mistyped_number_is_invalid(self, world):
        number = world.card.number
        typo = number[:3] + number[4] + number[3] + number[5:]
        if typo == number:
            typo = number[:-1] + ("0" if number[-1] != "0" else "1")
        verdict = checkin.check_code(typo, world.venue)
        assert (verdict.status, verdict.reason, verdict.typed) == ("invalid", "mistyped", True)

    def test_unknown_number_is_invalid(self, world):
        stranger = numbers.generate()
        assert checkin.check_code(stranger, world.venue).reason == "unknown"

    def test_code_signed_with_another_key_is_invalid(self, world):
        forged = make_token(world.card.number, 1, ["somebody-elses-key"])
        assert checkin.check_code(forged, world.venue).reason == "forged"

    def test_code_of_an_old_generation_is_invalid(self, world):
        old_url = world.url
        cards.new_code(world.card)
        assert checkin.check_code(old_url, world.venue).reason == "old_code"
        assert checkin.check_code(factories.url_of(world.card), world.venue).status == "valid"

    def test_unregistered_stock(self, world):
        card = factories.stock(world.area, world.issuer)[0]
        assert checkin.check_code(factories.url_of(card), world.venue).status == "unregistered"

    def test_blocked_card(self, world):
        cards.block_card(world.card)
        assert checkin.check_code(world.url, world.venue).status == "blocked"

    def test_replaced_card(self, world):
        world.card.status = "replaced"
        db.session.commit()
        assert checkin.check_code(world.url, world.venue).status == "replaced"

    def test_expired_card(self, world):
        card = factories.expired_card(world.area, world.issuer)
        verdict = checkin.check_code(factories.url_of(card), world.venue)
        assert verdict.status == "expired"
        assert str(card.valid_until.year) in verdict.message()

    def test_last_day_of_validity_is_still_valid(self, world):
        factories.shift_validity(world.card, (factories.today() - world.card.valid_until).days)
        assert world.card.valid_until == factories.today()
        assert checkin.check_code(world.url, world.venue).status == "valid"

    def test_not_yet_valid_card(self, world):
        card = factories.future_card(world.area, world.issuer)
        assert checkin.check_code(factories.url_of(card), world.venue).status == "not_yet_valid"

    def test_already_used_today_without_event_says_when(self, world):
        use, _ = record(world.url, world.venue)
        verdict = checkin.check_code(world.url, world.venue)
        assert verdict.status == "already_used"
        assert verdict.last_use.id == use.id

    def test_use_at_another_venue_does_not_count_here(self, world):
        record(world.url, world.other_venue)
        assert checkin.check_code(world.url, world.venue).status == "valid"

    def test_already_used_for_the_same_event_but_not_another(self, world):
        today = factories.today()
        first = accounts.create_event("theatre", "Matinee", date=today)
        second = accounts.create_event("theatre", "Evening", date=today)
        record(world.url, world.venue, event_id=first.id)
        assert checkin.check_code(world.url, world.venue, first.id).status == "already_used"
        assert checkin.check_code(world.url, world.venue, second.id).status == "valid"

    def test_quota_full(self, world):
        event = accounts.create_event("theatre", "Premiere", date=factories.today(), quota=3)
        record(world.url, world.venue, event_id=event.id, children=2)
        other = factories.active_card(world.area, world.issuer)
        verdict = checkin.check_code(factories.url_of(other), world.venue, event.id)
        assert (verdict.status, verdict.quota_left) == ("quota_full", 0)

    def test_quota_limits_the_children_offered(self, world):
        event = accounts.create_event("theatre", "Small hall", date=factories.today(), quota=2)
        verdict = checkin.check_code(world.url, world.venue, event.id)
        assert (verdict.allowance.children, verdict.quota_left) == (1, 2)

    def test_one_use_a_day_follows_the_holder_through_a_replacement(self, world):
        record(world.url, world.venue)
        new = cards.replace_card(world.card, factories.stock(world.area, world.issuer)[0])
        verdict = checkin.check_code(factories.url_of(new), world.venue)
        assert verdict.status == "already_used"  # the same holder, today, at this venue
        with pytest.raises(CardNotUsable):
            record(factories.url_of(new), world.venue, "nonce-0002")
        assert checkin.check_code(factories.url_of(new), world.other_venue).status == "valid"

    def test_pairs_recorded_before_the_rule_stay(self, world):
        """A registry may hold two uses of one holder at one venue on one day (recorded
        before the rule followed the holder): no index refuses them."""
        first, _ = record(world.url, world.venue)
        new = cards.replace_card(world.card, factories.stock(world.area, world.issuer)[0])
        second = Use(
            **{
                column.name: getattr(first, column.name)
                for column in Use.__table__.columns
                if column.name not in ("id", "nonce", "card_id")
            },
            card_id=new.id,
            nonce="legacy-pair-0001",
        )
        db.session.add(second)
        db.session.commit()
        assert db.session.query(Use).filter(Use.first_card_id == first.first_card_id).count() == 2

    def test_too_many_children_for_the_quota_says_what_is_left(self, world):
        event = accounts.create_event("theatre", "Small hall", date=factories.today(), quota=2)
        other = factories.active_card(world.area, world.issuer)
        record(factories.url_of(other), world.venue, event_id=event.id)  # one adult
        card = factories.active_card(world.area, world.issuer, children=2)
        with pytest.raises(InvalidInput) as refusal:
            record(factories.url_of(card), world.venue, "nonce-0002", event_id=event.id, children=1)
        assert str(refusal.value.message) == (
            "Vain yksi maksuton lippu on jäljellä tähän tapahtumaan: vain kortinhaltijalle."
        )
        assert db.session.query(Use).filter(Use.card_id == card.id).count() == 0

    def test_course_place_covers_the_holder_only(self, world):
        verdict = checkin.check_code(world.url, world.course_venue)
        assert verdict.allowance.children == 0

    def test_another_venues_event_is_not_found(self, world):
        event = accounts.create_event("museum", "Exhibition", date=factories.today())
        with pytest.raises(NotFound):
            checkin.check_code(world.url, world.venue, event.id)

    def test_an_unsigned_card_link_is_forged(self, world):
        verdict = checkin.check_code(f"https://evil.example/k/{world.card.number}", world.venue)
        assert (verdict.status, verdict.reason) == ("invalid", "forged")

    def test_a_number_typed_with_dots_or_odd_spaces_is_a_number(self, world):
        number = numbers.display(world.card.number)
        for typed in (number.replace("-", "."), number.replace("-", "\u00a0")):
            verdict = checkin.check_code(typed, world.venue)
            assert (verdict.status, verdict.typed) == ("valid", True), typed

    def test_every_status_has_a_message(self, world):
        assert set(checkin.STATUSES) >= {"valid", "quota_full", "already_used"}
        for reason in ("unreadable", "forged", "mistyped", "unknown", "old_code"):
            assert checkin.Verdict("invalid", reason=reason).message()


class TestRecording:
    def test_recording_writes_one_use_with_the_confirmed_counts(self, world):
        use, created = record(world.url, world.venue, children=2, assistant=True)
        assert created
        row = db.session.get(Use, use.id)
        assert (row.adults, row.children, row.assistant, row.category) == (1, 2, 1, "culture")
        assert row.day == factories.today() and not row.typed
        assert uses_in_db(card_id=world.card.id) == 1

    def test_typed_use_is_marked_typed(self, world):
        use, _ = record(world.card.number, world.venue)
        assert use.typed

    def test_more_children_than_the_card_allows_is_refused(self, world):
        with pytest.raises(InvalidInput) as error:
            record(world.url, world.venue, children=3)
        assert error.value.field == "children"
        assert uses_in_db() == 0

    def test_course_place_refuses_children(self, world):
        with pytest.raises(InvalidInput):
            record(world.url, world.course_venue, children=1)
        assert uses_in_db() == 0

    def test_second_use_the_same_day_is_refused(self, world):
        record(world.url, world.venue, nonce="nonce-0001")
        with pytest.raises(CardNotUsable) as refusal:
            record(world.url, world.venue, nonce="nonce-0002")
        assert refusal.value.verdict.status == "already_used"
        assert uses_in_db() == 1

    def test_retry_with_the_same_nonce_returns_the_same_use(self, world):
        first, created = record(world.url, world.venue, nonce="retry-nonce-1", children=1)
        again, created_again = record(world.url, world.venue, nonce="retry-nonce-1", children=1)
        assert (created, created_again) == (True, False)
        assert again.id == first.id
        assert uses_in_db() == 1

    def test_same_nonce_for_a_different_request_is_a_conflict(self, world):
        record(world.url, world.venue, nonce="reused-nonce", children=1)
        other = factories.url_of(factories.active_card(world.area, world.issuer))
        for code, children in ((other, 1), (world.url, 2)):
            with pytest.raises(Conflict):
                record(code, world.venue, nonce="reused-nonce", children=children)
        assert uses_in_db() == 1

    def test_nonce_of_another_venue_is_a_conflict(self, world):
        record(world.url, world.other_venue, nonce="shared-nonce")
        with pytest.raises(Conflict):
            record(world.url, world.venue, nonce="shared-nonce")

    @pytest.mark.parametrize(
        "counts, field",
        [
            ({"children": -1}, "children"),
            ({"children": "two"}, "children"),
            ({"children": True}, "children"),
            ({"assistant": 2}, "assistant"),
            ({"assistant": "yes"}, "assistant"),
            ({"category": "party"}, "category"),
            ({"nonce": "short"}, "nonce"),
            ({"nonce": None}, "nonce"),
            ({"event_id": "abc"}, "event"),
        ],
    )
    def test_bad_counts_name_the_field_and_record_nothing(self, world, counts, field):
        arguments = {"nonce": "nonce-0001", **counts}
        with pytest.raises(InvalidInput) as error:
            checkin.record_use(world.url, world.venue, **arguments)
        assert error.value.field == field
        assert uses_in_db() == 0

    def test_unknown_event_is_not_found(self, world):
        with pytest.raises(NotFound):
            record(world.url, world.venue, event_id=999)

    def test_refused_card_records_nothing(self, world):
        cards.block_card(world.card)
        with pytest.raises(CardNotUsable) as refusal:
            record(world.url, world.venue)
        assert refusal.value.verdict.status == "blocked"
        assert uses_in_db() == 0

    def test_category_defaults_to_the_venue_and_can_be_chosen(self, world):
        use, _ = record(world.url, world.venue, category="sport")
        assert use.category == "sport"


class TestUndo:
    def test_undo_voids_the_use_and_it_no_longer_counts(self, world):
        use, _ = record(world.url, world.venue, nonce="nonce-0001")
        checkin.void_use(use.id, world.venue)
        assert db.session.get(Use, use.id).voided_at is not None
        assert checkin.check_code(world.url, world.venue).status == "valid"
        again, created = record(world.url, world.venue, nonce="nonce-0002")
        assert created and again.id != use.id

    def test_undo_twice_is_harmless(self, world):
        use, _ = record(world.url, world.venue)
        first = checkin.void_use(use.id, world.venue).voided_at
        assert checkin.void_use(use.id, world.venue).voided_at == first

    def test_undo_after_15_minutes_is_refused(self, world):
        use, _ = record(world.url, world.venue)
        use.recorded_at -= timedelta(minutes=15, seconds=5)
        db.session.commit()
        with pytest.raises(Conflict):
            checkin.void_use(use.id, world.venue)
        assert db.session.get(Use, use.id).voided_at is None

    def test_another_venue_cannot_see_or_undo_the_use(self, world):
        use, _ = record(world.url, world.venue)
        with pytest.raises(NotFound):
            checkin.void_use(use.id, world.other_venue)
        assert db.session.get(Use, use.id).voided_at is None

    def test_voided_uses_free_the_quota(self, world):
        event = accounts.create_event("theatre", "Tiny", date=factories.today(), quota=1)
        use, _ = record(world.url, world.venue, event_id=event.id)
        checkin.void_use(use.id, world.venue)
        assert checkin.check_code(world.url, world.venue, event.id).quota_left == 1


class TestKindsOfUse:
    """A ticket, a course place or a season pass, apart from the venue's category."""

    def test_a_course_venue_gives_course_places_to_the_holder_alone(self, world):
        verdict = checkin.check_code(world.url, world.course_venue)
        assert (verdict.kind, verdict.allowance.children) == ("course_place", 0)
        with pytest.raises(InvalidInput):
            record(world.url, world.course_venue, children=1)
        use, _ = record(world.url, world.course_venue, nonce="nonce-course-2")
        assert (use.kind, use.category, use.children) == ("course_place", "education", 0)

    def test_a_ticket_to_an_education_venue_brings_the_children(self, world):
        verdict = checkin.check_code(world.url, world.course_venue, kind="ticket")
        assert verdict.allowance.children == 2
        use, _ = record(world.url, world.course_venue, children=2, kind="ticket")
        assert (use.kind, use.category, use.children) == ("ticket", "education", 2)

    def test_no_course_place_for_children_even_at_a_theatre(self, world):
        with pytest.raises(InvalidInput) as refused:
            record(world.url, world.venue, children=1, kind="course_place")
        assert refused.value.field == "children"
        assert uses_in_db() == 0

    def test_a_season_pass_is_one_use_with_the_children(self, world):
        use, _ = record(world.url, world.venue, children=1, kind="season_pass")
        assert (use.kind, use.category, use.children) == ("season_pass", "culture", 1)
        assert uses_in_db(kind="season_pass") == 1

    def test_an_unknown_kind_records_nothing(self, world):
        with pytest.raises(InvalidInput) as refused:
            record(world.url, world.venue, kind="voucher")
        assert refused.value.field == "kind"
        assert uses_in_db() == 0

    def test_a_retry_asking_for_another_kind_is_not_the_same_request(self, world):
        record(world.url, world.venue, kind="ticket")
        with pytest.raises(Conflict):
            record(world.url, world.venue, kind="season_pass")
        assert uses_in_db() == 1


class TestAVenuesKindsAndCategories:
    def test_a_venue_of_education_gives_course_places_unless_told_otherwise(self, world):
        assert world.course_venue.use_kind == "course_place"
        assert world.venue.use_kind == "ticket"
        hall = accounts.create_site(
            "hall",
            "Sports hall",
            area_code="PIR",
            kind="venue",
            category="sport",
            default_use="season_pass",
            offers=["education", "sport"],
        )
        assert hall.use_kind == "season_pass"
        assert hall.categories == ["sport", "education"]  # its default first, not twice

    @pytest.mark.parametrize(
        "options, field",
        [
            ({"kind": "venue", "category": "sport", "offers": ["cooking"]}, "offers"),
            ({"kind": "venue", "category": "sport", "default_use": "voucher"}, "default_use"),
            ({"kind": "issuer", "offers": ["sport"]}, "offers"),
            ({"kind": "issuer", "default_use": "ticket"}, "default_use"),
        ],
    )
    def test_what_a_site_cannot_offer_is_refused(self, world, options, field):
        with pytest.raises(InvalidInput) as refused:
            accounts.create_site("new-site", "New", area_code="PIR", **options)
        assert field in refused.value.errors
        assert accounts.find_site("theatre") and factories.count(Site, Site.slug == "new-site") == 0


class TestCommunityCardsAtTheDesk:
    @pytest.fixture
    def group_card(self, world):
        [card] = factories.stock(world.area, world.issuer)
        return factories.register(card, kind="community", organisation="Nuorisotalo", client_cap=8)

    def test_the_staff_member_and_up_to_the_cap_of_clients_as_one_use(self, world, group_card):
        url = factories.url_of(group_card)
        verdict = checkin.check_code(url, world.venue)
        assert (verdict.allowance.clients, verdict.allowance.children) == (8, 0)
        use, _ = record(url, world.venue, clients=8)
        assert (use.adults, use.clients, use.children) == (1, 8, 0)
        assert uses_in_db() == 1

    def test_more_clients_than_the_cap_are_refused_with_the_rule(self, world, group_card):
        with pytest.raises(InvalidInput) as refused:
            record(factories.url_of(group_card), world.venue, clients=9)
        assert refused.value.field == "clients" and uses_in_db() == 0

    def test_a_personal_card_brings_no_clients(self, world):
        with pytest.raises(InvalidInput) as refused:
            record(world.url, world.venue, clients=1)
        assert refused.value.field == "clients" and uses_in_db() == 0

    def test_clients_count_against_the_events_quota(self, world, group_card):
        event = accounts.create_event("theatre", "Matinea", date=factories.today(), quota=5)
        url = factories.url_of(group_card)
        assert checkin.check_code(url, world.venue, event.id).allowance.clients == 4
        with pytest.raises(InvalidInput):
            record(url, world.venue, clients=5, event_id=event.id)
        record(url, world.venue, clients=4, event_id=event.id)
        assert checkin.check_code(world.url, world.venue, event.id).status == "quota_full"
