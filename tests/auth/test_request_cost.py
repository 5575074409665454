"""What every signed-in request pays before its own work: one statement to know the caller."""

from __future__ import annotations

from sqlalchemy import event

from api.db import get_engine


def _statements(client, path, headers) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path, headers=headers).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE"))]


def test_the_caller_with_grants_and_cell_is_loaded_in_one_statement(client, world):
    # secretary_a1 has a grant and a cell: both come with the token lookup.
    statements = _statements(client, "/api/v1/notifications/unread-count", world.h("secretary_a1"))
    token_lookups = [s for s in statements if "auth_tokens" in s]
    assert len(token_lookups) == 1
    assert "role_grants" in token_lookups[0] and "org_units" in token_lookups[0]
    # The whole request: the caller, then the count.
    assert len(statements) == 2, statements


def test_grants_and_cell_are_right_for_each_kind_of_caller(client, world):
    """The one-statement load gives each caller exactly their grants (none, one or several)."""

    def me(name):  # type: ignore[no-untyped-def]
        return client.get("/api/v1/me", headers=world.h(name)).json()

    member = me("member_a1")
    assert member["roles"] == [] and member["cell"]["id"] == world.units["A1"]
    secretary = me("secretary_a1")
    assert secretary["roles"] == [{"unit_id": world.units["A1"], "role": "secretary"}]
    assert secretary["cell"]["id"] == world.units["A1"]
    # A member with no cell (an administrator of the province) still signs in.
    admin = me("admin_p")
    assert {(r["unit_id"], r["role"]) for r in admin["roles"]} == {(world.units["P"], "admin")}
