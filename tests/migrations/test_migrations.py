"""The migrations: a registry of every release upgrades in place with every row kept.

Each test makes a database of its own (a SQLite file, or a PostgreSQL database when
TEST_DATABASE_URL is set) and runs the same commands an operator would.
"""

import gzip
import json
import shutil
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app, database
from app.extensions import db
from tests.conftest import config

FIXTURES = Path(__file__).parent / "fixtures"
RELEASE_88B0852 = {  # made by `flask init-db` and `flask seed-demo` at commit 88b0852
    "sqlite": FIXTURES / "kaiku-88b0852.sqlite3",
    "postgresql": FIXTURES / "kaiku-88b0852-postgresql.sql.gz",  # pg_dump --inserts of the same
}


def flask(url: str, *args: str):
    """`flask --app wsgi <args>` on the database at ``url``: the result and its output."""
    return create_app(config(url)).test_cli_runner().invoke(args=list(args))


def load_release_88b0852(url: str) -> None:
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        shutil.copyfile(RELEASE_88B0852["sqlite"], target.database)
        return
    script = gzip.decompress(RELEASE_88B0852["postgresql"].read_bytes()).decode()
    plain = target.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(script)


# What later revisions dropped on purpose, and the tables they added (empty at first):
# everything else of a release's registry is kept, row by row and value by value.
DROPPED = {"user": {"session_stamp"}}  # 0002: sessions are kept on the server instead
ADDED = {  # 0002-0016
    "staff_session",
    "recovery_code",
    "municipality",
    "card_period",
    "import_mapping",
    "import_upload",
    "population",
    "wellbeing_set",  # 0016
    "wellbeing_question",
    "wellbeing_option",
    "wellbeing_invitation",
    "wellbeing_answer",
}
# 0003: the audit trail's holder data is rewritten (which fields changed, not values).
REWRITTEN = {**DROPPED, "audit_entry": {"before", "after"}}
NEW_COLUMNS = {  # empty at first
    "card": {
        "holder_data_removed_at",
        "municipality_code",
        "organisation",
        "client_cap",
        "blocked_at",
        "legacy_id",  # 0011
        "imported_as",
    },
    "use": {"device_id", "received_at"},  # 0017
    "event": {"offline_quota"},
    "site": {"municipality_code", "offers", "closed_at"},  # 0006, 0007, 0008
    "user": {"totp_secret", "totp_last_step", "municipality_code"},  # 0005, 0013
}
# 0007, 0009: columns every old row gets a value in, by a rule: (table, column): the rule's
# value in SQL, worked out from the row's other columns.
DERIVED = {
    ("use", "kind"): (
        "CASE WHEN category = 'education' AND children = 0 THEN 'course_place' ELSE 'ticket' END"
    ),
    ("use", "clients"): "0",
    ("use", "late"): "false",
    ("use", "home_municipality_code"): (  # 0012
        "(SELECT card.municipality_code FROM card WHERE card.id = use.card_id)"
    ),
    ("site", "default_use"): (
        "CASE WHEN kind = 'venue' AND category = 'education' THEN 'course_place' END"
    ),
}
# 0018: tables filled from the uses: (table): the rows it should hold, in its key order,
# in SQL (with MONTH for the dialect's first day of a use's month).
DERIVED_TABLES = {
    "monthly_home_uses": (
        "SELECT coalesce(home_municipality_code, '') AS code, category, {month} AS month, "
        "count(*), sum(children) FROM use WHERE voided_at IS NULL "
        "GROUP BY code, category, {month} ORDER BY code, category, month"
    ),
}
MONTH = {
    "sqlite": "date(day, 'start of month')",
    "postgresql": "CAST(date_trunc('month', day) AS DATE)",
}
HOLDER_FIELDS = ("birth_year", "postcode", "gender", "life_situation")


