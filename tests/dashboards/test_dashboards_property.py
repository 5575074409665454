"""Property: on random trees, assignments, states, times, receipts and cell meetings with their
attendance written to the real database, every dashboard number equals a direct recount from
the raw rows (tests/dashboards/oracle.py), at every unit, for any period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from api.assignments.models import Assignment, AssignmentRecord
from api.auth.service import start_bearer_session
from api.dashboards import tallies
from api.dashboards.period import last_months, local_midnight
from api.db import new_session, utcnow
from api.documents.models import Document, DocumentAudience, DocumentReceipt
from api.meetings.models import Meeting, MeetingAttendee
from api.meetings.service import recount as recount_meeting
from api.members.models import User
from api.org import service as org
from api.org.models import OrgUnit, RoleGrant
from api.text import VN_TZ, vn_sort_key
from tests.dashboards import oracle

API = "/api/v1"
STATES = oracle.STATES
MEETING_STATES = ["planned", "held", "minutes_approved", "cancelled", "postponed"]
NAMES = ["Nguyễn Văn An", "Trần Thị Ánh", "Lê Đức Anh", "Phạm Thị Bình", "Đỗ Văn Ân"]


@dataclass
class Spec:
    parents: list[int]  # parent index of nodes 1.. (node 0 is the root)
    cells: list[bool]  # per node: a cell (members belong to it) when it is also a leaf
    members: list[tuple[int, bool]]  # (node, active)
    assignments: list[tuple[int, int, list[tuple[int, str, int | None]]]]
    documents: list[tuple[str, int, list[int], list[tuple[int, int, bool, bool]]]]
    period: tuple[int, int]  # days from today: first, length
    target: int  # the node whose dashboards are checked
    changes: list[tuple]  # later writes, one transaction each (see _change)
    # (node, start in hours from now, state, published, [(member, reply, present, late)])
    meetings: list[tuple] = field(default_factory=list)


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    """A small random organisation with tasks and documents around now."""
    n = draw(st.integers(2, 8))
    parents = [draw(st.integers(0, i - 1)) for i in range(1, n)]
    cells = [False] + [draw(st.booleans()) or draw(st.booleans()) for _ in range(1, n)]
    members = draw(st.lists(st.tuples(st.integers(0, n - 1), st.booleans()), max_size=10))
    people = len(members)
    record = st.tuples(
        st.integers(0, max(people - 1, 0)),
        st.sampled_from(STATES),
        st.one_of(st.none(), st.integers(-72, 72)),  # report time, hours from the due time
    )
    assignments = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(-24 * 75, 24 * 75),  # due time, hours from now
                st.lists(record, max_size=5) if people else st.just([]),
            ),
            max_size=6,
        )
    )
    receipt = st.tuples(
        st.integers(0, max(people - 1, 0)), st.integers(1, 2), st.booleans(), st.booleans()
    )
    documents = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["published", "published", "archived", "draft"]),
                st.integers(1, 2),
                st.lists(st.integers(0, n - 1), min_size=1, max_size=2, unique=True),
                st.lists(receipt, max_size=8) if people else st.just([]),
            ),
            max_size=3,
        )
    )
    period = (draw(st.integers(-80, 40)), draw(st.integers(0, 70)))
    target = draw(st.integers(0, n - 1))
    attendee = st.tuples(
        st.integers(0, max(people - 1, 0)),
        st.sampled_from([None, "attend", "excused"]),
        st.sampled_from([None, True, False]),
        st.booleans(),
    )
    meetings = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                # Mostly in the past weeks, so the monthly trend also counts them.
                st.integers(-24 * 30, 24 * 10),
                st.sampled_from(MEETING_STATES),
                st.booleans() | st.just(True),
                st.lists(attendee, max_size=5) if people else st.just([]),
            ),
            max_size=4,
        )
    )
    return Spec(
        parents, cells, members, assignments, documents, period, target, draw(changes(n)),
        meetings=meetings,
    )  # fmt: skip


def changes(n: int) -> st.SearchStrategy[list[tuple]]:
    """Writes after the first load: each must move the roll-ups exactly as the raw rows."""
    i = st.integers(0, 50)  # taken modulo the number of rows there are
    change = st.one_of(
        st.tuples(
            st.just("state"), i, st.sampled_from(STATES), st.one_of(st.none(), st.integers(-72, 72))
        ),
        st.tuples(st.just("due"), i, st.integers(-24 * 75, 24 * 75)),
        st.tuples(st.just("move"), i, st.integers(0, n - 1)),
        st.tuples(st.just("active"), i, st.booleans()),
        st.tuples(st.just("receipt"), i, i, st.integers(1, 2), st.booleans(), st.booleans()),
        st.tuples(st.just("drop"), i),
        st.tuples(
            st.just("attend"),
            i,
            st.sampled_from([None, "attend", "excused"]),
            st.sampled_from([None, True, False]),
        ),
        st.tuples(st.just("meeting"), i, st.sampled_from(MEETING_STATES)),
    )
    return st.lists(change, max_size=6)


def _empty() -> None:
    """Empty every table: DELETE, which PostgreSQL does on small tables far faster than the
    TRUNCATE of the per-test clean-up (ids need not restart here)."""
    from sqlalchemy import text
    from sqlmodel import SQLModel

    with new_session() as s:
        for table in reversed(SQLModel.metadata.sorted_tables):
            s.execute(text(f"DELETE FROM {table.name}"))
        s.commit()


def _build(spec: Spec, now: dt.datetime) -> tuple[list[int], str]:
    """Write the spec into the database; returns the unit ids and a committee's token."""
    _empty()
    with new_session() as s:
        nodes = [org.create_root(s, name="Đảng bộ tỉnh Thử Nghiệm", code="R", kind="province")]
        leaves = set(range(len(spec.parents) + 1)) - set(spec.parents)
        for i, parent in enumerate(spec.parents, start=1):
            kind = "cell" if i in leaves and spec.cells[i] else "commune"
            nodes.append(
                org.insert_unit(s, nodes[parent], name=f"Đơn vị {i}", code=f"U{i}", kind=kind)
            )
        # Members only belong to cells: a member drawn on another node goes to the first cell.
        cells = [u for u in nodes if u.kind == "cell"] or [nodes[-1]]
        users = []
        for k, (node, active) in enumerate(spec.members):
            unit = nodes[node] if nodes[node].kind == "cell" else cells[k % len(cells)]
            name = NAMES[k % len(NAMES)]
            user = User(
                full_name=name, name_sort=vn_sort_key(name), party_card_number=f"9{k:07d}",
                cell_id=unit.id, is_active=active,
            )  # fmt: skip
            s.add(user)
            users.append(user)
        boss = User(full_name="Cấp ủy viên", name_sort="", party_card_number="80000000")
        s.add(boss)
        s.flush()
        s.add(RoleGrant(user_id=boss.id, unit_id=nodes[0].id, role="committee"))  # type: ignore[arg-type]
        _tasks(s, spec, nodes, users, boss.id, now)  # type: ignore[arg-type]
        _documents(s, spec, nodes, users, now)
        _meetings(s, spec, nodes, users, boss.id, now)  # type: ignore[arg-type]
        token = start_bearer_session(s, boss, "hypothesis", None)[0]
        s.commit()
        return [u.id for u in nodes], token  # type: ignore[misc]


