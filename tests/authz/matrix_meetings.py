"""Role-by-route cases for meetings: the cell's leaders run them, its members see published
ones and answer for themselves, committees above follow them; everyone else gets 404."""

from __future__ import annotations

import datetime as dt

from tests.authz.matrix import SIGNED_IN, case
from tests.meetings.factory import make_held, make_meeting, make_meeting_series, set_start

LEADERS_A1 = {"secretary_a1", "deputy_a1"}
FOLLOWERS_A1 = LEADERS_A1 | {"committee_a"}
SEES_A1 = {"member_a1", "publisher_p", "admin_p", "admin_a"} | FOLLOWERS_A1
# Who sees a published meeting of A1: its members (leaders included) and the committee above.
READERS = FOLLOWERS_A1 | {"member_a1"}
NOT_LEADERS = {"member_a1", "committee_a"}


def _published(w):
    return {"mtg": make_meeting(w)}


def _draft(w):
    return {"mtg": make_meeting(w, publish=False)}


def _now(w):
    """A published meeting that started five minutes ago (check-in open)."""
    from api.db import utcnow

    mid = make_meeting(w, starts_in=dt.timedelta(days=1))
    set_start(mid, utcnow() - dt.timedelta(minutes=5))
    return {"mtg": mid}


def _held(w):
    return {"mtg": make_held(w, present=("member_a1", "deputy_a1"))}


def _with_minutes(w):
    from api.db import new_session
    from api.meetings import minutes
    from api.meetings.schemas import MinutesBody
    from tests.assignments.factory import principal

    mid = make_held(w)
    with new_session() as s:
        minutes.save(s, principal(s, w, "secretary_a1"), mid, MinutesBody(content="Biên bản"))
        s.commit()
    return {"mtg": mid}


def _future():
    from api.db import utcnow

    return (utcnow() + dt.timedelta(days=7)).isoformat()


case(
    "POST",
    "/meetings",
    ok=LEADERS_A1,
    forbidden=SEES_A1 - LEADERS_A1,
    json=lambda w: {
        "cell_id": w.units["A1"],
        "title": "Sinh hoạt chi bộ tháng 12",
        "starts_at": _future(),
        "place": "Nhà văn hóa thôn",
        "agenda": "Kiểm điểm nghị quyết",
    },
)
case("GET", "/meetings", ok=SIGNED_IN)
case(
    "GET",
    "/meetings?scope=cell&cell_id={unit:A1}",
    route="/meetings",
    ok=READERS,
    forbidden=SEES_A1 - READERS,
)
case("GET", "/meetings/{mtg}", route="/meetings/{meeting_id}", ok=READERS, setup=_published)
case(
    "PATCH",
    "/meetings/{mtg}",
    route="/meetings/{meeting_id}",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_published,
    json=lambda w: {"place": "Hội trường UBND xã"},
)
# A draft is the leaders' alone: members and committees do not see it at all.
case(
    "POST",
    "/meetings/{mtg}/publish",
    route="/meetings/{meeting_id}/publish",
    ok=LEADERS_A1,
    setup=_draft,
)
case(
    "POST",
    "/meetings/{mtg}/cancel",
    route="/meetings/{meeting_id}/cancel",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_published,
    json=lambda w: {"reason": "Trùng lịch họp của xã"},
)
case(
    "POST",
    "/meetings/{mtg}/postpone",
    route="/meetings/{meeting_id}/postpone",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_published,
    json=lambda w: {"reason": "Mưa bão"},
)
case(
    "POST",
    "/meetings/{mtg}/reply",
    route="/meetings/{meeting_id}/reply",
    ok={"member_a1"} | LEADERS_A1,  # the leaders are members of the cell too
    forbidden={"committee_a"},
    setup=_published,
    json=lambda w: {"answer": "attend"},
)
case(
    "POST",
    "/meetings/{mtg}/remind",
    route="/meetings/{meeting_id}/remind",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_published,
)
case(
    "POST",
    "/meetings/{mtg}/check-in-code",
    route="/meetings/{meeting_id}/check-in-code",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_now,
)
# A wrong code is a 422 for the members who may check in; the point here is who may try.
case(
    "POST",
    "/meetings/{mtg}/check-in",
    route="/meetings/{meeting_id}/check-in",
    ok=set(),
    forbidden={"committee_a"},
    others=404,
    setup=_now,
    json=lambda w: {"code": "000000"},
).expected = lambda caller: (  # type: ignore[method-assign]
    401
    if caller == "anonymous"
    else 422
    if caller in {"member_a1"} | LEADERS_A1
    else 403
    if caller == "committee_a"
    else 404
)
case(
    "POST",
    "/meetings/{mtg}/attendance",
    route="/meetings/{meeting_id}/attendance",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_now,
    json=lambda w: {"user_id": w.users["member_a1"], "present": True},
)
case(
    "PUT",
    "/meetings/{mtg}/minutes",
    route="/meetings/{meeting_id}/minutes",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_held,
    json=lambda w: {"content": "Chi bộ đã quán triệt kế hoạch.", "conclusions": "Thống nhất."},
)
case(
    "POST",
    "/meetings/{mtg}/minutes/approve",
    route="/meetings/{meeting_id}/minutes/approve",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_with_minutes,
)
# Only attendees (present) rate: member_a1 and deputy_a1 were there, the secretary was not.
case(
    "POST",
    "/meetings/{mtg}/rating",
    route="/meetings/{meeting_id}/rating",
    ok={"member_a1", "deputy_a1"},
    forbidden={"secretary_a1", "committee_a"},
    setup=_held,
    json=lambda w: {"score": 4, "comment": "Nội dung thiết thực"},
)
case(
    "GET",
    "/meetings/{mtg}/ratings",
    route="/meetings/{meeting_id}/ratings",
    ok=FOLLOWERS_A1,
    setup=_held,
)
case(
    "GET",
    "/meeting-series?cell_id={unit:A1}",
    route="/meeting-series",
    ok=FOLLOWERS_A1,
    forbidden=SEES_A1 - FOLLOWERS_A1,
)
case(
    "POST",
    "/meeting-series/{series}/stop",
    route="/meeting-series/{series_id}/stop",
    ok=LEADERS_A1,
    forbidden={"committee_a"},
    setup=lambda w: {"series": make_meeting_series(w)},
)
