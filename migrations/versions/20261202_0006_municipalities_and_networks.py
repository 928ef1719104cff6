"""Municipalities, the networks they joined, and the municipality of sites and holders.

Existing cards and sites get none: a national admin gives sites theirs, then
`flask cards fill-municipalities` gives each card its issuing site's.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 17:28:21.074370
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "municipality",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name_fi", sa.String(length=80), nullable=False),
        sa.Column("name_sv", sa.String(length=80), nullable=False),
        sa.Column("wellbeing_area_fi", sa.String(length=120), nullable=True),
        sa.Column("wellbeing_area_sv", sa.String(length=120), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.CheckConstraint("(area_id IS NULL) = (joined_on IS NULL)", name="ck_network_joined"),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_municipality_area_id"), ["area_id"], unique=False)

    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.add_column(sa.Column("municipality_code", sa.String(length=3), nullable=True))
        batch_op.drop_index(batch_op.f("ix_card_registrations"))
        batch_op.create_index(
            "ix_card_registrations",
            [
                "registered_at",
                "first_card_id",
                "home_area_id",
                "issuing_site_id",
                "first_used_at",
                "municipality_code",
            ],
            unique=False,
        )
        batch_op.create_foreign_key(
            "fk_card_municipality", "municipality", ["municipality_code"], ["code"]
        )

    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("municipality_code", sa.String(length=3), nullable=True))
        batch_op.create_foreign_key(
            "fk_site_municipality", "municipality", ["municipality_code"], ["code"]
        )


def downgrade():
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_constraint("fk_site_municipality", type_="foreignkey")
        batch_op.drop_column("municipality_code")

    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_constraint("fk_card_municipality", type_="foreignkey")
        batch_op.drop_index("ix_card_registrations")
        batch_op.create_index(
            batch_op.f("ix_card_registrations"),
            ["registered_at", "first_card_id", "home_area_id", "issuing_site_id", "first_used_at"],
            unique=False,
        )
        batch_op.drop_column("municipality_code")

    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipality_area_id"))

    op.drop_table("municipality")
