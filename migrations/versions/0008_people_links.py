"""people: profile links on tips cards

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('card_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['tip_card.id'], name=op.f('fk_card_link_card_id_tip_card'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_link'))
    )
    with op.batch_alter_table('card_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_link_card_id'), ['card_id'], unique=False)


def downgrade():
    with op.batch_alter_table('card_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_link_card_id'))

    op.drop_table('card_link')
