"""dashboards: roll-ups of assignment records, receipts and members, kept by triggers

The dashboards read these tallies instead of scanning every record and receipt. Triggers on
the counted tables keep them exact in the writer's own transaction, whatever code writes;
the existing rows are counted once here. PostgreSQL takes row locks in a fixed order so that
concurrent writers cannot lose or double an update (see docs/decisions.md, Dashboards).

Revision ID: 0006_dashboards
Revises: 0005_notifications
Create Date: 2026-11-23 13:10:12.937834
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db

revision: str = '0006_dashboards'
down_revision: str | None = '0005_notifications'
branch_labels: str | Sequence[str] | None = None
# The tables counted here come from these branches.
depends_on: str | Sequence[str] | None = ('0003_documents', '0004_assignments')

STATES = ('assigned', 'in_progress', 'submitted', 'approved', 'returned', 'cancelled')


def _late(row: str, due: str) -> str:
    """1 when the record is approved with its report after the due time, else 0."""
    return (
        f"(CASE WHEN {row}.state = 'approved' AND {row}.submitted_at IS NOT NULL"
        f" AND {row}.submitted_at > {due} THEN 1 ELSE 0 END)"
    )


def _tally_update(row: str, sign: str) -> str:
    """UPDATE adding (sign '+') or removing ('-') one record's contribution to its tally."""
    states = ", ".join(
        f"{s} = t.{s} {sign} (CASE WHEN {row}.state = '{s}' THEN 1 ELSE 0 END)" for s in STATES
    )
    return (
        f"UPDATE assignment_tallies AS t SET records = t.records {sign} 1, {states}, "
        f"approved_late = t.approved_late {sign} {_late(row, 't.due_at')} "
        f"WHERE t.assignment_id = {row}.assignment_id"
    )


def _sqlite_tally_update(row: str, sign: str) -> str:
    # SQLite's UPDATE takes no alias: the table's own columns are named bare.
    return (
        _tally_update(row, sign)
        .replace("UPDATE assignment_tallies AS t", "UPDATE assignment_tallies")
        .replace("t.", "")
    )


BACKFILL = [
    """INSERT INTO assignment_tallies (assignment_id, cell_id, due_at, records, {states},
           approved_late)
       SELECT a.id, a.cell_id, a.due_at, count(r.id), {sums},
              sum(CASE WHEN r.state = 'approved' AND r.submitted_at > a.due_at THEN 1 ELSE 0 END)
       FROM assignments a LEFT JOIN assignment_records r ON r.assignment_id = a.id
       GROUP BY a.id, a.cell_id, a.due_at""".format(
        states=", ".join(STATES),
        sums=", ".join(f"sum(CASE WHEN r.state = '{s}' THEN 1 ELSE 0 END)" for s in STATES),
    ),
    """INSERT INTO cell_tallies (cell_id, active_members)
       SELECT cell_id, count(*) FROM users
       WHERE is_active = TRUE AND cell_id IS NOT NULL GROUP BY cell_id""",
    """INSERT INTO study_tallies (document_id, version, cell_id, read, acknowledged)
       SELECT r.document_id, r.version, u.cell_id, count(r.first_opened_at), count(r.acknowledged_at)
       FROM document_receipts r JOIN users u ON u.id = r.user_id
       WHERE u.is_active = TRUE AND u.cell_id IS NOT NULL
       GROUP BY r.document_id, r.version, u.cell_id""",
]

