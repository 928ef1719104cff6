"""Offline desks: the desk device that recorded a use and when the server received it
(a use kept on a phone without network arrives later, with the time the phone reports as
``recorded_at``), and how many free tickets of an event one device may give offline.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offline_quota", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "ck_offline_quota", "offline_quota IS NULL OR offline_quota >= 0"
        )


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint("ck_offline_quota", type_="check")
        batch_op.drop_column("offline_quota")
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.drop_column("received_at")
        batch_op.drop_column("device_id")
