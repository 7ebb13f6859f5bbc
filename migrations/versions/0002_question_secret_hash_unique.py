"""question secret_hash unique

An ask form re-sent with the same nonce derives the same secret, so the unique
hash makes a concurrent re-send fail over to the question stored first.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 23:12:46.837269

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_question_secret_hash'), ['secret_hash'])


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_question_secret_hash'), type_='unique')