PG_FUNCTIONS = {
    # A new assignment starts with an empty tally.
    "dashboards_assignment_added": """
        BEGIN
          INSERT INTO assignment_tallies (assignment_id, cell_id, due_at, records, assigned,
              in_progress, submitted, approved, returned, cancelled, approved_late)
          VALUES (NEW.id, NEW.cell_id, NEW.due_at, 0, 0, 0, 0, 0, 0, 0, 0);
          RETURN NULL;
        END""",
    # A new due time changes which approvals were late: recount them. The records are locked
    # first (waiting for record changes in flight), then the tally; the recount is a new
    # statement, so its snapshot sees every change committed before the locks were granted,
    # and record changes that come later wait for this transaction and see the new due time.
    "dashboards_assignment_moved": """
        BEGIN
          PERFORM 1 FROM assignment_records WHERE assignment_id = NEW.id FOR SHARE;
          PERFORM 1 FROM assignment_tallies WHERE assignment_id = NEW.id FOR UPDATE;
          UPDATE assignment_tallies SET cell_id = NEW.cell_id, due_at = NEW.due_at,
            approved_late = (SELECT count(*) FROM assignment_records r
                             WHERE r.assignment_id = NEW.id AND r.state = 'approved'
                               AND r.submitted_at > NEW.due_at)
          WHERE assignment_id = NEW.id;
          RETURN NULL;
        END""",
    # A record counts once, by its state; the tally row's lock serializes concurrent changes.
    "dashboards_record_changed": """
        BEGIN
          IF TG_OP <> 'INSERT' THEN %(remove)s; END IF;
          IF TG_OP <> 'DELETE' THEN %(add)s; END IF;
          RETURN NULL;
        END""" % {"remove": _tally_update("OLD", "-"), "add": _tally_update("NEW", "+")},
    # A receipt counts for the reader's cell while the reader is an active member. The member
    # row is read FOR SHARE: a concurrent move of the member waits for this transaction (and
    # then moves this receipt too), or this waits for the move and counts the new cell.
    "dashboards_receipt_changed": """
        DECLARE
          uid bigint;
          cell bigint;
          active boolean;
        BEGIN
          IF TG_OP = 'DELETE' THEN uid := OLD.user_id; ELSE uid := NEW.user_id; END IF;
          SELECT u.cell_id, u.is_active INTO cell, active FROM users u WHERE u.id = uid FOR SHARE;
          IF cell IS NULL OR NOT active THEN RETURN NULL; END IF;
          IF TG_OP <> 'INSERT' THEN
            UPDATE study_tallies SET
              read = read - (CASE WHEN OLD.first_opened_at IS NULL THEN 0 ELSE 1 END),
              acknowledged = acknowledged - (CASE WHEN OLD.acknowledged_at IS NULL THEN 0 ELSE 1 END)
            WHERE document_id = OLD.document_id AND version = OLD.version AND cell_id = cell;
          END IF;
          IF TG_OP <> 'DELETE' THEN
            INSERT INTO study_tallies AS t (document_id, version, cell_id, read, acknowledged)
            VALUES (NEW.document_id, NEW.version, cell,
                    CASE WHEN NEW.first_opened_at IS NULL THEN 0 ELSE 1 END,
                    CASE WHEN NEW.acknowledged_at IS NULL THEN 0 ELSE 1 END)
            ON CONFLICT (document_id, version, cell_id) DO UPDATE
              SET read = t.read + EXCLUDED.read, acknowledged = t.acknowledged + EXCLUDED.acknowledged;
          END IF;
          RETURN NULL;
        END""",
    # A member who joins, leaves, moves or is (de)activated takes their receipts along.
    "dashboards_member_changed": """
        BEGIN
          IF TG_OP <> 'INSERT' AND OLD.is_active AND OLD.cell_id IS NOT NULL THEN
            UPDATE cell_tallies SET active_members = active_members - 1 WHERE cell_id = OLD.cell_id;
            UPDATE study_tallies t SET read = t.read - s.r, acknowledged = t.acknowledged - s.a
            FROM (SELECT document_id, version, count(first_opened_at) AS r,
                         count(acknowledged_at) AS a
                  FROM document_receipts WHERE user_id = OLD.id GROUP BY document_id, version) s
            WHERE t.document_id = s.document_id AND t.version = s.version
              AND t.cell_id = OLD.cell_id;
          END IF;
          IF TG_OP <> 'DELETE' AND NEW.is_active AND NEW.cell_id IS NOT NULL THEN
            INSERT INTO cell_tallies AS t (cell_id, active_members) VALUES (NEW.cell_id, 1)
            ON CONFLICT (cell_id) DO UPDATE SET active_members = t.active_members + 1;
            INSERT INTO study_tallies AS t (document_id, version, cell_id, read, acknowledged)
            SELECT document_id, version, NEW.cell_id, count(first_opened_at), count(acknowledged_at)
            FROM document_receipts WHERE user_id = NEW.id GROUP BY document_id, version
            ON CONFLICT (document_id, version, cell_id) DO UPDATE
              SET read = t.read + EXCLUDED.read, acknowledged = t.acknowledged + EXCLUDED.acknowledged;
          END IF;
          RETURN NULL;
        END""",
}

