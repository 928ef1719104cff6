"""Imported cards: the old registry's cards keep their IDs (card.number widens to hold
them, card.legacy_id keeps the ID as printed), what each card's last import set, and the
column and status mappings admins save for another registry's export, and files uploaded
to import, kept between their preview and the import.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("statuses", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "import_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("mapping_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["mapping_id"], ["import_mapping.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legacy_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("imported_as", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_card_legacy_id"), ["legacy_id"], unique=False)
        batch_op.alter_column(
            "number",
            existing_type=sa.VARCHAR(length=9),
            type_=sa.String(length=20),
            existing_nullable=False,
        )


def downgrade():
    # (On PostgreSQL this refuses while an imported ID longer than 9 characters is kept.)
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.alter_column(
            "number",
            existing_type=sa.String(length=20),
            type_=sa.VARCHAR(length=9),
            existing_nullable=False,
        )
        batch_op.drop_index(batch_op.f("ix_card_legacy_id"))
        batch_op.drop_column("imported_as")
        batch_op.drop_column("legacy_id")
    op.drop_table("import_upload")
    op.drop_table("import_mapping")
