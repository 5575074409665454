"""Dashboard endpoints: a thin HTTP layer over api.dashboards.service."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.audit import service as audit
from api.dashboards import exports, service
from api.dashboards.period import Period, resolve
from api.dashboards.schemas import (
    DashboardRoots,
    DocumentPending,
    MemberDashboard,
    UnitDashboard,
    UnitStudy,
    UnitTrends,
)
from api.deps import CurrentPrincipal, CursorQuery, LimitDep, SessionDep
from api.ops.limits import limit
from api.types import IdPath

# Member names and task status: never kept by shared caches (the PWA keeps its own copy).
PRIVATE = "private, no-cache"
EXPORT_STUDY_LIMIT = 200


def _private(response: Response) -> None:
    response.headers["Cache-Control"] = PRIVATE


router = APIRouter(tags=["dashboards"], dependencies=[Depends(_private)])


def period_query(
    from_: Annotated[dt.date | None, Query(alias="from")] = None,
    to: Annotated[dt.date | None, Query()] = None,
) -> Period:
    """`from`/`to` as local dates, both included; default: this month in Vietnam."""
    return resolve(from_, to)


PeriodDep = Annotated[Period, Depends(period_query)]


@router.get("/dashboards", response_model=DashboardRoots)
def list_roots(session: SessionDep, principal: CurrentPrincipal) -> DashboardRoots:
    """Where the caller's drill-down starts: the top units whose dashboards they may read."""
    return service.roots(session, principal)


@router.get("/dashboards/units/{unit_id}", response_model=UnitDashboard)
def unit_dashboard(
    session: SessionDep, principal: CurrentPrincipal, unit_id: IdPath, period: PeriodDep
) -> UnitDashboard:
    """Assignment completion of the unit, each child and, at a cell, each member."""
    unit = service.readable_unit(session, principal, unit_id)
    return service.unit_dashboard(session, principal, unit, period)


@router.get("/dashboards/units/{unit_id}/trends", response_model=UnitTrends)
def unit_trends(
    session: SessionDep,
    principal: CurrentPrincipal,
    unit_id: IdPath,
    months: Annotated[int, Query(ge=1, le=24)] = 12,
) -> UnitTrends:
    """The unit's totals month by month (the last 12 by default, the current one last)."""
    unit = service.readable_unit(session, principal, unit_id)
    return service.trends(session, principal, unit, months)


@router.get("/dashboards/units/{unit_id}/members/{user_id}", response_model=MemberDashboard)
def member_dashboard(
    session: SessionDep,
    principal: CurrentPrincipal,
    unit_id: IdPath,
    user_id: IdPath,
    period: PeriodDep,
) -> MemberDashboard:
    """One member's totals and records in the period: the end of a drill-down."""
    unit = service.readable_unit(session, principal, unit_id)
    return service.member_dashboard(session, principal, unit, user_id, period)


@router.get("/dashboards/units/{unit_id}/documents", response_model=UnitStudy)
def unit_study(
    session: SessionDep,
    principal: CurrentPrincipal,
    unit_id: IdPath,
    limit: LimitDep,
    cursor: CursorQuery = None,
) -> UnitStudy:
    """Acknowledgement of each document published to the unit's subtree, by child unit."""
    unit = service.readable_unit(session, principal, unit_id)
    return service.unit_study(session, principal, unit, cursor=cursor, limit=limit)


@router.get("/dashboards/units/{unit_id}/documents/{document_id}", response_model=DocumentPending)
def document_pending(
    session: SessionDep,
    principal: CurrentPrincipal,
    unit_id: IdPath,
    document_id: IdPath,
    limit: LimitDep,
    cursor: CursorQuery = None,
) -> DocumentPending:
    """One document's numbers by child, and the members who have not acknowledged it."""
    unit = service.readable_unit(session, principal, unit_id)
    return service.document_pending(
        session, principal, unit, document_id, cursor=cursor, limit=limit
    )


@router.get(
    "/dashboards/units/{unit_id}/export",
    response_class=Response,
    dependencies=[limit("export")],
    responses={
        200: {
            "content": {exports.XLSX_TYPE: {}, exports.CSV_TYPE: {}},
            "description": "The dashboard as a spreadsheet",
        }
    },
)
def export(
    session: SessionDep,
    principal: CurrentPrincipal,
    unit_id: IdPath,
    period: PeriodDep,
    format: Literal["xlsx", "csv"] = "xlsx",
) -> Response:
    """The dashboard's numbers as XLSX (with the trend and study sheets) or CSV."""
    unit = service.readable_unit(session, principal, unit_id)
    board = service.unit_dashboard(session, principal, unit, period)
    if format == "csv":
        body, media_type = exports.to_csv(board), exports.CSV_TYPE
    else:
        trends = service.trends(session, principal, unit, 12)
        studied = service.unit_study(
            session, principal, unit, cursor=None, limit=EXPORT_STUDY_LIMIT
        )
        body, media_type = exports.to_xlsx(board, trends, studied), exports.XLSX_TYPE
    audit.record_view(
        actor_id=principal.user_id,
        action="dashboard.exported",
        object_type="unit",
        object_id=unit.id,
        unit_path=unit.path,
        after={"format": format, "period": period.label},
    )
    headers = {
        "Content-Disposition": exports.content_disposition(board, format),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content=body, media_type=media_type, headers=headers)