PG_TRIGGERS = [
    ("dashboards_assignment_added", "AFTER INSERT ON assignments", None),
    (
        "dashboards_assignment_moved",
        "AFTER UPDATE OF due_at, cell_id ON assignments",
        "OLD.due_at IS DISTINCT FROM NEW.due_at OR OLD.cell_id IS DISTINCT FROM NEW.cell_id",
    ),
    ("dashboards_record_changed", "AFTER INSERT OR DELETE ON assignment_records", None),
    (
        "dashboards_record_changed",
        "AFTER UPDATE OF state, submitted_at, assignment_id ON assignment_records",
        "OLD.state IS DISTINCT FROM NEW.state OR OLD.submitted_at IS DISTINCT FROM"
        " NEW.submitted_at OR OLD.assignment_id IS DISTINCT FROM NEW.assignment_id",
    ),
    ("dashboards_receipt_changed", "AFTER INSERT OR DELETE ON document_receipts", None),
    (
        "dashboards_receipt_changed",
        "AFTER UPDATE OF first_opened_at, acknowledged_at ON document_receipts",
        "(OLD.first_opened_at IS NULL) <> (NEW.first_opened_at IS NULL)"
        " OR (OLD.acknowledged_at IS NULL) <> (NEW.acknowledged_at IS NULL)",
    ),
    ("dashboards_member_changed", "AFTER INSERT OR DELETE ON users", None),
    (
        "dashboards_member_changed",
        "AFTER UPDATE OF cell_id, is_active ON users",
        "OLD.cell_id IS DISTINCT FROM NEW.cell_id OR OLD.is_active IS DISTINCT FROM NEW.is_active",
    ),
]


def _receipt_sqlite(row: str, sign: str) -> str:
    """SQLite: add or remove one receipt's contribution for its reader's (active) cell."""
    cell = f"(SELECT cell_id FROM users WHERE id = {row}.user_id AND is_active AND cell_id IS NOT NULL)"
    read = f"(CASE WHEN {row}.first_opened_at IS NULL THEN 0 ELSE 1 END)"
    ack = f"(CASE WHEN {row}.acknowledged_at IS NULL THEN 0 ELSE 1 END)"
    if sign == "-":
        return (
            f"UPDATE study_tallies SET read = read - {read}, acknowledged = acknowledged - {ack} "
            f"WHERE document_id = {row}.document_id AND version = {row}.version AND cell_id = {cell};"
        )
    return (
        f"INSERT INTO study_tallies (document_id, version, cell_id, read, acknowledged) "
        f"SELECT {row}.document_id, {row}.version, {cell}, {read}, {ack} WHERE {cell} IS NOT NULL "
        f"ON CONFLICT (document_id, version, cell_id) DO UPDATE SET "
        f"read = read + excluded.read, acknowledged = acknowledged + excluded.acknowledged;"
    )


def _member_sqlite(row: str, sign: str) -> str:
    """SQLite: a member's cell count and receipts, added to or removed from their cell."""
    active = f"{row}.is_active AND {row}.cell_id IS NOT NULL"
    if sign == "-":
        return f"""
          UPDATE cell_tallies SET active_members = active_members - 1
          WHERE cell_id = {row}.cell_id AND {active};
          UPDATE study_tallies SET read = read - s.r, acknowledged = acknowledged - s.a
          FROM (SELECT document_id, version, count(first_opened_at) AS r,
                       count(acknowledged_at) AS a
                FROM document_receipts WHERE user_id = {row}.id GROUP BY document_id, version) s
          WHERE study_tallies.document_id = s.document_id AND study_tallies.version = s.version
            AND study_tallies.cell_id = {row}.cell_id AND {active};"""
    return f"""
          INSERT INTO cell_tallies (cell_id, active_members) SELECT {row}.cell_id, 1 WHERE {active}
          ON CONFLICT (cell_id) DO UPDATE SET active_members = active_members + 1;
          INSERT INTO study_tallies (document_id, version, cell_id, read, acknowledged)
          SELECT document_id, version, {row}.cell_id, count(first_opened_at), count(acknowledged_at)
          FROM document_receipts WHERE user_id = {row}.id AND {active}
          GROUP BY document_id, version
          ON CONFLICT (document_id, version, cell_id) DO UPDATE SET
            read = read + excluded.read, acknowledged = acknowledged + excluded.acknowledged;"""


