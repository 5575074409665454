"""Property: cell meeting numbers (held versus planned, attendance, excused and unexcused
absences) on the dashboards, their members and monthly trends equal a recount of the
meeting and attendee rows, also after later replies, marks and state changes."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.dashboards.period import local_midnight
from api.db import utcnow
from api.text import VN_TZ
from tests.dashboards import oracle
from tests.dashboards.test_dashboards_property import (
    MEETING_STATES,
    Spec,
    _apply,
    _build,
    _check_members,
    _get,
)

REPLIES = [None, "attend", "excused"]
PRESENT = [None, True, False]


@st.composite
def meeting_specs(draw: st.DrawFn) -> Spec:
    """A small tree whose cells hold meetings with attendees; no tasks or documents."""
    n = draw(st.integers(2, 6))
    parents = [draw(st.integers(0, i - 1)) for i in range(1, n)]
    cells = [False] + [True] * (n - 1)
    members = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.booleans()), min_size=1, max_size=8)
    )
    attendee = st.tuples(
        st.integers(0, len(members) - 1), st.sampled_from(REPLIES), st.sampled_from(PRESENT),
        st.booleans(),
    )  # fmt: skip
    meetings = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(-24 * 45, 24 * 3),
                st.sampled_from(MEETING_STATES),
                st.booleans() | st.just(True),
                st.lists(attendee, min_size=1, max_size=6),
            ),
            min_size=1,
            max_size=5,
        )
    )
    i = st.integers(0, 50)
    changes = draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("attend"), i, st.sampled_from(REPLIES), st.sampled_from(PRESENT)),
                st.tuples(st.just("meeting"), i, st.sampled_from(MEETING_STATES)),
                st.tuples(st.just("move"), i, st.integers(0, n - 1)),
            ),
            max_size=4,
        )
    )
    period = (draw(st.integers(-50, 0)), draw(st.integers(0, 60)))
    return Spec(
        parents, cells, members, [], [], period, draw(st.integers(0, n - 1)), changes,
        meetings=meetings,
    )  # fmt: skip


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=meeting_specs())
def test_meeting_numbers_equal_a_recount(client, spec: Spec) -> None:
    now = utcnow().replace(microsecond=0)
    ids, token = _build(spec, now)
    _apply(spec, now)
    raw = oracle.load()
    unit = ids[spec.target]
    today = now.astimezone(VN_TZ).date()
    first = today + dt.timedelta(days=spec.period[0])
    last = first + dt.timedelta(days=spec.period[1])
    start, end = local_midnight(first), local_midnight(last + dt.timedelta(days=1))
    board = _get(
        client, token, f"/dashboards/units/{unit}", **{"from": str(first), "to": str(last)}
    )
    check_now = utcnow()

    def recount(records, meetings=(), user_id=None):
        return oracle.totals(records, raw, check_now) | oracle.meeting_totals(
            raw, list(meetings), user_id
        )

    assert board["totals"] == recount([], oracle.meetings_under(raw, unit, start, end))
    for child in board["children"]:
        cid = child["unit"]["id"]
        assert child["totals"] == recount([], oracle.meetings_under(raw, cid, start, end))
    _check_members(board, raw, unit, start, end, recount)
    trends = _get(client, token, f"/dashboards/units/{unit}/trends", months=3)
    for point in trends["months"]:
        met = [
            i for i, m in raw.meetings.items()
            if raw.under(m["cell_id"], unit) and oracle.month_of(m["starts_at"]) == point["month"]
        ]  # fmt: skip
        assert point["totals"] == recount([], met)
