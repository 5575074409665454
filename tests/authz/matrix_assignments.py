"""Role-by-route cases for assignments: members act on their own records only, leaders on
their cell's, committees read their subtree's; everyone else gets 404."""

from __future__ import annotations

from tests.assignments.factory import make_assignment, make_series
from tests.authz.matrix import SIGNED_IN, case

LEADERS_A1 = {"secretary_a1", "deputy_a1"}
FOLLOWERS_A1 = LEADERS_A1 | {"committee_a"}
# Callers who can see unit A1 itself (on their way up, or inside a grant).
SEES_A1 = {"member_a1", "publisher_p", "admin_p", "admin_a"} | FOLLOWERS_A1
ASSIGNEE = {"member_a1"}
NOT_LEADERS = {"member_a1", "committee_a"}  # see the assignment, may not change it


def _given(w):
    return {"asg": make_assignment(w)}


def _submitted(w):
    return {"asg": make_assignment(w, submitted=("member_a1",))}


def _future():
    import datetime as dt

    from api.db import utcnow

    return (utcnow() + dt.timedelta(days=5)).isoformat()


case(
    "POST",
    "/assignments",
    ok=LEADERS_A1,
    forbidden=SEES_A1 - LEADERS_A1,
    json=lambda w: {
        "cell_id": w.units["A1"],
        "title": "Tham gia vệ sinh môi trường",
        "description": "Sáng Chủ nhật tại nhà văn hóa thôn.",
        "due_at": _future(),
        "assignee_ids": [w.users["member_a1"]],
    },
)
case("GET", "/assignments", ok=SIGNED_IN)
case(
    "GET",
    "/assignments?scope=cell&cell_id={unit:A1}",
    route="/assignments",
    ok=FOLLOWERS_A1,
    forbidden=SEES_A1 - FOLLOWERS_A1,
)
case(
    "GET",
    "/assignments/{asg}",
    route="/assignments/{assignment_id}",
    ok=FOLLOWERS_A1 | ASSIGNEE,
    setup=_given,
)
case(
    "GET",
    "/assignments/{asg}/history",
    route="/assignments/{assignment_id}/history",
    ok=FOLLOWERS_A1 | ASSIGNEE,
    setup=_given,
)
case(
    "PATCH",
    "/assignments/{asg}",
    route="/assignments/{assignment_id}",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_given,
    json=lambda w: {"title": "Nộp thu hoạch (bổ sung)"},
)
case(
    "POST",
    "/assignments/{asg}/start",
    route="/assignments/{assignment_id}/start",
    ok=ASSIGNEE,
    forbidden=FOLLOWERS_A1,
    setup=_given,
)
case(
    "POST",
    "/assignments/{asg}/submit",
    route="/assignments/{assignment_id}/submit",
    ok=ASSIGNEE,
    forbidden=FOLLOWERS_A1,
    setup=_given,
    json=lambda w: {"report": "Đã hoàn thành, có ảnh kèm theo."},
)
case(
    "POST",
    "/assignments/{asg}/assignees/{user:member_a1}/approve",
    route="/assignments/{assignment_id}/assignees/{user_id}/approve",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_submitted,
)
case(
    "POST",
    "/assignments/{asg}/assignees/{user:member_a1}/return",
    route="/assignments/{assignment_id}/assignees/{user_id}/return",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_submitted,
    json=lambda w: {"reason": "Đề nghị bổ sung việc làm cụ thể."},
)
case(
    "POST",
    "/assignments/{asg}/assignees",
    route="/assignments/{assignment_id}/assignees",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_given,
    json=lambda w: {"user_ids": [w.users["member_a1b"]]},
)
case(
    "DELETE",
    "/assignments/{asg}/assignees/{user:member_a1}",
    route="/assignments/{assignment_id}/assignees/{user_id}",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_given,
)
case(
    "POST",
    "/assignments/{asg}/cancel",
    route="/assignments/{assignment_id}/cancel",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_given,
    json=lambda w: {"reason": "Trùng với kế hoạch của xã."},
)
case(
    "POST",
    "/assignments/{asg}/remind",
    route="/assignments/{assignment_id}/remind",
    ok=LEADERS_A1,
    forbidden=NOT_LEADERS,
    setup=_given,
)
case(
    "POST",
    "/assignments/{asg}/comments",
    route="/assignments/{assignment_id}/comments",
    ok=LEADERS_A1 | ASSIGNEE,
    forbidden={"committee_a"},
    setup=_given,
    json=lambda w: {"text": "Đồng chí nhớ gửi kèm ảnh."},
)
case(
    "GET",
    "/assignment-series?cell_id={unit:A1}",
    route="/assignment-series",
    ok=FOLLOWERS_A1,
    forbidden=SEES_A1 - FOLLOWERS_A1,
)
case(
    "POST",
    "/assignment-series/{series}/stop",
    route="/assignment-series/{series_id}/stop",
    ok=LEADERS_A1,
    forbidden={"committee_a"},
    setup=lambda w: {"series": make_series(w)},
)
