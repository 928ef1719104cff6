"""Staff sessions kept on the server: logout, idle time, a new password and a closed account
end them there. They replace the user's session stamp, which could only end all at once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 11:10:40.552464
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_session_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_stamp")


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        # Sessions of the newer release mean nothing to the older one: all end.
        batch_op.add_column(
            sa.Column(
                "session_stamp",
                sa.String(length=32),
                nullable=False,
                server_default="downgraded",
            )
        )

    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_session_user_id"))

    op.drop_table("staff_session")
