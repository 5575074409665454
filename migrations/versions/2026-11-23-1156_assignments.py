"""assignments

Revision ID: 0004_assignments
Revises: 0002
Create Date: 2026-11-23 11:56:04.634957
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
import api.db

revision: str = '0004_assignments'
down_revision: str | None = '0003_documents'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('assignment_series',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('cell_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('frequency', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('anchor_due_at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('all_members', sa.Boolean(), nullable=False),
    sa.Column('assignee_ids', sa.JSON(), nullable=False),
    sa.Column('document_ids', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('next_run_at', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cell_id'], ['org_units.id'], name=op.f('fk_assignment_series_cell_id_org_units')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_assignment_series_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_series'))
    )

    with op.batch_alter_table('assignment_series', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_series_active_next_run_at', ['active', 'next_run_at'], unique=False)
        batch_op.create_index('ix_assignment_series_cell_id', ['cell_id'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('cell_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('due_at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('series_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('period_key', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.ForeignKeyConstraint(['cell_id'], ['org_units.id'], name=op.f('fk_assignments_cell_id_org_units')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_assignments_created_by_users')),
    sa.ForeignKeyConstraint(['series_id'], ['assignment_series.id'], name=op.f('fk_assignments_series_id_assignment_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('series_id', 'period_key', name=op.f('uq_assignments_series_id_period_key'))
    )

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_cell_id_due_at', ['cell_id', 'due_at'], unique=False)
        batch_op.create_index('ix_assignments_due_at', ['due_at'], unique=False)

    op.create_table('assignment_documents',
    sa.Column('assignment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_documents_assignment_id_assignments')),
    sa.PrimaryKeyConstraint('assignment_id', 'document_id', name=op.f('pk_assignment_documents'))
    )

    with op.batch_alter_table('assignment_documents', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_documents_document_id', ['document_id'], unique=False)

    op.create_table('assignment_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('assignment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('assignee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('report', sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
    sa.Column('attachment_ids', sa.JSON(), nullable=False),
    sa.Column('return_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('review_note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('created_at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('returned_at', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_at', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_soon_sent_for', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('overdue_sent_for', api.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_assignment_records_assignee_id_users')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_records_assignment_id_assignments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_records')),
    sa.UniqueConstraint('assignment_id', 'assignee_id', name=op.f('uq_assignment_records_assignment_id_assignee_id'))
    )

    with op.batch_alter_table('assignment_records', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_records_assignee_id_state', ['assignee_id', 'state'], unique=False)

    op.create_table('assignment_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('assignment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_assignment_events_actor_id_users')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_events_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['record_id'], ['assignment_records.id'], name=op.f('fk_assignment_events_record_id_assignment_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_events'))
    )

    with op.batch_alter_table('assignment_events', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_events_assignment_id_id', ['assignment_id', 'id'], unique=False)
        batch_op.create_index('ix_assignment_events_record_id_id', ['record_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assignment_events', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_events_record_id_id')
        batch_op.drop_index('ix_assignment_events_assignment_id_id')

    op.drop_table('assignment_events')

    with op.batch_alter_table('assignment_records', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_records_assignee_id_state')

    op.drop_table('assignment_records')

    with op.batch_alter_table('assignment_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_documents_document_id')

    op.drop_table('assignment_documents')

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_due_at')
        batch_op.drop_index('ix_assignments_cell_id_due_at')

    op.drop_table('assignments')

    with op.batch_alter_table('assignment_series', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_series_cell_id')
        batch_op.drop_index('ix_assignment_series_active_next_run_at')

    op.drop_table('assignment_series')
