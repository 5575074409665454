"""The role-by-route matrix: every API route, every kind of caller, the expected answer.

Each domain adds its routes' cases here. A route of the app with no case fails
`test_every_route_has_a_case`, so nothing ships unchecked.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CALLERS = [
    "anonymous",
    "member_a1",
    "member_a2",  # another cell of the same commune: shares every ancestor but the cell
    "member_b1",
    "secretary_a1",
    "deputy_a1",
    "secretary_b1",
    "committee_a",
    "committee_b",
    "publisher_p",
    "admin_p",
    "admin_a",
]
SIGNED_IN = set(CALLERS) - {"anonymous"}


@dataclass
class Case:
    """One route: how to call it and who gets what.

    `ok` callers get a 2xx; `forbidden` get 403; every other signed-in caller gets
    `others` (404 by default: the object is out of their sight); anonymous gets 401.
    """

    method: str
    path: str  # may contain {unit:CODE}, {user:NAME}, {grant:NAME}, {…} filled by `fill`
    ok: set[str]
    forbidden: set[str] = field(default_factory=set)
    others: int = 404
    anonymous: int = 401
    json: Callable[[Any], dict[str, Any]] | None = None
    form: Callable[[Any], dict[str, Any]] | None = None
    files: Callable[[Any], dict[str, Any]] | None = None  # multipart uploads
    setup: Callable[[Any], dict[str, Any]] | None = None  # extra placeholders, e.g. ids
    route: str | None = None  # the route template when it differs from `path`

    def expected(self, caller: str) -> int | str:
        if caller == "anonymous":
            return self.anonymous
        if caller in self.ok:
            return "2xx"
        if caller in self.forbidden:
            return 403
        return self.others


CASES: list[Case] = []


def case(*args: Any, **kwargs: Any) -> Case:
    c = Case(*args, **kwargs)
    CASES.append(c)
    return c


ADMINS_OF_A = {"admin_p", "admin_a"}
SEES_A1 = {"member_a1", "secretary_a1", "deputy_a1", "committee_a", "publisher_p"} | ADMINS_OF_A
SEES_A = SEES_A1 | {"member_a2"}  # the commune is on the way up from A1 and A2, or granted

_n = itertools.count()  # distinct usernames, so sign-in throttling does not kick in

# --- sessions (public or any signed-in caller) ----------------------------------------------
case(
    "POST",
    "/auth/token",
    ok=set(),
    others=401,
    anonymous=401,
    form=lambda w: {"username": f"nobody{next(_n)}", "password": "wrong-password"},
)
case(
    "POST",
    "/auth/refresh",
    ok=set(),
    others=401,
    anonymous=401,
    json=lambda w: {"refresh_token": "not-a-real-refresh-token"},
)
case(
    "POST",
    "/auth/login",
    ok=set(),
    others=401,
    anonymous=401,
    json=lambda w: {"username": f"nobody{next(_n)}", "password": "wrong-password"},
)
case("POST", "/auth/logout", ok=SIGNED_IN, anonymous=204)
case("GET", "/me", ok=SIGNED_IN)
case(
    "POST",
    "/me/password",
    ok=set(),
    others=422,
    json=lambda w: {"current_password": "wrong", "new_password": "Một mật khẩu mới 2025"},
)

# --- organisation ---------------------------------------------------------------------------
case("GET", "/units/{unit:A1}", ok=SEES_A1)
case("GET", "/units/{unit:A1}/children", ok=SEES_A1)
case(
    "GET",
    "/units/{unit:A}/members",
    ok={"committee_a"} | ADMINS_OF_A,
    forbidden=SEES_A - {"committee_a"} - ADMINS_OF_A,
)
case(
    "GET",
    "/units/{unit:A1}/members",
    ok={"secretary_a1", "deputy_a1", "committee_a"} | ADMINS_OF_A,
    forbidden={"member_a1", "publisher_p"},
)
case("GET", "/units/{unit:A}/role-grants", ok=ADMINS_OF_A, forbidden=SEES_A - ADMINS_OF_A)
case(
    "POST",
    "/units",
    ok=ADMINS_OF_A,
    forbidden=SEES_A - ADMINS_OF_A,
    json=lambda w: {
        "parent_id": w.units["A"],
        "name": "Chi bộ thôn Mới",
        "code": "A9",
        "kind": "cell",
    },
)
case(
    "PATCH",
    "/units/{unit:A1}",
    ok=ADMINS_OF_A,
    forbidden=SEES_A1 - ADMINS_OF_A,
    json=lambda w: {"name": "Chi bộ thôn Đông Bắc"},
)
case(
    "POST",
    "/role-grants",
    ok=ADMINS_OF_A,
    forbidden=SEES_A1 - ADMINS_OF_A,  # the grant is on cell A1
    json=lambda w: {"user_id": w.users["member_a1b"], "unit_id": w.units["A1"], "role": "deputy"},
)
case(
    "DELETE",
    "/role-grants/{grant}",
    route="/role-grants/{grant_id}",
    ok=ADMINS_OF_A,
    setup=lambda w: {"grant": w.grant_id("deputy_a1", "A1")},
)
case(
    "POST",
    "/members",
    ok=ADMINS_OF_A,
    forbidden=SEES_A1 - ADMINS_OF_A,
    json=lambda w: {
        "full_name": "Trần Thị Mai",
        "party_card_number": "55500001",
        "cell_id": w.units["A1"],
        "password": "Mật khẩu tạm thời 01",
    },
)
case(
    "GET",
    "/members/{user:member_a1}",
    route="/members/{user_id}",
    ok={"member_a1", "secretary_a1", "deputy_a1", "committee_a"} | ADMINS_OF_A,
)
case(
    "PATCH",
    "/members/{user:member_a1}",
    route="/members/{user_id}",
    ok=ADMINS_OF_A,
    forbidden={"member_a1", "secretary_a1", "deputy_a1", "committee_a"},
    json=lambda w: {"full_name": "Nguyễn Văn Đổi Tên"},
)
case(
    "GET",
    "/audit-events?unit_id={unit:A}",
    route="/audit-events",
    ok=ADMINS_OF_A,
    forbidden=SEES_A - ADMINS_OF_A,
)
case(
    "POST",
    "/members/{user:member_a1b}/erase",
    route="/members/{user_id}/erase",
    ok=ADMINS_OF_A,
    forbidden={"secretary_a1", "deputy_a1", "committee_a"},
)
case("GET", "/me/export", ok=SIGNED_IN)


def _load_domain_cases() -> None:
    """Each domain keeps its cases in `tests/authz/matrix_<domain>.py`, calling `case(...)`."""
    import importlib
    import pkgutil
    from pathlib import Path

    here = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda i: i.name):
        if info.name.startswith("matrix_"):
            importlib.import_module(f"tests.authz.{info.name}")


_load_domain_cases()
