"""The audit trail keeps no holder data, and a retention rule: entries record which of a
holder's fields changed, not their values (the values already stored are removed here),
and may be deleted once a year old, which the triggers now allow and nothing else.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 11:45:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

HOLDER_FIELDS = ("birth_year", "postcode", "gender", "life_situation")
HOLDER_DATA_CHANGED = "holder_data_changed"
FLOOR_DAYS = 365  # app/core/audit.py: RETENTION_FLOOR

_REFUSE = "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
_NO_UPDATE = f"CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry {_REFUSE}"
_NO_DELETE = "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry"
_PG_TRIGGER = (
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
)


def _pg_function(allowed: str) -> str:
    return (
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN {allowed} RAISE EXCEPTION 'audit entries are append-only'; END $$"
    )


_TRIGGERS = {
    "sqlite": {
        "drop": [
            "DROP TRIGGER IF EXISTS audit_entry_no_update",
            "DROP TRIGGER IF EXISTS audit_entry_no_delete",
        ],
        "strict": [_NO_UPDATE, f"{_NO_DELETE} {_REFUSE}"],
        "retention": [
            _NO_UPDATE,
            f"{_NO_DELETE} WHEN OLD.at >= datetime('now', '-{FLOOR_DAYS} days') {_REFUSE}",
        ],
    },
    "postgresql": {
        "drop": ["DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry"],
        "strict": [_pg_function(""), _PG_TRIGGER],
        "retention": [
            _pg_function(
                "IF TG_OP = 'DELETE' AND OLD.at < (now() AT TIME ZONE 'UTC') "
                f"- interval '{FLOOR_DAYS} days' THEN RETURN OLD; END IF;"
            ),
            _PG_TRIGGER,
        ],
    },
}


def _triggers(step: str) -> None:
    for statement in _TRIGGERS.get(op.get_bind().dialect.name, {}).get(step, []):
        op.execute(statement)


def _without_holder_data(before, after):
    """(before, after) as JSON again, with which holder fields changed instead of values."""
    old, new = json.loads(before) if before else None, json.loads(after) if after else None
    changed = [
        name
        for name in HOLDER_FIELDS
        if new is not None and name in new and (old or {}).get(name) != new[name]
    ]
    for values in (old, new):
        for name in HOLDER_FIELDS:
            (values or {}).pop(name, None)
    if changed:
        new[HOLDER_DATA_CHANGED] = changed
    dump = lambda values: None if values is None else json.dumps(values, ensure_ascii=False)  # noqa: E731
    return dump(old), dump(new)


def upgrade():
    connection = op.get_bind()
    entries = sa.table("audit_entry", sa.column("id"), sa.column("before"), sa.column("after"))
    _triggers("drop")
    found = connection.execute(
        sa.select(entries.c.id, entries.c.before, entries.c.after).where(
            sa.or_(*(entries.c.after.contains(f'"{name}"') for name in HOLDER_FIELDS))
        )
    ).all()
    for entry_id, before, after in found:
        before, after = _without_holder_data(before, after)
        connection.execute(
            entries.update().where(entries.c.id == entry_id).values(before=before, after=after)
        )
    _triggers("retention")


def downgrade():
    # The values removed are gone for good: only the triggers go back.
    _triggers("drop")
    _triggers("strict")