def _tasks(s, spec: Spec, nodes, users, boss_id: int, now: dt.datetime) -> None:
    for node, hours, records in spec.assignments:
        # Whole hours plus 30 minutes: no due time lands between the API's clock and the oracle's.
        due = now + dt.timedelta(hours=hours, minutes=30)
        a = Assignment(cell_id=nodes[node].id, title="Nhiệm vụ", due_at=due, created_by=boss_id)
        s.add(a)
        s.flush()
        seen = set()
        for who, state, report in records:
            if who in seen:
                continue  # one record per assignee
            seen.add(who)
            submitted = None if report is None else due + dt.timedelta(hours=report)
            s.add(
                AssignmentRecord(
                    assignment_id=a.id,
                    assignee_id=users[who].id,
                    state=state,
                    submitted_at=submitted,
                )
            )


def _documents(s, spec: Spec, nodes, users, now: dt.datetime) -> None:
    for k, (status, version, targets, receipts) in enumerate(spec.documents):
        doc = Document(
            kind="resolution", symbol=f"{k + 1}-NQ/TU", symbol_key=f"{k + 1}nqtu",
            issuer_id=nodes[0].id, issued_on=dt.date(2026, 1, 1), title="Nghị quyết",
            status=status, version=version,
            published_at=now, revised_at=now - dt.timedelta(minutes=k),
        )  # fmt: skip
        s.add(doc)
        s.flush()
        for t in targets:
            s.add(DocumentAudience(document_id=doc.id, unit_id=nodes[t].id))
        seen = set()
        for who, v, opened, acked in receipts:
            if (who, v) in seen or v > version:
                continue
            seen.add((who, v))
            s.add(
                DocumentReceipt(
                    document_id=doc.id, user_id=users[who].id, version=v,
                    first_opened_at=now if opened or acked else None,
                    acknowledged_at=now if acked else None,
                )
            )  # fmt: skip


