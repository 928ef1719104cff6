"""The Flask CLI: each command prints what it made and fails clearly on bad input."""

import json
from datetime import date

import pypdfium2
import pytest
from sqlalchemy import select

from app.core import accounts, cards, checkin, municipalities, numbers, wellbeing
from app.extensions import db
from app.models import (
    ApiKey,
    Area,
    AuditEntry,
    Card,
    Event,
    MonthlyHomeUses,
    MonthlyUses,
    Municipality,
    Site,
    Use,
    User,
    WellbeingAnswer,
    WellbeingInvitation,
)
from tests import factories
from tests.scanning import decode_pdf


@pytest.fixture
def cli(runner, ctx):
    def invoke(*args, input=None):
        return runner.invoke(args=[str(a) for a in args], input=input)

    return invoke


@pytest.fixture
def setup(cli):
    """An area, an issuer and a venue made through the CLI itself."""
    assert cli("areas", "create", "PIR", "Pirkanmaa").exit_code == 0
    assert (
        cli("sites", "create", "issuer", "Issuer", "--area", "PIR", "--kind", "issuer").exit_code
        == 0
    )
    result = cli(
        "sites",
        "create",
        "theatre",
        "Theatre",
        "--area",
        "pir",
        "--kind",
        "venue",
        "--category",
        "culture",
    )
    assert result.exit_code == 0, result.output
    return cli


def issue(cli, count=1):
    result = cli("cards", "issue", "--area", "PIR", "--site", "issuer", "--count", count, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_init_db_is_safe_to_repeat_and_gives_a_new_registry_municipalities(cli):
    first = cli("init-db")
    assert first.exit_code == 0 and "Municipalities: 33 loaded" in first.output
    again = cli("init-db").output
    assert "Database ready" in again and "Municipalities" not in again
    assert factories.count(Municipality) == 33


def test_recount_statistics_from_every_use(cli, world):
    checkin.record_use(world.url, world.venue, nonce="nonce-recount-1", children=2)
    db.session.execute(db.delete(MonthlyUses))
    db.session.execute(db.delete(MonthlyHomeUses))
    db.session.commit()
    result = cli("recount-statistics")
    assert result.exit_code == 0 and "Uses counted: 1." in result.output
    for table in (MonthlyUses, MonthlyHomeUses):
        assert factories.monthly_totals(table) == factories.monthly_by_hand(table) != {}


def test_an_operators_validity_is_audited_as_such(setup):
    cli = setup
    [card, plain] = issue(cli, 2)
    given = ("--birth-year", 1970, "--postcode", "33100", "--children", 0)
    assert cli("cards", "register", card["number"], *given, "--valid-days", 30).exit_code == 0
    assert cli("cards", "register", plain["number"], *given).exit_code == 0
    entries = db.session.scalars(
        select(AuditEntry.after).where(AuditEntry.action == "card.register")
    ).all()
    assert [json.loads(after).get("valid_days") for after in entries] == [30, None]


def test_the_whole_path_from_the_cli(setup):
    cli = setup
    [card] = issue(cli)
    assert numbers.is_valid(card["number"]) and "/k/" in card["url"]

    assert "status: unregistered" in cli("cards", "check", card["url"], "--venue", "theatre").output
    result = cli(
        "cards",
        "register",
        card["number"],
        "--birth-year",
        1970,
        "--postcode",
        "33100",
        "--children",
        2,
    )
    assert result.exit_code == 0 and "valid until" in result.output

    checked = cli("cards", "check", card["url"], "--venue", "theatre")
    assert "status: valid" in checked.output and "children 2" in checked.output

    recorded = cli("uses", "record", card["url"], "--venue", "theatre", "--children", 1)
    assert recorded.exit_code == 0, recorded.output
    use_id = int(recorded.output.split()[-1])
    again = cli("uses", "record", card["url"], "--venue", "theatre")
    assert again.exit_code == 1 and "already_used" in again.output
    assert (
        "status: already_used" in cli("cards", "check", card["number"], "--venue", "theatre").output
    )

    assert cli("uses", "undo", use_id, "--venue", "theatre").exit_code == 0
    assert cli("uses", "record", card["url"], "--venue", "theatre").exit_code == 0
    assert db.session.query(Use).filter(Use.voided_at.is_(None)).count() == 1

    assert cli("cards", "block", card["number"]).exit_code == 0
    assert "status: blocked" in cli("cards", "check", card["url"], "--venue", "theatre").output
    shown = cli("cards", "show", card["number"].lower())
    assert "blocked" in shown.output and "uses:" in shown.output


def test_issue_prints_numbers_and_urls(setup):
    result = setup("cards", "issue", "--area", "PIR", "--site", "issuer", "--count", 3)
    assert result.exit_code == 0 and result.output.count("/k/") == 3
    assert db.session.query(Card).filter_by(status="unregistered").count() == 3


@pytest.mark.parametrize("layout, pages", [("a4", 2), ("card", 11)])
def test_issue_writes_a_print_ready_pdf_that_scans(setup, tmp_path, layout, pages):
    target = tmp_path / "cards.pdf"
    result = setup(
        "cards",
        "issue",
        "--area",
        "PIR",
        "--site",
        "issuer",
        "--count",
        11,
        "--json",
        "--pdf",
        target,
        "--layout",
        layout,
    )
    assert result.exit_code == 0, result.output
    urls = [row["url"] for row in json.loads(result.stdout)]
    data = target.read_bytes()
    assert len(pypdfium2.PdfDocument(data)) == pages
    assert sorted(decode_pdf(data)) == sorted(urls)


def test_new_code_retires_the_old_url(setup):
    [card] = issue(setup)
    result = setup("cards", "new-code", card["number"])
    assert result.exit_code == 0
    assert "old_code" not in result.output
    assert "status: invalid" in setup("cards", "check", card["url"], "--venue", "theatre").output


def test_users_events_and_api_keys(setup):
    cli = setup
    result = cli(
        "users",
        "create",
        "Desk@Theatre.fi",
        "--role",
        "venue",
        "--site",
        "theatre",
        "--password-stdin",
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "desk@theatre.fi"))
    assert user.password_hash != "a long enough secret" and user.site.slug == "theatre"

    prompted = cli(
        "users",
        "create",
        "boss@kaiku.fi",
        "--role",
        "admin",
        input="another long secret\nanother long secret\n",
    )
    assert prompted.exit_code == 0, prompted.output

    event = cli(
        "events", "create", "theatre", "Hamlet", "--date", "2026-12-24", "--quota", 10,
        "--offline-quota", 4,
    )  # fmt: skip
    assert event.exit_code == 0
    made = db.session.get(Event, int(event.output.strip()))
    assert (made.quota, made.offline_quota) == (10, 4)

    key = cli("api-keys", "create", "theatre")
    raw = key.output.strip().splitlines()[-1]
    assert raw.startswith("kaiku_")
    stored = db.session.scalar(select(ApiKey))
    assert raw not in stored.key_hash


