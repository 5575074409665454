"""sync removals

Revision ID: 0008_sync_removals
Revises: 0007_meetings
Create Date: 2026-12-07 00:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db

revision: str = '0008_sync_removals'
down_revision: str | None = '0007_meetings'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sync_removals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('object_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_paths', sa.JSON(), nullable=False),
    sa.Column('removed_at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_removals'))
    )
    with op.batch_alter_table('sync_removals', schema=None) as batch_op:
        batch_op.create_index('ix_sync_removals_removed_at', ['removed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_removals', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_removals_removed_at')
    op.drop_table('sync_removals')