def _meetings(s, spec: Spec, nodes, users, boss_id: int, now: dt.datetime) -> None:
    """Meetings with attendee rows; counters recounted as the meetings services do."""
    for node, hours, state, published, attendees in spec.meetings:
        m = Meeting(
            cell_id=nodes[node].id, title="Sinh hoạt chi bộ", created_by=boss_id, state=state,
            starts_at=now + dt.timedelta(hours=hours, minutes=30),
            published_at=now if published else None,
        )  # fmt: skip
        s.add(m)
        s.flush()
        seen = set()
        for who, reply, present, late in attendees:
            if who in seen:
                continue
            seen.add(who)
            s.add(
                MeetingAttendee(
                    meeting_id=m.id, user_id=users[who].id, reply=reply, present=present,
                    late=bool(late and present),
                )
            )  # fmt: skip
        recount_meeting(s, m)


def _rows(s, model) -> list:
    return list(s.exec(select(model).order_by(model.id)))


def _apply(spec: Spec, now: dt.datetime) -> None:
    """The spec's later writes through the ORM, each in its own transaction."""
    for change in spec.changes:
        with new_session() as s:
            _change(s, change, now)
            s.commit()


def _change(s, change: tuple, now: dt.datetime) -> None:
    kind, k = change[0], change[1]
    records, users = _rows(s, AssignmentRecord), _rows(s, User)
    members = [u for u in users if u.cell_id is not None and u.party_card_number.startswith("9")]
    if kind in ("state", "drop") and records:
        record = records[k % len(records)]
        if kind == "drop":
            s.delete(record)
            return
        record.state = change[2]
        record.submitted_at = None if change[3] is None else now + dt.timedelta(hours=change[3])
        s.add(record)
    elif kind == "due":
        assignments = _rows(s, Assignment)
        if assignments:
            a = assignments[k % len(assignments)]
            a.due_at = now + dt.timedelta(hours=change[2], minutes=30)
            s.add(a)
    elif kind in ("move", "active") and members:
        member = members[k % len(members)]
        if kind == "active":
            member.is_active = change[2]
        else:
            cells = [u for u in _rows(s, OrgUnit) if u.kind == "cell"]
            member.cell_id = cells[change[2] % len(cells)].id if cells else member.cell_id
        s.add(member)
    elif kind == "attend":
        rows = _rows(s, MeetingAttendee)
        if rows:
            row = rows[k % len(rows)]
            row.reply, row.present = change[2], change[3]
            s.add(row)
            recount_meeting(s, s.get(Meeting, row.meeting_id))
    elif kind == "meeting":
        meetings = _rows(s, Meeting)
        if meetings:
            m = meetings[k % len(meetings)]
            m.state = change[2]
            s.add(m)
    elif kind == "receipt" and members:
        docs = _rows(s, Document)
        if not docs:
            return
        doc, member = docs[k % len(docs)], members[change[2] % len(members)]
        version = min(change[3], doc.version)
        receipt = s.exec(
            select(DocumentReceipt).where(
                DocumentReceipt.document_id == doc.id,
                DocumentReceipt.user_id == member.id,
                DocumentReceipt.version == version,
            )
        ).first() or DocumentReceipt(document_id=doc.id, user_id=member.id, version=version)
        receipt.first_opened_at = now if change[4] or change[5] else None
        receipt.acknowledged_at = now if change[5] else None
        s.add(receipt)


