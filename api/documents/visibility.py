"""Who may read and manage which document, as SQL (lists, search) and as checks (one object).

Reading: a published or archived document is readable by everyone standing inside its
audience (the audience unit is on the path of their cell or of a unit they hold a role
in), by the leaders and committees who follow the audience's units, and by the issuing
unit's publishers, who alone also see drafts. Everything else answers 404.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, false, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from api.authz import FOLLOWERS, PUBLISHERS, Principal, in_any_subtree, subtree_end
from api.db import any_of, any_of_param, one_of, prebuilt
from api.documents.models import READABLE_STATUSES, Document, DocumentAudience
from api.errors import Forbidden, NotFound
from api.files import service as files
from api.org.models import OrgUnit


def path_ids(path: str) -> list[int]:
    """The unit ids on a materialized path: '/1/5/23/' → [1, 5, 23]."""
    return [int(p) for p in path.strip("/").split("/") if p]


def anchor_unit_ids(principal: Principal) -> list[int]:
    """Every unit above or at the caller's cell and granted units: audiences that reach them."""
    ids: set[int] = set()
    for path in principal.anchors():
        ids.update(path_ids(path))
    return sorted(ids)


# One alias each for the whole process: each lives inside its own EXISTS, so statements can
# share it, and making an alias per request was a measurable part of every library page.
_FOLLOWED_UNIT = aliased(OrgUnit, name="followed_unit")
_ISSUER = aliased(OrgUnit, name="issuer_unit")


class Reach(NamedTuple):
    """What the caller may read, split into the statement's shape and its bound values.

    The shape (anchored or not, how many followed and managed subtrees) decides the SQL;
    callers of one shape share one prebuilt statement and differ only in `params`.
    """

    shape: tuple[bool, int, int]
    params: dict[str, Any]


def reach(principal: Principal) -> Reach:
    """The caller's reach: the shape for `readable_shaped`, the values for its parameters."""
    ids = anchor_unit_ids(principal)
    follow = principal.role_paths(FOLLOWERS)
    manage = principal.role_paths(PUBLISHERS)
    params: dict[str, Any] = {"r_anchor_ids": ids} if ids else {}
    for prefix, paths in (("r_follow", follow), ("r_manage", manage)):
        for i, path in enumerate(paths):
            params[f"{prefix}_lo_{i}"] = path
            params[f"{prefix}_hi_{i}"] = subtree_end(path)
    return Reach((bool(ids), len(follow), len(manage)), params)


@prebuilt
def readable_shaped(shape: tuple[bool, int, int]) -> ColumnElement[bool]:
    """`readable_clause` for every caller of one shape, their values bound at execution
    (`reach(principal).params`). Built once per shape and database kind."""
    anchored, follows, manages = shape

    def subtrees(column: Any, prefix: str, n: int) -> ColumnElement[bool]:
        return or_(
            *(
                and_(
                    column >= bindparam(f"{prefix}_lo_{i}"), column < bindparam(f"{prefix}_hi_{i}")
                )
                for i in range(n)
            )
        )

    return _readable(
        any_of_param(col(DocumentAudience.unit_id), "r_anchor_ids") if anchored else None,
        subtrees(_FOLLOWED_UNIT.path, "r_follow", follows) if follows else None,
        subtrees(_ISSUER.path, "r_manage", manages) if manages else None,
    )


def readable_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL filter on `Document` for what the caller may read (one indexed query)."""
    ids = anchor_unit_ids(principal)
    follow = principal.role_paths(FOLLOWERS)
    manage = principal.role_paths(PUBLISHERS)
    return _readable(
        any_of(col(DocumentAudience.unit_id), ids) if ids else None,
        in_any_subtree(_FOLLOWED_UNIT.path, follow) if follow else None,
        in_any_subtree(_ISSUER.path, manage) if manage else None,
    )


def _readable(
    anchored: ColumnElement[bool] | None,
    followed_unit: ColumnElement[bool] | None,
    issuer: ColumnElement[bool] | None,
) -> ColumnElement[bool]:
    """Readable if addressed to a unit the caller stands in (`anchored`, on the audience),
    addressed under a subtree they follow (`followed_unit`), or issued by a unit they
    publish for (`issuer`, drafts too)."""
    readable = one_of(col(Document.status), READABLE_STATUSES)
    clauses: list[ColumnElement[bool]] = []
    if anchored is not None:
        addressed = (
            select(col(DocumentAudience.document_id))
            .where(col(DocumentAudience.document_id) == Document.id, anchored)
            .exists()
        )
        clauses.append(and_(readable, addressed))
    if followed_unit is not None:
        followed = (
            select(col(DocumentAudience.document_id))
            .join(_FOLLOWED_UNIT, col(_FOLLOWED_UNIT.id) == col(DocumentAudience.unit_id))
            .where(col(DocumentAudience.document_id) == Document.id, followed_unit)
            .exists()
        )
        clauses.append(and_(readable, followed))
    if issuer is not None:
        clauses.append(_managed(issuer))
    return or_(*clauses) if clauses else false()


def _managed(issuer_path: ColumnElement[bool]) -> ColumnElement[bool]:
    return (
        select(col(_ISSUER.id)).where(col(_ISSUER.id) == Document.issuer_id, issuer_path).exists()
    )


def manage_clause(principal: Principal) -> ColumnElement[bool] | None:
    """SQL filter on `Document` for documents whose issuer the caller publishes for."""
    paths = principal.role_paths(PUBLISHERS)
    if not paths:
        return None
    return _managed(in_any_subtree(_ISSUER.path, paths))


def readable_document(session: Session, principal: Principal, document_id: int) -> Document:
    """The document if the caller may read it, else 404."""
    shape, params = reach(principal)
    found = session.execute(_one_readable(shape), {**params, "document_id": document_id})
    doc = found.scalars().first()
    if doc is None:
        raise NotFound()
    return doc


@prebuilt
def _one_readable(shape: tuple[bool, int, int]) -> Any:
    return select(Document).where(
        col(Document.id) == bindparam("document_id"), readable_shaped(shape)
    )


def issuer_of(session: Session, doc: Document) -> OrgUnit:
    """The issuing unit."""
    unit = session.get(OrgUnit, doc.issuer_id)
    assert unit is not None  # a foreign key
    return unit


def can_manage(principal: Principal, issuer: OrgUnit) -> bool:
    """Whether the caller publishes for the issuing unit."""
    return principal.may("document.manage", issuer.path)


def managed_document(
    session: Session, principal: Principal, document_id: int
) -> tuple[Document, OrgUnit]:
    """The document and its issuer for its publishers: 404 if unreadable, 403 if read-only."""
    doc = readable_document(session, principal, document_id)
    issuer = issuer_of(session, doc)
    if not can_manage(principal, issuer):
        raise Forbidden()
    return doc, issuer


def can_read(session: Session, principal: Principal, document_id: int) -> bool:
    """Whether the caller may read the document (attachments' download check)."""
    found = session.execute(
        select(col(Document.id)).where(col(Document.id) == document_id, readable_clause(principal))
    ).first()
    return found is not None


# Attachments owned by a document are downloadable by whoever may read the document.
files.register_owner("document", can_read)
