"""Baseline: the schema of 88b0852, the last release made with create_all.

Revision ID: 0001
Revises:
Create Date: 2026-12-02

A database of that release has no version table: this revision recognises its
tables (the same shape as a fresh build of this revision) and adopts them as they
are, rows and all; any other shape is refused with what differs, and nothing changes.
"""

import sqlalchemy as sa
from alembic import op
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from app.database import SchemaMismatch, differences, shape

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The database itself refuses to change or delete an audit entry.
_APPEND_ONLY = {
    "sqlite": {
        "create": [
            f"CREATE TRIGGER IF NOT EXISTS audit_entry_no_{verb} BEFORE {verb.upper()} "
            "ON audit_entry BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
            for verb in ("update", "delete")
        ],
        "drop": [
            "DROP TRIGGER IF EXISTS audit_entry_no_update",
            "DROP TRIGGER IF EXISTS audit_entry_no_delete",
        ],
    },
    "postgresql": {
        "create": [
            "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; "
            "END $$",
            "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        ],
        "drop": [
            "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
            "DROP FUNCTION IF EXISTS audit_entry_append_only()",
        ],
    },
}


def upgrade():
    connection = op.get_bind()
    if set(sa.inspect(connection).get_table_names()) - {"alembic_version"}:
        _adopt(connection)
    else:
        _create(op)
    _guard(op, "create")


def _guard(op, step: str) -> None:
    for statement in _APPEND_ONLY.get(op.get_bind().dialect.name, {}).get(step, []):
        op.execute(statement)


def _adopt(connection) -> None:
    """Keep a registry made by 88b0852 as it is, if it has exactly this revision's shape."""
    fresh = sa.create_engine("sqlite://")
    with fresh.connect() as scratch:
        _create(Operations(MigrationContext.configure(scratch)))
        expected = shape(scratch)
    fresh.dispose()
    found = differences(shape(connection), expected)
    if found:
        raise SchemaMismatch(
            "This database has no Kaiku version and is not a Kaiku 88b0852 registry, "
            "so it was left as it is. It differs in: " + "; ".join(found)
        )


def _create(op) -> None:
    """The tables, indexes and constraints of 88b0852, as its create_all made them."""
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "category IS NULL OR category IN ('culture', 'education', 'science', 'sport')",
            name="ck_category",
        ),
        sa.CheckConstraint("kind = 'issuer' OR category IS NOT NULL", name="ck_venue_category"),
        sa.CheckConstraint("kind IN ('issuer', 'venue')", name="ck_kind"),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_table(
        "batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=True),
        sa.CheckConstraint("quota IS NULL OR quota >= 0", name="ck_quota"),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "monthly_uses",
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("home_area_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_area_id"],
            ["area.id"],
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("venue_id", "category", "home_area_id", "month"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("session_stamp", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("role = 'admin' OR area_id IS NULL", name="ck_user_area"),
        sa.CheckConstraint("role = 'admin' OR site_id IS NOT NULL", name="ck_user_site"),
        sa.CheckConstraint("role IN ('admin', 'issuer', 'venue')", name="ck_role"),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_entry_action", "audit_entry", ["action"], unique=False)
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"], unique=False)
    op.create_index("ix_audit_entry_target", "audit_entry", ["target"], unique=False)

    op.create_table(
        "card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=9), nullable=False),
        sa.Column("home_area_id", sa.Integer(), nullable=False),
        sa.Column("issuing_site_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("postcode", sa.String(length=5), nullable=True),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=True),
        sa.Column("life_situation", sa.String(length=12), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("first_card_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=True),
        sa.Column("first_used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "gender IS NULL OR gender IN ('female', 'male', 'other')", name="ck_gender"
        ),
        sa.CheckConstraint("kind IN ('personal', 'community')", name="ck_kind"),
        sa.CheckConstraint(
            "life_situation IS NULL OR life_situation IN "
            "('employed', 'unemployed', 'student', 'retired', 'disability', 'other')",
            name="ck_life_situation",
        ),
        sa.CheckConstraint(
            "status = 'unregistered' OR (valid_from IS NOT NULL AND valid_until IS NOT NULL)",
            name="ck_registered_validity",
        ),
        sa.CheckConstraint(
            "status IN ('unregistered', 'active', 'blocked', 'replaced')", name="ck_status"
        ),
        sa.CheckConstraint("children BETWEEN 0 AND 9", name="ck_children"),
        sa.CheckConstraint("generation >= 1", name="ck_generation"),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["first_card_id"],
            ["card.id"],
        ),
        sa.ForeignKeyConstraint(
            ["home_area_id"],
            ["area.id"],
        ),
        sa.ForeignKeyConstraint(
            ["issuing_site_id"],
            ["site.id"],
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["card.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_index("ix_card_batch_id", "card", ["batch_id"], unique=False)
    op.create_index(
        "ix_card_registrations",
        "card",
        ["registered_at", "first_card_id", "home_area_id", "issuing_site_id", "first_used_at"],
        unique=False,
    )

    op.create_table(
        "use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("home_area_id", sa.Integer(), nullable=False),
        sa.Column("issuing_site_id", sa.Integer(), nullable=False),
        sa.Column("first_card_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("assistant", sa.Integer(), nullable=False),
        sa.Column("typed", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_key_id", sa.Integer(), nullable=True),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "category IN ('culture', 'education', 'science', 'sport')", name="ck_category"
        ),
        sa.CheckConstraint("adults = 1", name="ck_adults"),
        sa.CheckConstraint("assistant IN (0, 1)", name="ck_assistant"),
        sa.CheckConstraint("children BETWEEN 0 AND 9", name="ck_use_children"),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["card.id"],
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
        ),
        sa.ForeignKeyConstraint(
            ["first_card_id"],
            ["card.id"],
        ),
        sa.ForeignKeyConstraint(
            ["home_area_id"],
            ["area.id"],
        ),
        sa.ForeignKeyConstraint(
            ["issuing_site_id"],
            ["site.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_key_id"],
            ["api_key.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nonce"),
    )
    op.create_index("ix_use_card_id", "use", ["card_id"], unique=False)
    op.create_index("ix_use_event_id", "use", ["event_id"], unique=False)
    op.create_index(
        "ix_use_holder",
        "use",
        ["first_card_id", "day"],
        unique=False,
        sqlite_where=sa.text("voided_at IS NULL"),
        postgresql_where=sa.text("voided_at IS NULL"),
    )
    op.create_index(
        "ix_use_places",
        "use",
        [
            "venue_id",
            "first_card_id",
            "day",
            "category",
            "home_area_id",
            "children",
            "issuing_site_id",
        ],
        unique=False,
        sqlite_where=sa.text("voided_at IS NULL"),
        postgresql_where=sa.text("voided_at IS NULL"),
    )
    op.create_index(
        "ix_use_stats",
        "use",
        [
            "day",
            "venue_id",
            "category",
            "home_area_id",
            "issuing_site_id",
            "first_card_id",
            "children",
        ],
        unique=False,
        sqlite_where=sa.text("voided_at IS NULL"),
        postgresql_where=sa.text("voided_at IS NULL"),
    )
    op.create_index(
        "uq_use_per_day",
        "use",
        ["card_id", "venue_id", "day"],
        unique=True,
        sqlite_where=sa.text("voided_at IS NULL AND event_id IS NULL"),
        postgresql_where=sa.text("voided_at IS NULL AND event_id IS NULL"),
    )
    op.create_index(
        "uq_use_per_event",
        "use",
        ["card_id", "venue_id", "event_id"],
        unique=True,
        sqlite_where=sa.text("voided_at IS NULL AND event_id IS NOT NULL"),
        postgresql_where=sa.text("voided_at IS NULL AND event_id IS NOT NULL"),
    )


def downgrade():
    _guard(op, "drop")
    op.drop_table("use")
    op.drop_table("card")
    op.drop_table("audit_entry")
    op.drop_table("user")
    op.drop_table("monthly_uses")
    op.drop_table("event")
    op.drop_table("batch")
    op.drop_table("api_key")
    op.drop_table("site")
    op.drop_table("area")