@pytest.mark.parametrize(
    "args",
    [
        ("areas", "create", "PIR", "Again"),
        ("areas", "create", "", "Empty"),
        ("sites", "create", "Bad Slug", "X", "--area", "PIR", "--kind", "venue"),
        ("sites", "create", "nowhere", "X", "--area", "ZZZ", "--kind", "venue"),
        ("sites", "create", "issuer", "Again", "--area", "PIR", "--kind", "issuer"),
        ("sites", "create", "x2", "X", "--area", "PIR", "--kind", "issuer", "--category", "sport"),
        ("api-keys", "create", "nowhere"),
        ("events", "create", "issuer", "Not a venue", "--date", "2026-12-24"),
        ("events", "create", "theatre", "Bad quota", "--date", "2026-12-24", "--quota", -1),
        ("events", "create", "theatre", "Bad date", "--date", "24.12.2026"),
        ("cards", "issue", "--area", "PIR", "--site", "theatre", "--count", 1),
        ("cards", "issue", "--area", "PIR", "--site", "issuer", "--count", 0),
        ("cards", "issue", "--area", "PIR", "--site", "issuer", "--count", 5001),
        (
            "cards",
            "register",
            "K7Q-4MZ-R2X",
            "--birth-year",
            1970,
            "--postcode",
            "33100",
            "--children",
            0,
        ),
        ("cards", "show", "not-a-number"),
        ("cards", "block", numbers.generate()),
        ("cards", "check", "x", "--venue", "issuer"),
        ("uses", "undo", 12345, "--venue", "theatre"),
    ],
)
def test_bad_input_exits_non_zero_with_a_message(setup, args):
    before = [db.session.query(model).count() for model in (Area, Site, Card, Event, ApiKey)]
    result = setup(*args)
    assert result.exit_code != 0
    assert "Error" in result.output and "Traceback" not in result.output
    assert [
        db.session.query(model).count() for model in (Area, Site, Card, Event, ApiKey)
    ] == before


