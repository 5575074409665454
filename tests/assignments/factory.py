"""Building assignments for tests through the services themselves (no HTTP round trips)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from api.assignments import service, workflow
from api.assignments.schemas import AssignmentCreate, SubmitBody
from api.auth.service import principal_for
from api.authz import Principal
from api.db import new_session, utcnow
from api.members.models import User


def principal(session: Session, world: Any, name: str) -> Principal:
    """The named person of the test world as a Principal."""
    user = session.get(User, world.users[name])
    assert user is not None
    return principal_for(session, user)


def make_assignment(
    world: Any,
    *,
    assignees: tuple[str, ...] = ("member_a1",),
    by: str = "secretary_a1",
    cell: str = "A1",
    due_in: dt.timedelta = dt.timedelta(days=3),
    submitted: tuple[str, ...] = (),
    **extra: Any,
) -> int:
    """An assignment given by `by`; the people in `submitted` have already reported."""
    with new_session() as s:
        body = AssignmentCreate(
            cell_id=world.units[cell],
            title="Nộp thu hoạch học tập Nghị quyết",
            description="Mỗi đồng chí viết không quá một trang.",
            due_at=utcnow() + due_in,
            assignee_ids=[world.users[n] for n in assignees] if assignees else None,
            **extra,
        )
        assignment = service.create(s, principal(s, world, by), body)
        aid: int = assignment.id  # type: ignore[assignment]
        for name in submitted:
            workflow.submit(s, principal(s, world, name), aid, SubmitBody(report="Đã hoàn thành."))
        s.commit()
    return aid


def make_series(world: Any, *, frequency: str = "monthly") -> int:
    """A regular assignment of cell A1; returns its series id."""
    aid = make_assignment(world, recurrence={"frequency": frequency, "lead_days": 5})
    with new_session() as s:
        from api.assignments.models import Assignment

        a = s.get(Assignment, aid)
        assert a is not None and a.series_id is not None
        return a.series_id


def publish_document(world: Any, *, unit: str = "A", symbol: str = "01-KH/ĐU") -> int:
    """A published plan issued by commune `unit` ("A") or, for "B", by the province to B."""
    import datetime as _dt

    from api.documents import service as documents
    from api.documents.schemas import DocumentCreate
    from api.org.models import OrgUnit

    with new_session() as s:
        if unit == "A":
            who, issuer, audience = "publisher_a", world.units["A"], None
        else:
            who, issuer, audience = "publisher_p", world.units["P"], [world.units[unit]]
            symbol = symbol.replace("ĐU", "TU")
        p = principal(s, world, who)
        doc = documents.create_document(
            s,
            p,
            DocumentCreate(
                kind="plan",
                symbol=symbol,
                title="Kế hoạch học tập",
                issuer_id=issuer,
                issued_on=_dt.date(2026, 10, 1),
                audience_unit_ids=audience,
            ),
        )
        documents.publish(s, p, doc, s.get(OrgUnit, issuer))
        s.commit()
        return doc.id  # type: ignore[return-value]
