"""The delta feed: everything that changed for the caller since a cursor.

The cursor is the server time the previous answer was computed at; each answer re-reads a
short overlap before it (writes that committed late), and the device upserts by id, so
nothing is missed and repeats are harmless. A cursor from a different epoch (or none)
means a full sync.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, exists, or_
from sqlmodel import Session, col, select

from api.assignments import queries as assignment_queries
from api.assignments.models import Assignment, AssignmentRecord
from api.assignments.schemas import AssignmentPublic
from api.authz import FOLLOWERS, PUBLISHERS, Principal
from api.db import utcnow
from api.documents import present
from api.documents.models import Document, DocumentMark, DocumentReceipt
from api.documents.schemas import DocumentSummary
from api.documents.visibility import readable_clause
from api.errors import FieldError, ValidationFailed
from api.members.models import User
from api.notifications import service as notifications
from api.notifications.models import Notification, NotificationEvent
from api.notifications.service import NotificationOut
from api.pagination import decode_cursor, encode_cursor
from api.sync.models import KEEP, SyncRemoval

OVERLAP = dt.timedelta(seconds=5)
# Per kind, newest first. `more`: more changed than one answer carries (a device long
# offline); the device then refreshes its lists from the list endpoints, as after a full sync.
LIMIT = 200
REMOVALS_SCAN = 5000  # tombstones read per answer (they are few: audiences rarely narrow)


class Removal(BaseModel):
    """An object the device should drop: the caller can no longer read it (or it is gone)."""

    kind: str
    id: int


class SyncOut(BaseModel):
    cursor: str
    # True: the device replaces what it keeps (its lists, and drops copies not in them);
    # False: it applies the changes and the removals.
    full: bool
    more: bool
    documents: list[DocumentSummary]
    assignments: list[AssignmentPublic]
    notifications: list[NotificationOut]
    removals: list[Removal] = []
    unread_notifications: int


def _since(cursor: str | None) -> dt.datetime | None:
    bad = ValidationFailed(errors=[FieldError("since", "field.bad_cursor")])
    try:
        values = decode_cursor(cursor, 1)
    except ValidationFailed:
        raise bad from None
    if values is None:
        return None
    try:
        return dt.datetime.fromisoformat(str(values[0]))
    except ValueError:
        raise bad from None


def _documents_stmt(principal: Principal, since: dt.datetime | None) -> Any:
    """Readable documents changed after `since`, or whose receipt or mark the caller changed."""
    stmt = select(Document).where(readable_clause(principal))
    if since is not None:
        mine_r = exists().where(
            col(DocumentReceipt.document_id) == Document.id,
            col(DocumentReceipt.user_id) == principal.user_id,
            or_(
                col(DocumentReceipt.last_opened_at) > since,
                col(DocumentReceipt.acknowledged_at) > since,
            ),
        )
        mine_m = exists().where(
            col(DocumentMark.document_id) == Document.id,
            col(DocumentMark.user_id) == principal.user_id,
            or_(col(DocumentMark.bookmarked_at) > since, col(DocumentMark.note_updated_at) > since),
        )
        stmt = stmt.where(or_(col(Document.updated_at) > since, mine_r, mine_m))
    return stmt


def _removals_stmt(principal: Principal, since: dt.datetime) -> Any:
    """Documents that left some devices' reach after `since` and are not readable to the
    caller now (narrowed audience, discarded draft): the caller's device drops its copies."""
    still = (
        select(col(Document.id))
        .where(col(Document.id) == col(SyncRemoval.object_id), readable_clause(principal))
        .exists()
    )
    return select(col(SyncRemoval.object_id), col(SyncRemoval.unit_paths)).where(
        col(SyncRemoval.kind) == "document", col(SyncRemoval.removed_at) > since, ~still
    )


def _removals(session: Session, principal: Principal, since: dt.datetime) -> list[Removal]:
    """The tombstones that concern the caller: they stood where the document was (an old
    audience unit above one of their anchors, or inside a subtree they follow or publish
    for), so nobody learns of a document that was never theirs."""
    anchors = principal.anchors()
    roles = FOLLOWERS | PUBLISHERS

    def stood_at(path: str) -> bool:
        return principal.has_role_at(path, roles) or any(a.startswith(path) for a in anchors)

    rows = session.execute(_removals_stmt(principal, since).limit(REMOVALS_SCAN))
    ids = {int(object_id) for object_id, paths in rows if any(map(stood_at, paths or []))}
    return [Removal(kind="document", id=i) for i in sorted(ids)]


def _inbox_stmt(principal: Principal, since: dt.datetime | None) -> Any:
    """Inbox rows that arrived or were read after `since`."""
    stmt = (
        select(Notification, NotificationEvent)
        .join(NotificationEvent, col(NotificationEvent.id) == col(Notification.event_id))
        .where(col(Notification.user_id) == principal.user_id)
    )
    if since is not None:
        stmt = stmt.where(
            or_(col(Notification.created_at) > since, col(Notification.read_at) > since)
        )
    return stmt


