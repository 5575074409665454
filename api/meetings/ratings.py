"""Anonymous quality ratings: attendees rate a held meeting once; leaders see aggregates.

Two unlinked tables: `meeting_raters` (meeting, member: that they rated, to allow it once)
and `meeting_ratings` (meeting, score, comment: what was said). Rating rows carry a random
key and no time and no author, and are read back only as counts, an average, a
distribution and comments sorted by text, so no API, export or row order ties a score to
a member. The audit trail records that a member rated, never the score.
"""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from api.audit import service as audit
from api.authz import Principal
from api.errors import Duplicate, Forbidden, NotFound
from api.meetings.access import Access, load
from api.meetings.models import MeetingRater, MeetingRating
from api.meetings.schemas import RatingBody, RatingSummary
from api.meetings.states import HELD, require

# Below this many ratings nothing but the count is shown: with two attendees, each could
# read the other's score off an average.
MIN_COUNT = 3


def rate(session: Session, principal: Principal, meeting_id: int, body: RatingBody) -> None:
    """An attendee (marked present) rates the meeting once, anonymously."""
    access = load(session, principal, meeting_id)
    require(access.meeting.state, HELD)
    if access.own is None or not access.own.present:
        raise Forbidden("problem.meeting_not_attendee.detail")
    try:
        with session.begin_nested():
            session.add(MeetingRater(meeting_id=access.meeting_id, user_id=principal.user_id))
            session.flush()
    except IntegrityError:
        raise Duplicate("problem.meeting_rated.detail") from None
    session.add(
        MeetingRating(
            id=secrets.token_hex(16),
            meeting_id=access.meeting_id,
            score=body.score,
            comment=body.comment,
        )
    )
    audit.record(
        session,
        actor_id=principal.user_id,
        action="meeting.rate",
        object_type="meeting",
        object_id=access.meeting_id,
        unit_path=access.path,
    )


def has_rated(session: Session, meeting_id: int, user_id: int) -> bool:
    """Whether the member has rated the meeting (their own screen only)."""
    return session.get(MeetingRater, {"meeting_id": meeting_id, "user_id": user_id}) is not None


def summary(session: Session, principal: Principal, meeting_id: int) -> RatingSummary:
    """The aggregate for the cell's leaders and the committees above it."""
    access = load(session, principal, meeting_id)
    if not access.follower:
        raise NotFound()
    return aggregate(session, access)


def aggregate(session: Session, access: Access) -> RatingSummary:
    """Count, average, distribution and comments (sorted by text, never by entry)."""
    rows = session.exec(
        select(MeetingRating.score, func.count())
        .where(MeetingRating.meeting_id == access.meeting_id)
        .group_by(col(MeetingRating.score))
    ).all()
    distribution = {str(s): 0 for s in range(1, 6)}
    for score, n in rows:
        distribution[str(score)] = int(n)
    count = sum(distribution.values())
    if count < MIN_COUNT:
        return RatingSummary(
            count=count, shown=False, min_count=MIN_COUNT, average=None,
            distribution=None, comments=None,
        )  # fmt: skip
    total = sum(int(s) * n for s, n in distribution.items())
    comments = sorted(
        c
        for c in session.exec(
            select(MeetingRating.comment).where(
                MeetingRating.meeting_id == access.meeting_id,
                col(MeetingRating.comment).is_not(None),
            )
        )
        if c
    )
    return RatingSummary(
        count=count,
        shown=True,
        min_count=MIN_COUNT,
        average=round(total / count, 2),
        distribution=distribution,
        comments=comments,
    )
