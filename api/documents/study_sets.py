"""Study sets (chuyên đề): ordered documents a unit asks its members to study, with progress."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from api.audit import service as audit
from api.authz import FOLLOWERS, PUBLISHERS, Principal, in_any_subtree
from api.db import any_of, one_of, utcnow
from api.documents import service as documents
from api.documents.models import (
    READABLE_STATUSES,
    Document,
    DocumentReceipt,
    StudySet,
    StudySetItem,
)
from api.documents.present import load_context, summary, unit_brief
from api.documents.schemas import (
    StudyProgress,
    StudySetCreate,
    StudySetItemPublic,
    StudySetPublic,
    StudySetUpdate,
)
from api.documents.visibility import anchor_unit_ids, can_manage, readable_clause
from api.errors import FieldError, Forbidden, NotFound, ValidationFailed
from api.org.models import OrgUnit
from api.pagination import decode_cursor, encode_cursor
from api.text import format_vn_percent


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """Sets issued above the caller's cell or units, or in a subtree they follow or publish for."""
    clauses: list[ColumnElement[bool]] = [
        any_of(col(StudySet.issuer_id), anchor_unit_ids(principal))
    ]
    paths = principal.role_paths(FOLLOWERS | PUBLISHERS)
    if paths:
        clauses.append(
            select(col(OrgUnit.id))
            .where(col(OrgUnit.id) == StudySet.issuer_id, in_any_subtree(OrgUnit.path, paths))
            .exists()
        )
    return or_(*clauses)


