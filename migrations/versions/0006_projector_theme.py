"""The projector's theme: dark (default) or light, for bright rooms.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("projector_theme", sa.String(length=10), server_default="dark", nullable=False))


def downgrade():
    with op.batch_alter_table("event") as batch:
        batch.drop_column("projector_theme")
