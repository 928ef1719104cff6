"""The wellbeing questions: versions of questions and their fixed answers, each card
period's invitation to answer them, and the answers (a first registration's naming its
holder, a renewal's carrying that first answer instead).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 03:43:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "wellbeing_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "retired_at IS NULL OR published_at IS NOT NULL", name="ck_retired_after_use"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )
    op.create_table(
        "wellbeing_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text_fi", sa.String(length=300), nullable=False),
        sa.Column("text_sv", sa.String(length=300), nullable=False),
        sa.Column("text_en", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["wellbeing_set.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("wellbeing_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wellbeing_question_set_id"), ["set_id"], unique=False)

    op.create_table(
        "wellbeing_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text_fi", sa.String(length=120), nullable=False),
        sa.Column("text_sv", sa.String(length=120), nullable=False),
        sa.Column("text_en", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["wellbeing_question.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("wellbeing_option", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wellbeing_option_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "wellbeing_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.String(length=12), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.Column("baseline_option_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "occasion = 'registration' OR holder_id IS NULL", name="ck_holder_at_registration"
        ),
        sa.CheckConstraint(
            "occasion = 'renewal' OR baseline_option_id IS NULL", name="ck_baseline_at_renewal"
        ),
        sa.CheckConstraint("occasion IN ('registration', 'renewal')", name="ck_occasion"),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
        ),
        sa.ForeignKeyConstraint(
            ["baseline_option_id"],
            ["wellbeing_option.id"],
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["card.id"],
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["wellbeing_option.id"],
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["wellbeing_question.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("wellbeing_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wellbeing_answer_holder_id"), ["holder_id"], unique=False
        )
        batch_op.create_index(
            "ix_wellbeing_answer_report",
            [
                "answered_on",
                "area_id",
                "question_id",
                "occasion",
                "option_id",
                "baseline_option_id",
            ],
            unique=False,
        )

    op.create_table(
        "wellbeing_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.String(length=12), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("link_hash", sa.String(length=64), nullable=True),
        sa.CheckConstraint("occasion IN ('registration', 'renewal')", name="ck_occasion"),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["card.id"],
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["card_period.id"],
        ),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["wellbeing_set.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_hash"),
        sa.UniqueConstraint("period_id"),
    )
    with op.batch_alter_table("wellbeing_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wellbeing_invitation_card_id"), ["card_id"], unique=False
        )


def downgrade():
    for table in (
        "wellbeing_invitation",
        "wellbeing_answer",
        "wellbeing_option",
        "wellbeing_question",
        "wellbeing_set",
    ):
        op.drop_table(table)  # (and its indexes)