def visible_set(session: Session, principal: Principal, set_id: int) -> StudySet:
    """The study set if the caller may see it, else 404."""
    found = (
        session.execute(
            select(StudySet).where(col(StudySet.id) == set_id, visible_clause(principal))
        )
        .scalars()
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def managed_set(session: Session, principal: Principal, set_id: int) -> tuple[StudySet, OrgUnit]:
    """The study set and its issuer for the issuer's publishers (404 unseen, 403 read-only)."""
    study_set = visible_set(session, principal, set_id)
    issuer = session.get(OrgUnit, study_set.issuer_id)
    assert issuer is not None
    if not can_manage(principal, issuer):
        raise Forbidden()
    return study_set, issuer


def _check_documents(session: Session, principal: Principal, ids: list[int]) -> list[int]:
    wanted = list(dict.fromkeys(ids))
    found = set(
        session.execute(
            select(col(Document.id)).where(
                any_of(col(Document.id), wanted),
                one_of(col(Document.status), READABLE_STATUSES),
                readable_clause(principal),
            )
        ).scalars()
    )
    if len(found) != len(wanted):
        raise NotFound(errors=[FieldError("document_ids", "field.document_not_found")])
    return wanted


def _set_items(session: Session, study_set: StudySet, ids: list[int]) -> None:
    session.execute(delete(StudySetItem).where(col(StudySetItem.study_set_id) == study_set.id))
    for position, doc_id in enumerate(ids, start=1):
        session.add(StudySetItem(study_set_id=study_set.id, document_id=doc_id, position=position))  # type: ignore[arg-type]


def _audit(session: Session, principal: Principal, action: str, s: StudySet, path: str) -> None:
    audit.record(
        session,
        actor_id=principal.user_id,
        action=action,
        object_type="study_set",
        object_id=s.id,
        unit_path=path,
        after=audit.snapshot(s, ["issuer_id", "title", "description"]),
    )


def create(session: Session, principal: Principal, data: StudySetCreate) -> StudySet:
    """A publisher of the issuing unit puts published documents in an order to study."""
    issuer = documents.issuer_for_create(session, principal, data.issuer_id)
    ids = _check_documents(session, principal, data.document_ids)
    study_set = StudySet(
        issuer_id=issuer.id,  # type: ignore[arg-type]
        title=data.title,
        description=data.description,
        created_by_id=principal.user_id,
    )
    session.add(study_set)
    session.flush()
    _set_items(session, study_set, ids)
    session.flush()
    _audit(session, principal, "study_set.create", study_set, issuer.path)
    return study_set


def update(session: Session, principal: Principal, set_id: int, data: StudySetUpdate) -> StudySet:
    """Rename, describe or reorder a study set."""
    study_set, issuer = managed_set(session, principal, set_id)
    if data.title is not None:
        study_set.title = data.title
    if data.description is not None:
        study_set.description = data.description
    if data.document_ids is not None:
        _set_items(session, study_set, _check_documents(session, principal, data.document_ids))
    study_set.updated_at = utcnow()
    session.add(study_set)
    session.flush()
    _audit(session, principal, "study_set.update", study_set, issuer.path)
    return study_set


def remove(session: Session, principal: Principal, set_id: int) -> None:
    """Delete a study set (its documents stay in the library)."""
    study_set, issuer = managed_set(session, principal, set_id)
    _audit(session, principal, "study_set.delete", study_set, issuer.path)
    session.execute(delete(StudySetItem).where(col(StudySetItem.study_set_id) == study_set.id))
    session.delete(study_set)
    session.flush()


def _progress(
    session: Session, principal: Principal, set_ids: list[int]
) -> dict[int, StudyProgress]:
    """Per set: the readable documents and how many of them the caller acknowledged."""
    acked = and_(
        col(DocumentReceipt.document_id) == Document.id,
        col(DocumentReceipt.user_id) == principal.user_id,
        col(DocumentReceipt.version) == Document.version,
        col(DocumentReceipt.acknowledged_at).is_not(None),
    )
    rows = session.execute(
        select(
            col(StudySetItem.study_set_id),
            func.count(col(Document.id)),
            func.count(col(DocumentReceipt.id)),
        )
        .join(Document, col(Document.id) == StudySetItem.document_id)
        .outerjoin(DocumentReceipt, acked)
        .where(
            any_of(col(StudySetItem.study_set_id), set_ids),
            one_of(col(Document.status), READABLE_STATUSES),
            readable_clause(principal),
        )
        .group_by(col(StudySetItem.study_set_id))
    ).all()
    counts = {sid: (total, done) for sid, total, done in rows}
    out = {}
    for sid in set_ids:
        total, done = counts.get(sid, (0, 0))
        rate = done / total if total else 0.0
        out[sid] = StudyProgress(
            acknowledged=done, total=total, rate=round(rate, 4), rate_text=format_vn_percent(rate)
        )
    return out


def _public(
    principal: Principal, s: StudySet, issuer: OrgUnit, progress: StudyProgress
) -> StudySetPublic:
    return StudySetPublic(
        id=s.id,  # type: ignore[arg-type]
        issuer=unit_brief(issuer),
        title=s.title,
        description=s.description,
        created_at=s.created_at,
        updated_at=s.updated_at,
        progress=progress,
        can_manage=can_manage(principal, issuer),
    )


def list_sets(
    session: Session, principal: Principal, *, cursor: str | None, limit: int
) -> tuple[list[StudySetPublic], str | None]:
    """Study sets the caller may see, newest first, with their own progress."""
    stmt = select(StudySet).where(visible_clause(principal))
    after = decode_cursor(cursor, 1)
    if after is not None:
        stmt = stmt.where(col(StudySet.id) < _cursor_id(after[0]))
    sets = list(session.execute(stmt.order_by(col(StudySet.id).desc()).limit(limit + 1)).scalars())
    next_cursor = None
    if len(sets) > limit:
        sets = sets[:limit]
        next_cursor = encode_cursor([sets[-1].id])
    units = {
        u.id: u
        for u in session.execute(
            select(OrgUnit).where(any_of(col(OrgUnit.id), {s.issuer_id for s in sets}))
        ).scalars()
    }
    progress = _progress(session, principal, [s.id for s in sets])  # type: ignore[misc]
    items = [_public(principal, s, units[s.issuer_id], progress[s.id]) for s in sets]  # type: ignore[index]
    return items, next_cursor


def _cursor_id(value: Any) -> int:
    """The last set's id in a cursor: an integer, or a 422 (never a 500) when it is not."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")])
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")]) from None


def detail(session: Session, principal: Principal, study_set: StudySet) -> StudySetPublic:
    """A study set with its documents in order (those the caller may read) and progress."""
    issuer = session.get(OrgUnit, study_set.issuer_id)
    assert issuer is not None
    rows = session.execute(
        select(col(StudySetItem.position), Document)
        .join(Document, col(Document.id) == StudySetItem.document_id)
        .where(col(StudySetItem.study_set_id) == study_set.id, readable_clause(principal))
        .order_by(col(StudySetItem.position))
    ).all()
    docs = [d for _, d in rows]
    ctx = load_context(session, principal, docs)
    progress = _progress(session, principal, [study_set.id])[study_set.id]  # type: ignore[list-item,index]
    public = _public(principal, study_set, issuer, progress)
    public.items = [StudySetItemPublic(position=pos, document=summary(d, ctx)) for pos, d in rows]
    return public
