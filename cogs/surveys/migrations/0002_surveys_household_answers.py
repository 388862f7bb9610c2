"""surveys: a household answers once (the latest answer from a home counts)

A named answer names the household it counts for (existing answers: the person's own);
an open anonymous survey keeps which count each household's answer is in, under a one-way
code keyed by the survey's secret.

Revision ID: 0002_surveys
Revises: 0001_surveys
Create Date: 2026-12-01 16:50:30
"""
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002_surveys'
down_revision: str | None = '0001_surveys'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'survey_household_choices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('household_code', sa.String(length=64), nullable=False),
        sa.Column('counted', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'],
                                name=op.f('fk_survey_household_choices_survey_id_surveys'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_household_choices')),
        sa.UniqueConstraint('survey_id', 'household_code',
                            name=op.f('uq_survey_household_choices_survey_id_household_code')),
    )
    with op.batch_alter_table('survey_household_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_household_choices_survey_id'), ['survey_id'], unique=False)

    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('household', sa.String(length=64), server_default='', nullable=False))
    op.execute("UPDATE survey_answers SET household = 'member:' || CAST(member_id AS VARCHAR)")
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.alter_column('household', existing_type=sa.String(length=64), server_default=None)
        batch_op.drop_constraint(batch_op.f('uq_survey_answers_survey_id_member_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_survey_answers_survey_id_household'),
                                          ['survey_id', 'household'])

    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret', sa.String(length=64), server_default='', nullable=False))
    # each survey already there gets a key of its own for its household codes
    connection = op.get_bind()
    for (survey_id,) in connection.execute(sa.text("SELECT id FROM surveys")).all():
        connection.execute(sa.text("UPDATE surveys SET secret = :secret WHERE id = :id"),
                           {"secret": secrets.token_hex(32), "id": survey_id})


def downgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('secret')

    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_survey_answers_survey_id_household'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_survey_answers_survey_id_member_id'),
                                          ['survey_id', 'member_id'])
        batch_op.drop_column('household')

    with op.batch_alter_table('survey_household_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_household_choices_survey_id'))

    op.drop_table('survey_household_choices')