@pytest.mark.parametrize(
    "options",
    [
        ("--birth-year", 1850, "--postcode", "33100", "--children", 0),
        ("--birth-year", 1970, "--postcode", "3310", "--children", 0),
        ("--birth-year", 1970, "--postcode", "33100", "--children", 10),
        ("--birth-year", 1970, "--postcode", "33100", "--children", 0, "--valid-days", 0),
    ],
)
def test_register_refuses_bad_values_and_leaves_the_card_unregistered(setup, options):
    [card] = issue(setup)
    result = setup("cards", "register", card["number"], *options)
    assert result.exit_code == 1 and "Error" in result.output
    assert db.session.scalar(select(Card)).status == "unregistered"


def test_register_twice_is_refused(setup):
    [card] = issue(setup)
    options = ("--birth-year", 1970, "--postcode", "33100", "--children", 0)
    assert setup("cards", "register", card["number"], *options).exit_code == 0
    second = setup("cards", "register", card["number"], *options)
    assert second.exit_code == 1 and "(number)" in second.output


def test_user_with_a_short_password_or_wrong_site_is_refused(setup):
    short = setup(
        "users", "create", "a@b.fi", "--role", "admin", "--password-stdin", input="short\n"
    )
    wrong = setup(
        "users",
        "create",
        "c@d.fi",
        "--role",
        "venue",
        "--site",
        "issuer",
        "--password-stdin",
        input="long enough password\n",
    )
    assert short.exit_code == 1 and wrong.exit_code == 1
    assert db.session.query(User).count() == 0


def test_a_municipalitys_coordinator_and_an_areas_admin(setup):
    municipalities.load_shipped()
    area = db.session.scalar(select(Area))
    municipalities.join_network(area, "837", date(2020, 1, 1))
    password = "long enough password\n"
    outside = setup(
        "users", "create", "x@nokia.fi", "--role", "municipality", "--municipality", "536",
        "--password-stdin", input=password,
    )  # fmt: skip
    assert outside.exit_code == 1 and "(municipality)" in outside.output
    made = setup(
        "users", "create", "kulttuuri@tampere.fi", "--role", "municipality",
        "--municipality", "837", "--password-stdin", input=password,
    )  # fmt: skip
    assert made.exit_code == 0 and "at 837" in made.output
    admin = setup(
        "users", "create", "a@area.fi", "--role", "admin", "--area", area.code,
        "--password-stdin", input=password,
    )  # fmt: skip
    assert admin.exit_code == 0, admin.output
    users = {user.email: user for user in db.session.scalars(select(User))}
    assert users["kulttuuri@tampere.fi"].municipality_code == "837"
    assert users["a@area.fi"].area_id == area.id and "x@nokia.fi" not in users


def test_population_loaded_from_a_file(cli, tmp_path):
    municipalities.load_shipped()
    path = tmp_path / "vakiluku.csv"
    path.write_text("code;population;year\n837;258000;2025\n536;36000;2025\n")
    result = cli("municipalities", "population", str(path))
    assert result.exit_code == 0, result.output
    assert "Loaded the population of 2 municipality-years (2025)." in result.output
    assert municipalities.population(2025)["837"] == (2025, 258000)
    path.write_text("code;population;year\n837;-1;2025\n")
    refused = cli("municipalities", "population", str(path))
    assert refused.exit_code == 1 and "Rivi 2: Väkiluku:" in refused.output  # (in Finnish)
    assert municipalities.population(2025)["837"] == (2025, 258000)


def test_seed_demo_loads_once(cli):
    first = cli("seed-demo")
    assert first.exit_code == 0, first.output
    assert "desk@kaiku.test" in first.output and "kaiku_" in first.output
    # the earlier registry's sample export, loaded by `cards import` as a real one would be
    assert "KK-0001234  valid" in first.output and "/k/KK0001234-1." in first.output
    imported = select(Card).where(Card.legacy_id.is_not(None))
    assert len(db.session.scalars(imported).all()) == 6
    assert db.session.scalar(
        select(Use).join(Card, Use.card_id == Card.id).where(Card.legacy_id == "A12345")
    )
    # the wellbeing questions in use, answered by some of the history's holders, open for
    # the demo's own cards
    assert "Wellbeing questions: version 1 in use." in first.output
    answered = factories.count(WellbeingAnswer)
    assert answered > 100
    assert factories.count(WellbeingAnswer, WellbeingAnswer.occasion == "renewal") > 10
    assert factories.count(WellbeingInvitation) >= 4
    cards_after_first = db.session.query(Card).count()
    second = cli("seed-demo")
    assert "already loaded" in second.output
    assert db.session.query(Card).count() == cards_after_first
    assert factories.count(WellbeingAnswer) == answered


