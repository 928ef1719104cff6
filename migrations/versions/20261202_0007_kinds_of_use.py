"""Kinds of use (a ticket, a course place, a season pass) apart from the category; a
venue's default kind and the other categories its desk may pick.

Existing uses become tickets, or course places where the category is education and no
children came (the rule until now: education gave the holder alone); venues of education
give course places by default.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 17:44:32.594303
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KINDS = "('ticket', 'course_place', 'season_pass')"


def upgrade():
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offers", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("default_use", sa.String(length=12), nullable=True))
        batch_op.create_check_constraint(
            "ck_default_use", f"default_use IS NULL OR default_use IN {KINDS}"
        )
    op.execute(
        "UPDATE site SET default_use = 'course_place' "
        "WHERE kind = 'venue' AND category = 'education'"
    )
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), nullable=False, server_default="ticket")
        )
        batch_op.create_check_constraint("ck_kind", f"kind IN {KINDS}")
    op.execute(
        "UPDATE \"use\" SET kind = 'course_place' WHERE category = 'education' AND children = 0"
    )


def downgrade():
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.drop_constraint("ck_kind", type_="check")
        batch_op.drop_column("kind")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_constraint("ck_default_use", type_="check")
        batch_op.drop_column("default_use")
        batch_op.drop_column("offers")