def _get(client, token: str, url: str, **params) -> dict:
    r = client.get(API + url, headers={"Authorization": f"Bearer {token}"}, params=params)
    assert r.status_code == 200, r.text
    return r.json()


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=specs())
def test_every_number_equals_a_recount_from_the_raw_rows(client, spec: Spec) -> None:
    now = utcnow().replace(microsecond=0)
    ids, token = _build(spec, now)
    _apply(spec, now)
    with new_session() as s:
        assert tallies.drift(s) == []
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

    assert board["totals"] == recount(
        oracle.records_under(raw, unit, start, end), oracle.meetings_under(raw, unit, start, end)
    )
    kids = {c["unit"]["id"]: c["totals"] for c in board["children"]}
    assert set(kids) == set(raw.children(unit))
    for child, got in kids.items():
        assert got == recount(
            oracle.records_under(raw, child, start, end),
            oracle.meetings_under(raw, child, start, end),
        )
    _check_members(board, raw, unit, start, end, recount)
    _check_trends(client, token, raw, unit, recount)
    _check_study(client, token, raw, unit)


def _check_members(board, raw: oracle.Raw, unit: int, start, end, recount) -> None:
    if raw.units[unit]["kind"] != "cell":
        assert board["members"] is None
        return
    own = [
        r for r in raw.records
        if raw.assignments[r["assignment_id"]]["cell_id"] == unit
        and start <= raw.assignments[r["assignment_id"]]["due_at"] < end
    ]  # fmt: skip
    met = [
        i for i, m in raw.meetings.items()
        if m["cell_id"] == unit and start <= m["starts_at"] < end and oracle.planned(m)
    ]  # fmt: skip
    people = {u for u, row in raw.users.items() if row["cell_id"] == unit and row["is_active"]}
    people |= {r["assignee_id"] for r in own}
    people |= {a["user_id"] for a in raw.attendees if a["meeting_id"] in met}
    got = {m["member"]["id"]: m["totals"] for m in board["members"]}
    assert set(got) == people
    for uid in people:
        assert got[uid] == recount([r for r in own if r["assignee_id"] == uid], met, uid)


def _check_trends(client, token: str, raw: oracle.Raw, unit: int, recount) -> None:
    months = [m.key for m in last_months(12)]
    body = _get(client, token, f"/dashboards/units/{unit}/trends")
    assert [m["month"] for m in body["months"]] == months
    for point in body["months"]:
        mine = [
            r for r in raw.records
            if raw.under(raw.assignments[r["assignment_id"]]["cell_id"], unit)
            and oracle.month_of(raw.assignments[r["assignment_id"]]["due_at"]) == point["month"]
        ]  # fmt: skip
        met = [
            i for i, m in raw.meetings.items()
            if raw.under(m["cell_id"], unit) and oracle.month_of(m["starts_at"]) == point["month"]
        ]  # fmt: skip
        assert point["totals"] == recount(mine, met)


def _check_study(client, token: str, raw: oracle.Raw, unit: int) -> None:
    body = _get(client, token, f"/dashboards/units/{unit}/documents", limit=100)
    expected = {d for d in raw.documents if oracle.reaches(raw, d, unit)}
    assert {i["document"]["id"] for i in body["items"]} == expected
    for item in body["items"]:
        doc = item["document"]["id"]
        totals, audience, acked = oracle.study(raw, doc, unit)
        assert item["totals"] == totals
        targets = [a["unit_id"] for a in raw.audience if a["document_id"] == doc]
        reached = {
            c for c in raw.children(unit)
            if any(raw.under(c, t) or raw.under(t, c) for t in targets)
        }  # fmt: skip
        assert {c["unit"]["id"] for c in item["children"]} == reached
        for child in item["children"]:
            assert child["totals"] == oracle.study(raw, doc, child["unit"]["id"])[0]
        # Pages of 2: every member yet to study it once, by cell path then name order.
        seen, cursor = [], None
        while True:
            extra = {"cursor": cursor} if cursor else {}
            page = _get(
                client, token, f"/dashboards/units/{unit}/documents/{doc}", limit=2, **extra
            )
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(m["id"] for m in seen) == sorted(audience - acked)
        same = {k for k in item if k != "not_acknowledged"}
        assert {k: page["document"][k] for k in same} == {k: item[k] for k in same}
        if raw.units[unit]["kind"] == "cell":
            assert {m["id"] for m in item["not_acknowledged"]} == audience - acked
