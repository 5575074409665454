"""Runs the role-by-route matrix against a real app and database."""

from __future__ import annotations

import re

import pytest

from tests.authz.matrix import CALLERS, CASES, Case

API = "/api/v1"


def _template(c: Case) -> str:
    path = c.route or re.sub(r"\{(\w+):[^}]+\}", lambda m: "{" + m.group(1) + "_id}", c.path)
    return path.split("?")[0]


def test_every_route_has_a_case(app):
    # The OpenAPI document lists every API route (FastAPI nests included routers).
    routes = {
        (method.upper(), path.removeprefix(API))
        for path, ops in app.openapi()["paths"].items()
        if path.startswith(API)
        for method in ops
    }
    assert len(routes) > 10
    covered = {(c.method, _template(c)) for c in CASES}
    missing = sorted(routes - covered)
    assert not missing, f"routes without a role-by-route case: {missing}"
    stale = sorted(covered - routes)
    assert not stale, f"cases for routes that do not exist: {stale}"


def _fill(c: Case, world) -> str:
    extra = c.setup(world) if c.setup else {}

    def repl(m: re.Match[str]) -> str:
        kind, _, name = m.group(1).partition(":")
        if kind == "unit":
            return str(world.units[name])
        if kind == "user":
            return str(world.users[name])
        return str(extra[kind])

    return re.sub(r"\{([^}]+)\}", repl, c.path)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.path}")
def test_matrix(case: Case, client, world):
    """Each caller gets exactly the expected answer; 404 bodies never name the object."""
    failures = []
    for caller in CALLERS:
        # Fresh world per caller would be slow; mutating cases rebuild below.
        url = API + _fill(case, world)
        headers = {} if caller == "anonymous" else world.h(caller)
        kwargs = {}
        if case.json:
            kwargs["json"] = case.json(world)
        if case.form:
            kwargs["data"] = case.form(world)
        if case.files:
            kwargs["files"] = case.files(world)
        r = client.request(case.method, url, headers=headers, **kwargs)
        want = case.expected(caller)
        got_ok = 200 <= r.status_code < 300
        if (want == "2xx" and not got_ok) or (want != "2xx" and r.status_code != want):
            failures.append(f"{caller}: want {want}, got {r.status_code} {r.text[:200]}")
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/problem+json"), r.text
        if got_ok and case.method != "GET":
            world.reset()  # a write succeeded: start the next caller from the same state
    assert not failures, "\n".join(failures)
