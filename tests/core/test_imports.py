"""Importing the old registry: cards and past uses, whole files or nothing, again and
again without changing what is already there, and Kaiku's own changes kept."""

import random
import string
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.core import accounts, cards, checkin, imports, legacy, numbers, stats
from app.core.access import Viewer
from app.core.clock import local_today
from app.core.tokens import card_url, read_token
from app.models import AuditEntry, Card, ImportMapping, MonthlyUses, Site, Use
from tests import factories

HEADER = "id;status;registered;valid_until;children;birth_year;postcode;municipality;site;area"
GOOD = [
    "KK-0001234;active;2025-03-14;2030-03-13;2;1984;33100;;issuer;PIR",
    "a 123 45;blocked;14.3.2025;13.3.2030;0;1960;33200;;issuer;PIR",
    "B-99;expired;2020-01-01;2020-12-31;1;1970;33300;;Issuer;pir",
]


@pytest.fixture(autouse=True)
def in_english(ctx):
    """Reports in English here (the default language is Finnish)."""
    with force_locale("en"):
        yield


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


def card(number: str) -> Card:
    return factories.db.session.scalar(select(Card).where(Card.number == number))


class TestCardsImport:
    def test_every_row_becomes_a_card_as_the_old_registry_had_it(self, world):
        report = imports.import_cards(csv_file(*GOOD), source="export.csv")

        assert (report.written, report.added, report.refused) == (True, 3, [])
        first = card("KK0001234")
        assert (first.legacy_id, first.status, first.children) == ("KK-0001234", "active", 2)
        assert (first.valid_from, first.valid_until) == (date(2025, 3, 14), date(2030, 3, 13))
        assert (first.birth_year, first.postcode, first.first_card_id) == (1984, "33100", first.id)
        assert first.issuing_site_id == world.issuer.id and first.home_area_id == world.area.id
        assert [(p.valid_from, p.valid_until) for p in first.periods] == [
            (date(2025, 3, 14), date(2030, 3, 13))
        ]
        assert card("A12345").status == "blocked"
        assert card("B99").status == "active" and checkin.card_state(card("B99")) == "expired"
        entries = factories.db.session.scalars(select(AuditEntry.action)).all()
        assert entries.count("cards.import") == 1  # one entry for the file, not one per card

    def test_imported_cards_count_from_their_registration_dates(self, world):
        imports.import_cards(csv_file(*GOOD))
        national = Viewer("admin", None, None)
        march = stats.registrations(national, stats.Period(date(2025, 3, 1), date(2025, 3, 31)))
        assert sum(row.registered for row in march) == 2

    def test_one_bad_row_and_nothing_is_written(self, world):
        bad = "C-10;lost;2025-13-01;2024-01-01;12;2020;123;;nowhere;PIR"
        report = imports.import_cards(csv_file(*GOOD, bad))

        assert not report.written and report.added == 3
        assert factories.count(Card, Card.legacy_id.is_not(None)) == 0
        [refused] = report.refused
        assert (refused.line, refused.id) == (5, "C-10")
        for part in ("Status", "2024-05-31", "Children", "Year of birth", "Postcode", "nowhere"):
            assert part in refused.message

    def test_skip_invalid_imports_the_rest_and_gives_the_refused_rows_back(self, world):
        bad = "C-10;active;2025-01-01;2026-01-01;0;1980;123;;issuer;PIR"
        report = imports.import_cards(csv_file(GOOD[0], bad), skip_invalid=True)

        assert report.written and factories.count(Card, Card.legacy_id.is_not(None)) == 1
        lines = report.refused_csv().splitlines()
        assert lines[0] == HEADER + ";reason"
        assert lines[1].startswith(bad + ";Postcode")

    def test_dry_run_writes_nothing(self, world):
        report = imports.import_cards(csv_file(*GOOD), dry_run=True)
        assert (report.written, report.added) == (False, 3)
        assert factories.count(Card, Card.legacy_id.is_not(None)) == 0

    @pytest.mark.parametrize("column", ["name", "hetu", ""])
    def test_a_column_kaiku_does_not_import_refuses_the_file(self, world, column):
        with pytest.raises(imports.InvalidInput) as refused:
            imports.import_cards(csv_file(GOOD[0] + ";x", header=f"{HEADER};{column}"))
        assert "no names or identity data" in refused.value.message
        assert factories.count(Card, Card.legacy_id.is_not(None)) == 0

    def test_a_missing_column_refuses_the_file(self, world):
        with pytest.raises(imports.InvalidInput, match="postcode"):
            imports.import_cards(csv_file("A1;active", header="id;status"))

    def test_the_same_id_twice_is_refused(self, world):
        report = imports.import_cards(csv_file(GOOD[0], GOOD[0].replace("KK-", "kk ")))
        assert [row.line for row in report.refused] == [3]