@pytest.mark.parametrize(
    "arrange, status",
    [
        (lambda w: w.url, "valid"),
        (lambda w: "https://kaiku.test/k/K7Q4MZR23-1.bad", "invalid"),
        (lambda w: factories.url_of(factories.stock(w.area, w.issuer)[0]), "unregistered"),
        (lambda w: factories.url_of(factories.future_card(w.area, w.issuer)), "not_yet_valid"),
        (lambda w: factories.url_of(factories.expired_card(w.area, w.issuer)), "expired"),
        (lambda w: factories.url_of(cards.block_card(w.card)), "blocked"),
        (lambda w: factories.url_of(replaced(w.card)), "replaced"),
        (lambda w: used_once(w), "already_used"),
        (lambda w: quota_used_up(w), "quota_full"),
    ],
)
def test_cards_check_prints_every_status(cli, world, arrange, status):
    code = arrange(world)
    args = ["cards", "check", code, "--venue", "theatre"]
    if status == "quota_full":
        args += ["--event", str(db.session.scalar(select(Event.id)))]
    result = cli(*args)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == f"status: {status}"


def replaced(card):
    card.status = "replaced"
    db.session.commit()
    return card


def used_once(world):
    checkin.record_use(world.url, world.venue, nonce="nonce-0001")
    return world.url


def quota_used_up(world):
    event = accounts.create_event("theatre", "Full house", date=factories.today(), quota=1)
    checkin.record_use(world.url, world.venue, nonce="nonce-0001", event_id=event.id)
    return factories.url_of(factories.active_card(world.area, world.issuer))


def register(cli, card, *options):
    """`cards register` for a holder born in 1980, postcode 33100, no children."""
    args = ("--birth-year", "1980", "--postcode", "33100", "--children", "0", *options)
    return cli("cards", "register", card.number, *args)


class TestMunicipalities:
    @pytest.fixture
    def setup(self, setup):
        municipalities.load_shipped()  # as init-db does
        return setup

    def test_sites_and_cards_take_an_optional_municipality(self, setup, cli):
        assert (
            cli(
                "municipalities", "join", "837", "--area", "PIR", "--joined", "2020-01-01"
            ).exit_code
            == 0
        )
        made = cli(
            "sites",
            "create",
            "nokia",
            "Nokia",
            "--area",
            "PIR",
            "--kind",
            "issuer",
            "--municipality",
            "536",
        )
        assert made.exit_code == 0 and "municipality 536" in made.output
        [card] = factories.stock(accounts.find_area("PIR"), accounts.find_site("issuer"))
        result = register(cli, card, "--municipality", "837")
        assert result.exit_code == 0 and "home municipality 837" in result.output
        assert checkin.find_card(card.number).municipality_code == "837"

    def test_a_municipality_outside_the_networks_is_refused(self, setup, cli):
        [card] = factories.stock(accounts.find_area("PIR"), accounts.find_site("issuer"))
        result = register(cli, card, "--municipality", "091")
        assert result.exit_code == 1 and "Kaikukortti-verkosto" in result.output
        assert checkin.find_card(card.number).status == "unregistered"

    def test_without_one_the_pinned_commands_work_as_before(self, setup, cli):
        [card] = factories.stock(accounts.find_area("PIR"), accounts.find_site("issuer"))
        result = register(cli, card)
        assert result.exit_code == 0
        assert checkin.find_card(card.number).municipality_code is None

    def test_load_with_a_dry_run_first(self, cli, ctx, tmp_path):
        path = tmp_path / "kunnat.csv"
        path.write_text("KUNTA;KUNTANIMIFI;KUNTANIMISV\n999;Uusikunta;Nykommun\n")
        dry = cli("municipalities", "load", path, "--dry-run")
        assert dry.exit_code == 0 and "Would add 1" in dry.output
        assert factories.count(Municipality) == 0
        assert cli("municipalities", "load", path).exit_code == 0
        assert factories.count(Municipality) == 1

    def test_fill_cards_from_their_issuing_site(self, cli, world):
        municipalities.load_shipped()
        world.issuer.municipality_code = "837"
        db.session.commit()
        result = cli("cards", "fill-municipalities")
        assert result.exit_code == 0 and "1" in result.output
        db.session.refresh(world.card)
        assert world.card.municipality_code == "837"


