"""The database as a whole: its revision, upgrades, the shape a registry made before
migrations must have to be adopted, and backups."""

import os
import sqlite3
from functools import cache

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect

from .extensions import db

PG_DUMP = 'pg_dump --format=custom --file=FILE "$DATABASE_URL"'


class BackupRefused(RuntimeError):
    """No backup was written; the message says why and what to do instead."""


class SchemaMismatch(RuntimeError):
    """The database holds tables that no Kaiku revision made; nothing was changed.
    (A RuntimeError, so that `flask db upgrade` prints it as a one-line error.)"""


def _alembic_config():
    return current_app.extensions["migrate"].migrate.get_config()


def upgrade(revision: str = "head") -> None:
    """Bring the database to ``revision``: an empty one, an older one, and one made by
    create_all before migrations existed (the baseline revision adopts it)."""
    command.upgrade(_alembic_config(), revision)


def downgrade(revision: str) -> None:
    command.downgrade(_alembic_config(), revision)


def newest_revision() -> str:
    """The head revision of migrations/ (read once: it changes only with a new release)."""
    return _revisions(current_app.extensions["migrate"].directory)[0]


def knows_revision(revision: str) -> bool:
    """Whether this code has ``revision`` (a database upgraded by a newer release has not)."""
    return revision in _revisions(current_app.extensions["migrate"].directory)


@cache
def _revisions(directory: str) -> tuple[str, ...]:
    """Every revision id, newest first."""
    script = ScriptDirectory.from_config(_alembic_config())
    return tuple(step.revision for step in script.walk_revisions())


def current_revision(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def shape(connection) -> dict[str, dict]:
    """What two databases of the same schema share on SQLite and PostgreSQL alike:
    tables, columns (kind of type, nullable), indexes and unique constraints."""
    inspector = inspect(connection)
    tables = {}
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        tables[table] = {
            "columns": {
                column["name"]: (column["type"]._type_affinity.__name__, column["nullable"])
                for column in inspector.get_columns(table)
            },
            "indexes": {
                index["name"]: (tuple(index["column_names"]), bool(index["unique"]))
                for index in inspector.get_indexes(table)
                if not index.get("duplicates_constraint")  # PostgreSQL's, of a unique constraint
            },
            "unique": sorted(
                tuple(unique["column_names"]) for unique in inspector.get_unique_constraints(table)
            ),
        }
    return tables


def differences(found: dict, expected: dict) -> list[str]:
    """How the shape ``found`` differs from ``expected``, one line a difference."""
    lines = [f"unexpected table {name}" for name in sorted(found.keys() - expected.keys())]
    lines += [f"missing table {name}" for name in sorted(expected.keys() - found.keys())]
    for table in sorted(found.keys() & expected.keys()):
        for part, word in (("columns", "column"), ("indexes", "index")):
            have, want = found[table][part], expected[table][part]
            lines += [
                f"{table}: unexpected {word} {name}" for name in sorted(have.keys() - want.keys())
            ]
            lines += [
                f"{table}: missing {word} {name}" for name in sorted(want.keys() - have.keys())
            ]
            lines += [
                f"{table}.{name}: {have[name]} instead of {want[name]}"
                for name in sorted(have.keys() & want.keys())
                if have[name] != want[name]
            ]
        if found[table]["unique"] != expected[table]["unique"]:
            lines.append(
                f"{table}: unique {found[table]['unique']} instead of {expected[table]['unique']}"
            )
    return lines


def engine_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def backup(path: str) -> dict[str, object]:
    """Copy a SQLite registry to ``path`` while desks keep recording.

    SQLite's online backup API copies every page in one step inside one read
    transaction: a consistent snapshot of all that was committed when it began, and
    in WAL mode writers go on meanwhile. The copy is written beside ``path``, checked,
    and only then renamed, so ``path`` is never half a backup; only its owner may read it.
    """
    if db.engine.dialect.name != "sqlite":
        raise BackupRefused(f"This registry is on PostgreSQL: back it up with {PG_DUMP}")
    if os.path.exists(path):
        raise BackupRefused(f"{path} exists already: give each backup a new name.")
    partial = f"{path}.partial"
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    source = db.engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        try:
            source.driver_connection.backup(target)
            summary = _summary(target)
        finally:
            target.close()
    except BaseException:
        os.remove(partial)
        raise
    finally:
        source.close()
    os.replace(partial, path)
    return summary


def _summary(connection: sqlite3.Connection) -> dict[str, object]:
    """What a backup holds, after SQLite has checked every page of it."""
    [(integrity,)] = connection.execute("PRAGMA integrity_check").fetchall()
    if integrity != "ok":
        raise BackupRefused(f"The copy failed SQLite's integrity check: {integrity}")
    [(revision,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    counts = {
        table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for table in ("card", "use")
    }
    return {"revision": revision, "cards": counts["card"], "uses": counts["use"]}