def rows(url: str, leave_out=DROPPED) -> dict[str, list]:
    """Every row of every Kaiku table, in key order (without the columns ``leave_out``)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        inspector = inspect(connection)
        found = {}
        for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
            key = ", ".join(inspector.get_pk_constraint(table)["constrained_columns"])
            columns = [
                f'"{column["name"]}"'
                for column in inspector.get_columns(table)
                if column["name"] not in leave_out.get(table, ())
            ]
            found[table] = connection.execute(
                text(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY {key}')
            ).all()
    engine.dispose()
    return found


def rows_of(found: dict, leave_out: set, table: str) -> list:
    """``found[table]`` (rows of a release, as ``rows`` read them) without some columns."""
    columns = [column for column in AUDIT_COLUMNS if column not in leave_out]
    return [tuple(row._mapping[c] for c in columns) for row in found[table]]


AUDIT_COLUMNS = (
    "id", "at", "actor_id", "actor", "action", "target", "area_id", "site_id", "before", "after"
)  # fmt: skip


def audit_holds_no_holder_data(release: list, upgraded: list) -> bool:
    """Every entry keeps what it said but a holder's data, which becomes the list of the
    holder's fields the change set; entries of anything but cards are as they were."""
    assert len(release) == len(upgraded)
    registrations = 0
    for old, new in zip(release, upgraded):
        old_after, new_after = json.loads(old.after or "{}"), json.loads(new.after or "{}")
        if not old.action.startswith("card."):
            assert (old.before, old.after) == (new.before, new.after)
            continue
        assert not {*HOLDER_FIELDS} & {*new_after, *json.loads(new.before or "{}")}
        assert {k: v for k, v in old_after.items() if k not in HOLDER_FIELDS} == {
            k: v for k, v in new_after.items() if k != "holder_data_changed"
        }
        if old.action == "card.register" and old_after.get("birth_year"):
            registrations += 1
            assert {"birth_year", "postcode"} <= set(new_after["holder_data_changed"])
    return registrations > 0


def revision(url: str) -> str | None:
    engine = create_engine(url)
    with engine.connect() as connection:
        current = database.current_revision(connection)
    engine.dispose()
    return current


def newest() -> str:
    app = create_app(config("sqlite://"))
    with app.app_context():
        return database.newest_revision()


