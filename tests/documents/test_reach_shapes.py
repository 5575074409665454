"""The prebuilt, shape-keyed reading rule must let every caller read exactly what the
rule built per request lets them read: a member of a cell, leaders, committees following
their communes, publishers (drafts of their own issuer too) and people with none of these."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from api.db import new_session
from api.documents.models import Document
from api.documents.visibility import reach, readable_clause, readable_shaped
from tests.conftest import PEOPLE
from tests.documents.factory import make_document, principal


def test_every_caller_reads_the_same_documents_through_the_prebuilt_rule(world):
    made = {
        "province": make_document(world, symbol="01-NQ/TU", issuer="P", publisher="publisher_p"),
        "commune A": make_document(world, symbol="02-NQ/ĐU"),
        "cell A2 only": make_document(world, symbol="03-NQ/ĐU", audience=["A2"]),
        "draft of A": make_document(world, symbol="04-NQ/ĐU", publish=False),
        "commune B": make_document(
            world, symbol="05-NQ/TU", issuer="P", publisher="publisher_p", audience=["B"]
        ),
    }
    seen_shapes = set()
    with new_session() as s:
        for who in PEOPLE:
            p = principal(s, world, who)
            per_request = set(
                s.execute(select(col(Document.id)).where(readable_clause(p))).scalars()
            )
            shape, params = reach(p)
            shaped = readable_shaped(shape)
            prebuilt = set(s.execute(select(col(Document.id)).where(shaped), params).scalars())
            assert prebuilt == per_request, who
            seen_shapes.add(shape)
    # The rule is not vacuous: readers differ, and the draft is its publisher's alone.
    with new_session() as s:
        p = principal(s, world, "member_a1")
        shape, params = reach(p)
        member_a1 = set(
            s.execute(select(col(Document.id)).where(readable_shaped(shape)), params).scalars()
        )
    assert member_a1 == {made["province"], made["commune A"]}
    # members and admins, committees following a commune, publishers
    assert seen_shapes == {(True, 0, 0), (True, 1, 0), (True, 0, 1)}


def test_a_caller_with_no_cell_and_no_role_reads_nothing_either_way(world):
    from api.auth.service import principal_for
    from api.members.models import User

    make_document(world, symbol="01-NQ/TU", issuer="P", publisher="publisher_p")
    with new_session() as s:
        user = User(full_name="Trần Thị Mới", name_sort="moi", party_card_number="99999999")
        s.add(user)
        s.flush()
        p = principal_for(s, user)
        shape, params = reach(p)
        assert shape == (False, 0, 0)
        shaped = readable_shaped(shape)
        assert list(s.execute(select(col(Document.id)).where(shaped), params)) == []
        assert list(s.execute(select(col(Document.id)).where(readable_clause(p)))) == []
        assert s.execute(select(col(Document.id))).first() is not None  # there is one to read
