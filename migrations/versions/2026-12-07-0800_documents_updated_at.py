"""documents updated_at index: the sync's first question

Revision ID: 0009_documents_updated_at
Revises: 0008_sync_removals
Create Date: 2026-12-07 08:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0009_documents_updated_at'
down_revision: str | None = '0008_sync_removals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_updated_at', ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_updated_at')
