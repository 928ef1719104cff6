"""Municipalities' coordinators: a staff role that reads the figures of one municipality
(its residents' cards and uses, and the uses at its venues).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column(
            "role", existing_type=sa.String(length=10), type_=sa.String(length=12)
        )
        batch_op.add_column(sa.Column("municipality_code", sa.String(length=3), nullable=True))
        batch_op.create_foreign_key(
            "fk_user_municipality_code_municipality",
            "municipality",
            ["municipality_code"],
            ["code"],
        )
        batch_op.drop_constraint("ck_role", type_="check")
        batch_op.drop_constraint("ck_user_site", type_="check")
        batch_op.create_check_constraint(
            "ck_role", "role IN ('admin', 'issuer', 'venue', 'municipality')"
        )
        batch_op.create_check_constraint(
            "ck_user_site", "role IN ('admin', 'municipality') OR site_id IS NOT NULL"
        )
        batch_op.create_check_constraint(
            "ck_user_municipality", "(role = 'municipality') = (municipality_code IS NOT NULL)"
        )


def downgrade():
    coordinators = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM \"user\" WHERE role = 'municipality'")
    )
    if coordinators:  # no earlier role may stand in for theirs
        raise RuntimeError(
            f"{coordinators} municipality coordinators' accounts exist: the earlier release "
            "has no such role, so this revision cannot be undone while they exist."
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint("ck_user_municipality", type_="check")
        batch_op.drop_constraint("ck_user_site", type_="check")
        batch_op.drop_constraint("ck_role", type_="check")
        batch_op.create_check_constraint("ck_role", "role IN ('admin', 'issuer', 'venue')")
        batch_op.create_check_constraint("ck_user_site", "role = 'admin' OR site_id IS NOT NULL")
        batch_op.drop_constraint("fk_user_municipality_code_municipality", type_="foreignkey")
        batch_op.drop_column("municipality_code")
        batch_op.alter_column(
            "role", existing_type=sa.String(length=12), type_=sa.String(length=10)
        )
