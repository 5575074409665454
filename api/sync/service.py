"""The delta feed: everything that changed for the caller since a cursor.

The cursor is the server time the previous answer was computed at; each answer re-reads a
short overlap before it (writes that committed late), and the device upserts by id, so
nothing is missed and repeats are harmless. A cursor from a different epoch (or none)
means a full sync.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from sqlalchemy import exists, or_
from sqlmodel import Session, col, select

from api.assignments import queries as assignment_queries
from api.assignments.schemas import AssignmentPublic
from api.authz import Principal
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

OVERLAP = dt.timedelta(seconds=5)
LIMIT = 200  # per kind; `more` tells the device to ask again with the new cursor


class SyncOut(BaseModel):
    cursor: str
    full: bool
    more: bool
    documents: list[DocumentSummary]
    assignments: list[AssignmentPublic]
    notifications: list[NotificationOut]
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


def _documents(session: Session, principal: Principal, since: dt.datetime | None) -> list[Any]:
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
    docs = list(session.exec(stmt.order_by(col(Document.updated_at).desc()).limit(LIMIT + 1)))
    return docs


def _notifications(
    session: Session, principal: Principal, since: dt.datetime | None
) -> list[NotificationOut]:
    """Inbox rows that arrived or were read after `since`, newest first."""
    stmt = (
        select(Notification, NotificationEvent)
        .join(NotificationEvent, col(NotificationEvent.id) == col(Notification.event_id))
        .where(col(Notification.user_id) == principal.user_id)
    )
    if since is not None:
        stmt = stmt.where(
            or_(col(Notification.created_at) > since, col(Notification.read_at) > since)
        )
    rows = session.execute(stmt.order_by(col(Notification.id).desc()).limit(LIMIT + 1)).all()
    return [notifications.present(n, e) for n, e in rows]


def sync(session: Session, principal: Principal, cursor: str | None) -> SyncOut:
    """One delta: documents, the caller's assignments and inbox changed since `cursor`."""
    as_of = utcnow()
    since = _since(cursor)
    full = since is None
    if since is not None:
        moved = session.exec(select(User.updated_at).where(User.id == principal.user_id)).first()
        if moved is not None and moved > since:
            full, since = True, None  # the member's cell may have changed: start over
        else:
            since = since - OVERLAP
    docs = _documents(session, principal, since)
    ctx = present.load_context(session, principal, docs[:LIMIT])
    records = assignment_queries.list_mine_changed(session, principal, since, limit=LIMIT + 1)
    inbox = _notifications(session, principal, since)
    more = len(docs) > LIMIT or len(records) > LIMIT or len(inbox) > LIMIT
    return SyncOut(
        cursor=encode_cursor([as_of.isoformat()]),
        full=full,
        more=more,
        documents=[present.summary(d, ctx) for d in docs[:LIMIT]],
        assignments=records[:LIMIT],
        notifications=inbox[:LIMIT],
        unread_notifications=notifications.unread_count(session, principal),
    )
