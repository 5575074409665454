"""Who may do what to which object: the one place every route, list and export asks.

A role granted on a unit reaches the unit and its whole subtree (materialized path
prefix). Objects outside what the caller can see answer 404 so their existence does not
leak; visible objects the caller may not change answer 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, false, or_
from sqlalchemy.sql import ColumnElement

from api.errors import Forbidden, NotFound
from api.org.models import Role

LEADERS = frozenset({Role.secretary, Role.deputy})
# Who follows the work of members (task and study status) of units in their subtree.
FOLLOWERS = frozenset({Role.secretary, Role.deputy, Role.committee})
OVERSEERS = frozenset({Role.secretary, Role.deputy, Role.committee, Role.admin})
PUBLISHERS = frozenset({Role.publisher})

# action → the roles that allow it on an object inside the grant's subtree.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "unit.create": frozenset({Role.admin}),
    "unit.update": frozenset({Role.admin}),
    "member.list": OVERSEERS,
    "member.read": OVERSEERS,
    "member.create": frozenset({Role.admin}),
    "member.update": frozenset({Role.admin}),
    "member.import": frozenset({Role.admin}),
    "grant.list": frozenset({Role.admin}),
    "grant.manage": frozenset({Role.admin}),
    "audit.read": frozenset({Role.admin}),
    # documents (the issuing unit's publishers)
    "document.manage": PUBLISHERS,
    # assignments and meetings of a cell (its leaders) and their follow-up (committees)
    "assignment.manage": LEADERS,
    "assignment.follow": FOLLOWERS,
    "meeting.manage": LEADERS,
    "meeting.follow": FOLLOWERS,
    "dashboard.read": FOLLOWERS,
}


def subtree_clause(column: Any, path: str) -> ColumnElement[bool]:
    """`column` lies in the subtree rooted at `path` ('/1/5/'): one index range scan.

    Paths are digits and '/', compared bytewise; '0' follows '/' so '/1/50' bounds '/1/5/…'.
    """
    return and_(column >= path, column < subtree_end(path))


def subtree_end(path: str) -> str:
    """The first path after the subtree rooted at `path` (its exclusive upper bound)."""
    return path[:-1] + "0"


def in_any_subtree(column: Any, paths: Iterable[str]) -> ColumnElement[bool]:
    """`column` lies under any of `paths` (false when there are none)."""
    clauses = [subtree_clause(column, p) for p in _roots(paths)]
    return or_(*clauses) if clauses else false()


def _roots(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by a shorter one, so queries stay small."""
    out: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(q) for q in out):
            out.append(p)
    return out


@dataclass(frozen=True)
class Grant:
    id: int
    unit_id: int
    unit_path: str
    role: str


@dataclass
class Principal:
    """The signed-in caller with everything authorization needs, loaded once per request."""

    user_id: int
    full_name: str
    cell_id: int | None
    cell_path: str | None
    grants: list[Grant] = field(default_factory=list)
    session_id: int | None = None
    must_change_password: bool = False

    # --- reach -----------------------------------------------------------------------
    def role_paths(self, roles: Iterable[str]) -> list[str]:
        """Roots of the subtrees where the caller holds any of `roles`."""
        wanted = set(roles)
        return _roots(g.unit_path for g in self.grants if g.role in wanted)

    def has_role_at(self, path: str, roles: Iterable[str]) -> bool:
        """Whether a grant of one of `roles` covers the unit at `path`."""
        wanted = set(roles)
        return any(g.role in wanted and path.startswith(g.unit_path) for g in self.grants)

    def anchors(self) -> list[str]:
        """Paths the caller stands on: their cell and every granted unit."""
        paths = [g.unit_path for g in self.grants]
        if self.cell_path:
            paths.append(self.cell_path)
        return paths

    def can_see_unit(self, path: str) -> bool:
        """A unit is visible when it is on the way up from, or inside a grant of, the caller."""
        if any(a.startswith(path) for a in self.anchors()):
            return True
        return any(path.startswith(g.unit_path) for g in self.grants)

    def visible_units_clause(self, path_column: Any) -> ColumnElement[bool]:
        """SQL filter for units the caller can see (see `can_see_unit`)."""
        ancestors = {a[: i + 1] for a in self.anchors() for i, ch in enumerate(a) if ch == "/"}
        ancestors.discard("/")
        clauses: list[ColumnElement[bool]] = []
        if ancestors:
            clauses.append(path_column.in_(sorted(ancestors)))
        clauses.append(in_any_subtree(path_column, [g.unit_path for g in self.grants]))
        return or_(*clauses)

    def may(self, action: str, path: str) -> bool:
        """Whether the caller may perform `action` on an object of the unit at `path`."""
        return self.has_role_at(path, ACTION_ROLES[action])


def authorize(principal: Principal, action: str, unit_path: str) -> None:
    """Raise NotFound when the object's unit is out of sight, Forbidden when not allowed."""
    if principal.may(action, unit_path):
        return
    if not principal.can_see_unit(unit_path):
        raise NotFound()
    raise Forbidden()


def authorize_hidden(principal: Principal, action: str, unit_path: str) -> None:
    """Like `authorize`, but any refusal is a 404 (for objects only their overseers know)."""
    if not principal.may(action, unit_path):
        raise NotFound()


def member_visible(principal: Principal, user_id: int, cell_path: str | None) -> bool:
    """A member's profile is visible to themself and to overseers of their cell."""
    if user_id == principal.user_id:
        return True
    return cell_path is not None and principal.has_role_at(cell_path, OVERSEERS)