class TestReimport:
    def test_the_same_file_again_changes_nothing(self, world):
        imports.import_cards(csv_file(*GOOD))
        entries = factories.count(AuditEntry)

        report = imports.import_cards(csv_file(*GOOD))

        assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
        assert factories.count(AuditEntry) == entries
        assert factories.count(Card, Card.legacy_id.is_not(None)) == 3

    def test_a_newer_export_updates_status_validity_and_children_audited(self, world):
        imports.import_cards(csv_file(*GOOD))
        newer = GOOD[0].replace("active", "blocked").replace("2030-03-13", "2031-03-13")
        report = imports.import_cards(csv_file(newer.replace(";2;", ";3;"), *GOOD[1:]))

        assert (report.updated, report.unchanged, report.conflicts) == (1, 2, [])
        updated = card("KK0001234")
        assert (updated.status, updated.valid_until, updated.children) == (
            "blocked",
            date(2031, 3, 13),
            3,
        )
        assert updated.blocked_at is not None
        entry = factories.db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "card.import")
        )
        assert entry.target == "card KK-0001234" and "1984" not in (entry.after or "")

    def test_kaikus_own_change_wins_and_is_reported(self, world):
        imports.import_cards(csv_file(*GOOD))
        cards.block_card(card("KK0001234"))  # an issuer in Kaiku, after the import
        newer = GOOD[0].replace(";2;", ";1;")

        report = imports.import_cards(csv_file(newer))

        [conflict] = report.conflicts
        assert (conflict.line, conflict.id) == (2, "KK-0001234")
        assert (card("KK0001234").status, card("KK0001234").children) == ("blocked", 2)

    def test_removed_holder_data_stays_removed(self, world):
        imports.import_cards(csv_file(*GOOD))
        cards.remove_holder_data(card("KK0001234"))

        report = imports.import_cards(csv_file(GOOD[0].replace("blocked", "active")))

        assert len(report.conflicts) == 1
        assert card("KK0001234").birth_year is None


class TestMappings:
    def test_another_exports_names_are_mapped_and_the_mapping_saved(self, world):
        header = (
            "KORTTI;TILA;REKISTEROITY;VOIMASSA;LAPSET;SYNTYMAVUOSI;POSTINRO;KUNTA;MYONTAJA;ALUE"
        )
        row = "X-100;voimassa;2025-01-01;2030-01-01;0;1980;33100;;issuer;PIR"
        mapping = imports.check_mapping(
            {
                "id": "Kortti",
                "status": "Tila",
                "registered": "Rekisteroity",
                "valid_until": "Voimassa",
                "children": "Lapset",
                "birth_year": "Syntymavuosi",
                "postcode": "Postinro",
                "municipality": "Kunta",
                "site": "Myontaja",
                "area": "Alue",
            },
            {"Voimassa": "active"},
        )
        imports.save_mapping("Vanha rekisteri", mapping)

        report = imports.import_cards(
            csv_file(row, header=header), imports.load_mapping("Vanha rekisteri")
        )

        assert report.added == 1 and card("X100").status == "active"
        assert factories.count(ImportMapping) == 1

    def test_a_mapping_only_names_kaikus_columns_and_statuses(self, world):
        with pytest.raises(imports.InvalidInputs) as refused:
            imports.check_mapping({"hetu": "Henkilötunnus"}, {"ok": "lost"})
        assert set(refused.value.errors) == {"columns", "statuses"}