def refuses_to_change_audit_entries(url: str) -> bool:
    """The database's own triggers keep the audit trail append-only."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_entry (at, actor, action, target) "
                "VALUES (CURRENT_TIMESTAMP, 'command line', 'test', 'the trail')"
            )
        )
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE audit_entry SET actor = 'someone else'"))
    except Exception as error:
        return "append-only" in str(error)
    finally:
        engine.dispose()
    return False


class TestUpgradeInPlace:
    def test_a_registry_of_88b0852_upgrades_with_every_row_kept(self, blank):
        load_release_88b0852(blank)
        before = rows(blank)
        assert len(before["use"]) == 3000 and len(before["card"]) > 400
        assert revision(blank) is None

        result = flask(blank, "db", "upgrade")

        assert result.exit_code == 0, result.output
        assert revision(blank) == newest()
        derived = {}
        for table, column in DERIVED:
            derived.setdefault(table, set()).add(column)
        new_or_rewritten = {
            table: REWRITTEN.get(table, set())
            | NEW_COLUMNS.get(table, set())
            | derived.get(table, set())
            for table in {*REWRITTEN, *NEW_COLUMNS, *derived}
        }
        after = rows(blank, leave_out=new_or_rewritten)
        engine = create_engine(blank)
        with engine.connect() as connection:
            for table, columns in NEW_COLUMNS.items():
                for column in columns:
                    filled = f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NOT NULL'
                    assert connection.execute(text(filled)).scalar() == 0
            for (table, column), rule in DERIVED.items():
                differ = f'SELECT count(*) FROM "{table}" WHERE "{column}" IS DISTINCT FROM {rule}'
                if engine.dialect.name == "sqlite":
                    differ = differ.replace("IS DISTINCT FROM", "IS NOT")
                assert connection.execute(text(differ)).scalar() == 0
            courses = "SELECT count(*) FROM \"use\" WHERE kind = 'course_place'"
            assert connection.execute(text(courses)).scalar() > 0  # the fixture has some
            month = MONTH[engine.dialect.name]
            for table, rule in DERIVED_TABLES.items():
                expected = connection.execute(text(rule.format(month=month))).all()
                assert after[table] == expected and len(expected) > 10
        engine.dispose()
        assert {table: after[table] for table in ADDED} == {table: [] for table in ADDED}
        kept = rows_of(before, leave_out=REWRITTEN["audit_entry"], table="audit_entry")
        new_tables = {*ADDED, *DERIVED_TABLES}
        assert {table: found for table, found in after.items() if table not in new_tables} == {
            **before,
            "audit_entry": kept,
        }
        assert audit_holds_no_holder_data(before["audit_entry"], rows(blank)["audit_entry"])
        assert flask(blank, "db", "check").exit_code == 0
        assert refuses_to_change_audit_entries(blank)

    def test_init_db_adopts_it_too_and_then_the_registry_works(self, blank):
        load_release_88b0852(blank)
        assert flask(blank, "init-db").exit_code == 0
        assert revision(blank) == newest()
        engine = create_engine(blank)
        with engine.connect() as connection:
            number, uses = connection.execute(
                text(
                    "SELECT card.number, count(*) FROM card JOIN use ON use.card_id = card.id "
                    "WHERE use.voided_at IS NULL GROUP BY card.number ORDER BY 2 DESC, 1 LIMIT 1"
                )
            ).one()
        engine.dispose()
        shown = flask(blank, "cards", "show", number)
        assert shown.exit_code == 0 and f"uses:         {uses}" in shown.output, shown.output
        monthly = rows(blank)["monthly_uses"]
        assert flask(blank, "recount-statistics").exit_code == 0
        assert rows(blank)["monthly_uses"] == monthly

    def test_an_unversioned_database_of_another_shape_is_refused_and_left_alone(self, blank):
        load_release_88b0852(blank)
        engine = create_engine(blank)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))
            connection.execute(text("DROP INDEX ix_use_holder"))
        engine.dispose()
        before = rows(blank)

        result = flask(blank, "init-db")

        assert result.exit_code == 1
        assert "unexpected table notes" in result.output
        assert "use: missing index ix_use_holder" in result.output
        assert rows(blank) == before and revision(blank) is None

    def test_uses_take_their_cards_home_municipality(self, blank):
        """0012 copies each card's municipality onto its uses (the fixture's cards have
        none: municipalities came in 0006)."""
        load_release_88b0852(blank)
        assert flask(blank, "db", "upgrade", "0011").exit_code == 0
        engine = create_engine(blank)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO municipality (code, name_fi, name_sv) "
                    "VALUES ('837', 'Tampere', 'Tammerfors')"
                )
            )
            connection.execute(text("UPDATE card SET municipality_code = '837' WHERE id % 2 = 0"))
        assert flask(blank, "db", "upgrade").exit_code == 0
        with engine.connect() as connection:
            by_card = connection.execute(
                text(
                    "SELECT card.id % 2, use.home_municipality_code, count(*) FROM use "
                    "JOIN card ON card.id = use.card_id GROUP BY 1, 2 ORDER BY 1"
                )
            ).all()
        engine.dispose()
        assert [(even, code) for even, code, _ in by_card] == [(0, "837"), (1, None)]
        assert sum(count for *_, count in by_card) == 3000


class TestFromEmpty:
    def test_upgrade_gives_exactly_the_models(self, blank):
        result = flask(blank, "init-db")
        assert result.exit_code == 0, result.output
        assert f"revision {newest()}" in result.output
        check = flask(blank, "db", "check")
        assert check.exit_code == 0, check.output
        assert refuses_to_change_audit_entries(blank)

    def test_the_newest_revision_downgrades_and_upgrades_again(self, blank):
        assert flask(blank, "init-db").exit_code == 0
        down = flask(blank, "db", "downgrade")
        assert down.exit_code == 0, down.output
        assert revision(blank) != newest()
        assert flask(blank, "db", "upgrade").exit_code == 0
        assert revision(blank) == newest()
        assert flask(blank, "db", "check").exit_code == 0


def test_the_test_databases_are_migrated_too(app):
    with app.app_context():
        with db.engine.connect() as connection:
            assert database.current_revision(connection) == database.newest_revision()


def test_init_db_refuses_a_database_of_a_newer_release(blank):
    assert flask(blank, "init-db").exit_code == 0
    engine = create_engine(blank)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    engine.dispose()
    result = flask(blank, "init-db")
    assert result.exit_code == 1 and "f00d" in result.output
    assert "Traceback" not in result.output
