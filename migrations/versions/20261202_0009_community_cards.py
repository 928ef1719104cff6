"""Community cards: the organisation that holds one and how many clients under 16 may come
along; each use's own count of clients (not children).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 18:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("client_cap", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "ck_client_cap", "client_cap IS NULL OR client_cap BETWEEN 1 AND 30"
        )
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clients", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_check_constraint("ck_use_clients", "clients BETWEEN 0 AND 30")


def downgrade():
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.drop_constraint("ck_use_clients", type_="check")
        batch_op.drop_column("clients")
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_constraint("ck_client_cap", type_="check")
        batch_op.drop_column("client_cap")
        batch_op.drop_column("organisation")