class TestLegacyIds:
    def test_an_id_that_reads_as_a_kaiku_number_is_refused(self, world):
        number = numbers.generate()
        lookalike = number.replace("0", "O").replace("1", "I")
        for kaiku in (number, numbers.display(number), lookalike.lower()):
            with pytest.raises(imports.InvalidInput, match="Kaiku card number"):
                legacy.check_id(kaiku)

    def test_generated_ids_of_both_kinds_are_never_confused(self, world):
        """Thousands of random Kaiku numbers are refused as IDs; random old IDs of every
        shape either import or are refused, and each imported one finds its own card."""
        rng = random.Random(2026)
        for _ in range(3000):
            with pytest.raises(imports.InvalidInput):
                legacy.check_id(numbers.generate())
        alphabet = string.ascii_uppercase + string.digits
        ids = {"".join(rng.choices(alphabet, k=rng.randint(3, 12))) for _ in range(600)}
        ids |= {"".join(rng.choices(numbers.ALPHABET, k=9)) for _ in range(600)}  # Kaiku's shape
        importable = [old for old in ids if not numbers.is_valid(old)]
        assert len(importable) < len(ids)  # some random ones happen to be valid numbers
        rows = [f"{old};active;2025-01-01;2030-01-01;0;1980;33100;;issuer;PIR" for old in ids]
        report = imports.import_cards(csv_file(*rows), skip_invalid=True)
        assert report.added == len(importable)
        assert len(report.refused) == len(ids) - len(importable)
        for old in importable[:200]:
            spelled = "-".join(old[i : i + 2] for i in range(0, len(old), 2)).lower()
            found, typed, problem = checkin.identify(spelled)
            assert (found.legacy_id, typed, problem) == (old, True, None)
        kaiku = factories.active_card(world.area, world.issuer)
        assert checkin.identify(kaiku.display_number)[0] == kaiku

    def test_look_alike_letters_are_not_mapped_in_old_ids(self, world):
        rows = [
            f"{old};active;2025-01-01;2030-01-01;0;1980;33100;;issuer;PIR" for old in ("AO1", "A01")
        ]
        imports.import_cards(csv_file(*rows))
        assert checkin.identify("ao1")[0].legacy_id == "AO1"
        assert checkin.identify("a-0 1")[0].legacy_id == "A01"
        assert checkin.identify("AOI")[2] == "unknown"

    def test_an_imported_card_gets_the_usual_verdicts_at_the_desk(self, world):
        imports.import_cards(csv_file(*GOOD))
        assert checkin.check_code("kk 000 1234", world.venue).status == "valid"
        assert checkin.check_code("A12345", world.venue).status == "blocked"
        assert checkin.check_code("b99", world.venue).status == "expired"
        use, _ = checkin.record_use("KK0001234", world.venue, nonce="legacy-0001", children=2)
        assert use.typed and use.card.legacy_id == "KK-0001234"
        assert checkin.check_code("KK-0001234", world.venue).status == "already_used"

    def test_a_phone_card_for_an_old_card_keeps_its_id(self, world):
        imports.import_cards(csv_file(*GOOD))
        old = card("KK0001234")
        url = card_url(old.number, old.generation)

        assert read_token(url.rsplit("/k/", 1)[1]) == ("KK0001234", 1)
        assert checkin.check_code(url, world.venue).status == "valid"
        assert not checkin.check_code(url, world.venue).typed  # signed: no need to compare
        cards.new_code(old)
        assert checkin.check_code(url, world.venue).reason == "old_code"


USES_HEADER = "date;card;venue;category;adults;children"


