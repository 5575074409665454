"""Role-by-route cases for dashboards: a unit's committee (and a cell's secretary and deputy)
read them; everyone who merely sees the unit gets 403, everyone else 404."""

from __future__ import annotations

from tests.authz.matrix import SIGNED_IN, case

FOLLOWERS_A = {"committee_a"}
FOLLOWERS_A1 = {"secretary_a1", "deputy_a1", "committee_a"}
SEES_A1 = {"member_a1", "publisher_p", "admin_p", "admin_a"} | FOLLOWERS_A1
# A is on the way up from A1 (and from A2), so whoever sees A1 sees A too.
SEES_A = SEES_A1 | {"member_a2"}


def _document(w):
    from tests.documents.factory import make_document

    return {"doc": make_document(w, symbol="21-NQ/ĐU")}


case("GET", "/dashboards", ok=SIGNED_IN)
case("GET", "/dashboards/units/{unit:A}", ok=FOLLOWERS_A, forbidden=SEES_A - FOLLOWERS_A)
case("GET", "/dashboards/units/{unit:A1}", ok=FOLLOWERS_A1, forbidden=SEES_A1 - FOLLOWERS_A1)
case(
    "GET",
    "/dashboards/units/{unit:A}/trends",
    ok=FOLLOWERS_A,
    forbidden=SEES_A - FOLLOWERS_A,
)
case(
    "GET",
    "/dashboards/units/{unit:A1}/members/{user:member_a1}",
    ok=FOLLOWERS_A1,
    forbidden=SEES_A1 - FOLLOWERS_A1,
)
case(
    "GET",
    "/dashboards/units/{unit:A1}/documents",
    ok=FOLLOWERS_A1,
    forbidden=SEES_A1 - FOLLOWERS_A1,
)
case(
    "GET",
    "/dashboards/units/{unit:A1}/documents/{doc}",
    route="/dashboards/units/{unit_id}/documents/{document_id}",
    ok=FOLLOWERS_A1,
    forbidden=SEES_A1 - FOLLOWERS_A1,
    setup=_document,
)
case(
    "GET",
    "/dashboards/units/{unit:A}/export?format=csv",
    route="/dashboards/units/{unit_id}/export",
    ok=FOLLOWERS_A,
    forbidden=SEES_A - FOLLOWERS_A,
)
case(
    "GET",
    "/dashboards/units/{unit:A1}/export?format=xlsx",
    route="/dashboards/units/{unit_id}/export",
    ok=FOLLOWERS_A1,
    forbidden=SEES_A1 - FOLLOWERS_A1,
)