@cache
def _settled_stmt() -> Any:
    """Has anything at all that could concern the caller changed after `:since`? With the
    unread count. One statement of the same shape for everybody, built once: no document
    changed anywhere, nothing of the caller's own (account, receipts, marks, tasks, inbox) and
    no removal at all. A superset of what `_changed` asks, so "no" here is "no" there, and it
    needs no authorization (it names nothing): the caller learns only their own unread count.
    """
    uid: Any = bindparam("uid")
    since: Any = bindparam("since")  # typed by the columns it is compared with
    changed = or_(
        exists().where(col(User.id) == uid, col(User.updated_at) > since),
        exists().where(col(Document.updated_at) > since),
        exists().where(
            col(DocumentReceipt.user_id) == uid,
            or_(
                col(DocumentReceipt.last_opened_at) > since,
                col(DocumentReceipt.acknowledged_at) > since,
            ),
        ),
        exists().where(
            col(DocumentMark.user_id) == uid,
            or_(col(DocumentMark.bookmarked_at) > since, col(DocumentMark.note_updated_at) > since),
        ),
        exists().where(
            col(AssignmentRecord.assignee_id) == uid,
            col(Assignment.id) == col(AssignmentRecord.assignment_id),
            or_(col(AssignmentRecord.updated_at) > since, col(Assignment.updated_at) > since),
        ),
        exists().where(
            col(Notification.user_id) == uid,
            or_(col(Notification.created_at) > since, col(Notification.read_at) > since),
        ),
        exists().where(col(SyncRemoval.removed_at) > since),
    )
    return select(changed, notifications.unread_count_stmt(uid).scalar_subquery())


def _settled(session: Session, principal: Principal, since: dt.datetime) -> tuple[bool, int]:
    """(whether anything that could concern the caller changed, their unread count)."""
    row = session.execute(_settled_stmt(), {"uid": principal.user_id, "since": since}).one()
    return bool(row[0]), int(row[1])


def _changed(session: Session, principal: Principal, since: dt.datetime) -> bool:
    """Whether anything the caller may see changed after `since`: one statement of EXISTS
    over the very statements the full answer runs, instead of six."""
    moved = (
        select(col(User.id)).where(col(User.id) == principal.user_id, col(User.updated_at) > since)
    ).exists()
    return bool(
        session.execute(
            select(
                or_(
                    moved,
                    _documents_stmt(principal, since).exists(),
                    assignment_queries.mine_changed_stmt(principal, since).exists(),
                    _inbox_stmt(principal, since).exists(),
                    # Unfiltered by where the caller stood: after a rare removal each device
                    # takes the full delta path once, which then tells it nothing not its own.
                    _removals_stmt(principal, since).exists(),
                )
            )
        ).scalar_one()
    )


def sync(session: Session, principal: Principal, cursor: str | None) -> SyncOut:
    """One delta: documents, the caller's assignments and inbox changed since `cursor`."""
    as_of = utcnow()
    since = _since(cursor)
    if since is not None and since < as_of - KEEP:
        since = None  # older than the tombstones kept: only a full sync is sure to be right
    if since is not None:
        # Most answers are "nothing new": first the cheap question, then the exact one
        # (a document changed somewhere, maybe out of the caller's reach), then the delta.
        changed, unread = _settled(session, principal, since - OVERLAP)
        if changed:
            changed = _changed(session, principal, since - OVERLAP)
        if not changed:
            return SyncOut(
                cursor=encode_cursor([as_of.isoformat()]),
                full=False,
                more=False,
                documents=[],
                assignments=[],
                notifications=[],
                removals=[],
                unread_notifications=unread,
            )
    full = since is None
    removals: list[Removal] = []
    if since is not None:
        moved = session.exec(select(User.updated_at).where(User.id == principal.user_id)).first()
        if moved is not None and moved > since:
            full, since = True, None  # the member's cell may have changed: start over
        else:
            since = since - OVERLAP
            removals = _removals(session, principal, since)
    stmt = _documents_stmt(principal, since).order_by(col(Document.updated_at).desc())
    docs = list(session.exec(stmt.limit(LIMIT + 1)))
    ctx = present.load_context(session, principal, docs[:LIMIT])
    records = assignment_queries.list_mine_changed(session, principal, since, limit=LIMIT + 1)
    inbox = [
        notifications.present(n, e)
        for n, e in session.execute(
            _inbox_stmt(principal, since).order_by(col(Notification.id).desc()).limit(LIMIT + 1)
        ).all()
    ]
    more = len(docs) > LIMIT or len(records) > LIMIT or len(inbox) > LIMIT or len(removals) > LIMIT
    return SyncOut(
        cursor=encode_cursor([as_of.isoformat()]),
        full=full,
        more=more,
        documents=[present.summary(d, ctx) for d in docs[:LIMIT]],
        assignments=records[:LIMIT],
        notifications=inbox[:LIMIT],
        removals=removals[:LIMIT],
        unread_notifications=notifications.unread_count(session, principal),
    )
