"""attendee browser_key

Attendees are made on a browser's first action, not its first page view: the key (an
HMAC of the browser's random id) lets its first taps, sent at once, find one row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser_key', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_attendee_event_id_browser_key'), ['event_id', 'browser_key'])


def downgrade():
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attendee_event_id_browser_key'), type_='unique')
        batch_op.drop_column('browser_key')