def test_a_community_card_from_the_command_line(setup, cli):
    [card] = factories.stock(accounts.find_area("PIR"), accounts.find_site("issuer"))
    result = cli(
        "cards", "register", card.number, "--kind", "community", "--organisation", "Nuorisotalo"
    )
    assert result.exit_code == 0, result.output
    card = checkin.find_card(card.number)
    assert (card.kind, card.organisation, card.client_cap, card.birth_year) == (
        "community",
        "Nuorisotalo",
        10,
        None,
    )
    used = cli("uses", "record", factories.url_of(card), "--venue", "theatre", "--clients", "7")
    assert used.exit_code == 0, used.output
    assert db.session.scalar(select(Use.clients)) == 7


class TestImports:
    HEADER = "id;status;registered;valid_until;children;birth_year;postcode;municipality;site;area"
    ROW = "KK-0001234;active;2025-03-14;2030-03-13;2;1984;33100;;issuer;PIR"
    BAD = "KK-0001235;active;2025-03-14;2030-03-13;2;1984;331;;issuer;PIR"

    def export(self, tmp_path, *rows, header=HEADER):
        path = tmp_path / "export.csv"
        path.write_text("\n".join([header, *rows]), encoding="utf-8")
        return path

    def imported(self) -> list[str]:
        db.session.expire_all()
        return list(db.session.scalars(select(Card.legacy_id).where(Card.legacy_id.is_not(None))))

    def test_dry_run_then_import_then_again(self, setup, tmp_path):
        path = self.export(tmp_path, self.ROW)

        dry = setup("cards", "import", path, "--dry-run", "--language", "en")
        assert dry.exit_code == 0 and "new 1" in dry.output and self.imported() == []
        done = setup("cards", "import", path, "--language", "en")
        assert done.exit_code == 0 and "Imported." in done.output
        again = setup("cards", "import", path, "--language", "en")
        assert "unchanged 1" in again.output and "Nothing to change." in again.output
        assert self.imported() == ["KK-0001234"]
        shown = setup("cards", "show", "kk 0001234")
        assert "KK-0001234" in shown.output and "/k/KK0001234-1." in shown.output

    def test_a_refused_row_stops_the_file_and_is_named(self, setup, tmp_path):
        result = setup(
            "cards", "import", self.export(tmp_path, self.ROW, self.BAD), "--language", "en"
        )

        assert result.exit_code == 1 and self.imported() == []
        assert "line 3 (KK-0001235): Postcode: give five digits." in result.output

    def test_skip_invalid_writes_the_refused_rows_to_fix(self, setup, tmp_path):
        path = self.export(tmp_path, self.ROW, self.BAD)
        result = setup("cards", "import", path, "--skip-invalid", "--language", "en")

        assert result.exit_code == 0 and self.imported() == ["KK-0001234"]
        refused = (tmp_path / "export.csv.refused.csv").read_text().splitlines()
        assert refused[0].endswith(";reason") and refused[1].startswith(self.BAD + ";")

    def test_another_exports_names_mapped_and_saved(self, setup, tmp_path):
        header = self.HEADER.replace("id;status", "Kortti;Tila")
        path = self.export(tmp_path, self.ROW.replace("active", "Voimassa"), header=header)
        options = (
            "--column",
            "id=Kortti",
            "--column",
            "status=Tila",
            "--status",
            "Voimassa=active",
        )

        result = setup("cards", "import", path, *options, "--save-mapping", "vanha")
        assert result.exit_code == 0, result.output
        assert self.imported() == ["KK-0001234"]
        assert setup("cards", "import", path, "--mapping", "vanha", "--dry-run").exit_code == 0

    def test_past_uses_after_the_cards(self, setup, tmp_path):
        setup("cards", "import", self.export(tmp_path, self.ROW))
        uses = tmp_path / "uses.csv"
        uses.write_text(
            "date;card;venue;category;adults;children\n2025-04-05;KK-0001234;theatre;;1;2\n"
        )

        result = setup("uses", "import", uses, "--language", "en")

        assert result.exit_code == 0, result.output
        assert factories.count(Use) == 1 and "new 1" in result.output


def test_a_holders_own_wellbeing_answers_for_their_access_request(cli, world):
    version = factories.question_set()
    card = factories.active_card(world.area, world.issuer)
    question = version.questions[1]
    wellbeing.answer(
        wellbeing.open_invitation(card), {str(question.id): str(question.options[1].id)}
    )
    result = cli("wellbeing", "answers", numbers.display(card.number), "--language", "en")
    assert result.exit_code == 0 and result.output == "Do you feel lonely?\tOften\n"
    assert factories.count(AuditEntry, AuditEntry.action == "card.wellbeing_answers") == 1
    other = cli("wellbeing", "answers", numbers.display(world.card.number))
    assert other.output == "No answers lead to this card's holder.\n"
    assert cli("wellbeing", "answers", "nonsense").exit_code == 1