SQLITE_TRIGGERS = {
    "dashboards_assignment_added": """AFTER INSERT ON assignments BEGIN
          INSERT INTO assignment_tallies (assignment_id, cell_id, due_at, records, assigned,
              in_progress, submitted, approved, returned, cancelled, approved_late)
          VALUES (NEW.id, NEW.cell_id, NEW.due_at, 0, 0, 0, 0, 0, 0, 0, 0);
        END""",
    "dashboards_assignment_moved": """AFTER UPDATE OF due_at, cell_id ON assignments
        WHEN OLD.due_at IS NOT NEW.due_at OR OLD.cell_id IS NOT NEW.cell_id BEGIN
          UPDATE assignment_tallies SET cell_id = NEW.cell_id, due_at = NEW.due_at,
            approved_late = (SELECT count(*) FROM assignment_records r
                             WHERE r.assignment_id = NEW.id AND r.state = 'approved'
                               AND r.submitted_at > NEW.due_at)
          WHERE assignment_id = NEW.id;
        END""",
    "dashboards_record_added": f"""AFTER INSERT ON assignment_records BEGIN
          {_sqlite_tally_update("NEW", "+")};
        END""",
    "dashboards_record_removed": f"""AFTER DELETE ON assignment_records BEGIN
          {_sqlite_tally_update("OLD", "-")};
        END""",
    "dashboards_record_changed": f"""AFTER UPDATE OF state, submitted_at, assignment_id
        ON assignment_records WHEN OLD.state IS NOT NEW.state
          OR OLD.submitted_at IS NOT NEW.submitted_at OR OLD.assignment_id IS NOT NEW.assignment_id
        BEGIN
          {_sqlite_tally_update("OLD", "-")};
          {_sqlite_tally_update("NEW", "+")};
        END""",
    "dashboards_receipt_added": f"""AFTER INSERT ON document_receipts BEGIN
          {_receipt_sqlite("NEW", "+")}
        END""",
    "dashboards_receipt_removed": f"""AFTER DELETE ON document_receipts BEGIN
          {_receipt_sqlite("OLD", "-")}
        END""",
    "dashboards_receipt_changed": f"""AFTER UPDATE OF first_opened_at, acknowledged_at
        ON document_receipts
        WHEN (OLD.first_opened_at IS NULL) <> (NEW.first_opened_at IS NULL)
          OR (OLD.acknowledged_at IS NULL) <> (NEW.acknowledged_at IS NULL) BEGIN
          {_receipt_sqlite("OLD", "-")}
          {_receipt_sqlite("NEW", "+")}
        END""",
    "dashboards_member_added": f"""AFTER INSERT ON users BEGIN {_member_sqlite("NEW", "+")}
        END""",
    "dashboards_member_removed": f"""AFTER DELETE ON users BEGIN {_member_sqlite("OLD", "-")}
        END""",
    "dashboards_member_changed": f"""AFTER UPDATE OF cell_id, is_active ON users
        WHEN OLD.cell_id IS NOT NEW.cell_id OR OLD.is_active IS NOT NEW.is_active BEGIN
          {_member_sqlite("OLD", "-")}
          {_member_sqlite("NEW", "+")}
        END""",
}


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, body in PG_FUNCTIONS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn${body}$fn$"
            )
        for i, (function, event, when) in enumerate(PG_TRIGGERS):
            condition = f" WHEN ({when})" if when else ""
            op.execute(
                f"CREATE TRIGGER {function}_{i} {event} FOR EACH ROW{condition}"
                f" EXECUTE FUNCTION {function}()"
            )
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for i, (function, event, _when) in enumerate(PG_TRIGGERS):
            table = event.rsplit(" ON ", 1)[1]
            op.execute(f"DROP TRIGGER IF EXISTS {function}_{i} ON {table}")
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    op.create_table('cell_tallies',
    sa.Column('cell_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('active_members', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cell_id'], ['org_units.id'], name=op.f('fk_cell_tallies_cell_id_org_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cell_id', name=op.f('pk_cell_tallies'))
    )
    op.create_table('study_tallies',
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('cell_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('read', sa.Integer(), nullable=False),
    sa.Column('acknowledged', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cell_id'], ['org_units.id'], name=op.f('fk_study_tallies_cell_id_org_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_study_tallies_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'version', 'cell_id', name=op.f('pk_study_tallies'))
    )
    with op.batch_alter_table('study_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_study_tallies_cell_id', ['cell_id'], unique=False)

    op.create_table('assignment_tallies',
    sa.Column('assignment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('cell_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('due_at', api.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('assigned', sa.Integer(), nullable=False),
    sa.Column('in_progress', sa.Integer(), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Integer(), nullable=False),
    sa.Column('approved_late', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_tallies_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cell_id'], ['org_units.id'], name=op.f('fk_assignment_tallies_cell_id_org_units')),
    sa.PrimaryKeyConstraint('assignment_id', name=op.f('pk_assignment_tallies'))
    )
    with op.batch_alter_table('assignment_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_tallies_cell_id_due_at', ['cell_id', 'due_at'], unique=False)
        batch_op.create_index('ix_assignment_tallies_due_at', ['due_at'], unique=False)

    for statement in BACKFILL:
        op.execute(statement)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table('assignment_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_tallies_due_at')
        batch_op.drop_index('ix_assignment_tallies_cell_id_due_at')

    op.drop_table('assignment_tallies')
    with op.batch_alter_table('study_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_study_tallies_cell_id')

    op.drop_table('study_tallies')
    op.drop_table('cell_tallies')