class TestUsesImport:
    def test_past_uses_are_recorded_and_counted_in_statistics(self, world):
        imports.import_cards(csv_file(*GOOD))
        uses = csv_file(
            "2025-04-05;KK-0001234;theatre;culture;1;2",
            "2025-04-06;kk0001234;college;;1;0",
            f"{local_today()};{world.card.display_number};Museum;culture;1;0",  # a Kaiku card
            header=USES_HEADER,
        )
        report = imports.import_uses(uses)

        assert [row.message for row in report.refused] == []
        assert (report.written, report.added) == (True, 3)
        imported = factories.db.session.scalars(select(Use).order_by(Use.day)).all()
        assert [(u.day, u.category, u.kind, u.children) for u in imported[:2]] == [
            (date(2025, 4, 5), "culture", "ticket", 2),
            (date(2025, 4, 6), "education", "course_place", 0),
        ]
        april = factories.db.session.scalars(
            select(MonthlyUses).where(MonthlyUses.month == date(2025, 4, 1))
        ).all()
        assert sum(row.adults for row in april) == 2 and sum(row.children for row in april) == 2
        assert card("KK0001234").first_used_at is not None

        again = imports.import_uses(uses)
        assert (again.added, again.unchanged) == (0, 3)
        assert factories.count(Use) == 3

    def test_a_use_of_an_unknown_card_or_venue_refuses_the_file(self, world):
        report = imports.import_uses(
            csv_file(
                "2025-04-05;NOPE-1;theatre;culture;1;0",
                "2025-04-05;KK-0001234;nowhere;culture;2;0",
                f"{local_today() + timedelta(days=1)};KK-0001234;theatre;culture;1;0",
                header=USES_HEADER,
            )
        )
        assert not report.written and factories.count(Use) == 0
        messages = [row.message for row in report.refused]
        assert "import the cards first" in messages[0]
        assert "nowhere" in messages[1] and "Adults" in messages[1]
        assert "still to come" in messages[2]


class TestSitesImport:
    HEADER = "slug;name;kind;area;category;municipality"

    def test_sites_the_files_name_are_created_first_and_once(self, world):
        sites = csv_file(
            "hall;Sports hall;venue;PIR;sport;",
            "issuer;Issuer;issuer;PIR;;",  # already there: kept as it is
            "social-2;Social services 2;Issuer;pir;;",
            header=self.HEADER,
        )
        report = imports.import_sites(sites)

        assert (report.written, report.added, report.unchanged) == (True, 2, 1)
        hall = factories.db.session.scalar(select(Site).where(Site.slug == "hall"))
        assert (hall.kind, hall.category, hall.area_id) == ("venue", "sport", world.area.id)
        assert imports.import_sites(sites).added == 0

    def test_a_bad_site_row_stops_the_file(self, world):
        report = imports.import_sites(
            csv_file("hall;Sports hall;venue;PIR;sport;", "x y;;shop;NOPE;;", header=self.HEADER)
        )
        assert not report.written and [row.line for row in report.refused] == [3]
        assert factories.count(Site, Site.slug == "hall") == 0


class TestWhatAFileMayNotDo:
    """Found by trying odd files: each is refused in words, and nothing is written."""

    def test_an_id_kaiku_would_read_as_its_own_number_or_a_typo_of_one(self, world):
        number = numbers.generate()
        with_en_dashes = "–".join(number[i : i + 3] for i in range(0, 9, 3))
        typo = number[:4] + number[5] + number[4] + number[6:]
        assert not numbers.is_valid(typo) or typo == number
        kaiku = factories.active_card(world.area, world.issuer)
        near_kaiku = kaiku.number[:-1] + next(s for s in "XYZ" if s != kaiku.number[-1])
        rows = [
            f"{old};active;2025-01-01;2030-01-01;0;1980;33100;;issuer;PIR"
            for old in (with_en_dashes, near_kaiku, "131052-308T")
        ]
        report = imports.import_cards(csv_file(*rows))
        assert [row.line for row in report.refused] == [2, 3, 4]
        assert "Kaiku card number" in report.refused[0].message
        assert "One typo" in report.refused[1].message
        assert "personal identity code" in report.refused[2].message

    def test_new_stock_is_never_one_typo_from_an_imported_id(self, world, monkeypatch):
        kaiku = numbers.generate()
        old = kaiku[:2] + next(s for s in "XYZ" if s != kaiku[2]) + kaiku[3:]  # one typo
        imports.import_cards(
            csv_file(f"{old};active;2025-01-01;2030-01-01;0;1980;33100;;issuer;PIR")
        )
        made = iter([kaiku, numbers.generate()])
        monkeypatch.setattr(numbers, "generate", lambda: next(made))

        [new] = cards.issue_cards(world.area, world.issuer, 1)

        assert new.number != kaiku

    def test_rows_wider_than_the_header_twice_named_columns_and_long_cells(self, world):
        report = imports.import_cards(csv_file(GOOD[0] + ";Maija Meikäläinen", GOOD[1]))
        assert [row.line for row in report.refused] == [2] and not report.written
        with pytest.raises(imports.InvalidInput, match="twice"):
            imports.import_cards(csv_file(GOOD[0] + ";x", header=HEADER + ";id"))
        with pytest.raises(imports.InvalidInput, match="Line 2"):
            imports.import_cards(csv_file("A" * 200_000))
        with pytest.raises(imports.InvalidInput, match="Line 3"):
            imports.import_cards(csv_file(GOOD[0], '"never closed;' + "x" * 200_000))
        assert factories.count(Card, Card.legacy_id.is_not(None)) == 0

    def test_days_out_of_any_cards_life(self, world):
        report = imports.import_cards(
            csv_file("OLD-1;active;0001-01-01;9999-12-31;0;1980;33100;;issuer;PIR")
        )
        assert "Registered: a day from" in report.refused[0].message
        assert "Valid until: a day from" in report.refused[0].message

    def test_the_refused_rows_once_fixed_import_with_their_reason_column(self, world):
        bad = GOOD[0].replace("33100", "331")
        refused = imports.import_cards(csv_file(bad, GOOD[1])).refused
        report = imports.Report("cards", HEADER.split(";"), refused=refused)
        fixed = report.refused_csv().replace(";331;", ";33100;").encode()

        assert imports.import_cards(fixed).added == 1

    def test_a_venue_by_its_short_name_first_and_never_a_guess(self, world):
        for slug in ("hall-a", "hall-b", "hall"):
            name = "Museum" if slug == "hall" else "Sports hall"  # "hall" has the museum's name
            accounts.create_site(slug, name, area_code="PIR", kind="venue", category="sport")
        imports.import_cards(csv_file(*GOOD))
        uses = csv_file(
            "2025-04-05;KK-0001234;museum;culture;1;0",  # the slug, not the other's name
            "2025-04-06;KK-0001234;Sports hall;;1;0",
            header=USES_HEADER,
        )
        report = imports.import_uses(uses, skip_invalid=True)

        assert "Several sites are called Sports hall" in report.refused[0].message
        [use] = factories.db.session.scalars(select(Use)).all()
        assert use.venue_id == world.other_venue.id

    def test_one_use_per_card_venue_and_day(self, world):
        imports.import_cards(csv_file(*GOOD))
        checkin.record_use("KK0001234", world.venue, nonce="kaiku-own-1")  # today, in Kaiku
        uses = csv_file(
            "2025-04-05;KK-0001234;theatre;culture;1;0",
            "2025-04-05;KK-0001234;theatre;culture;1;2",
            f"{local_today()};KK-0001234;theatre;culture;1;0",
            header=USES_HEADER,
        )
        report = imports.import_uses(uses, skip_invalid=True)

        assert [row.line for row in report.refused] == [3]
        assert [row.line for row in report.conflicts] == [4]
        assert report.written and factories.count(Use) == 2
