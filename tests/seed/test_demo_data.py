"""Checks on the pure demo data in seed.demo_data / seed.demo_documents."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from seed import demo_data as dd
from seed.demo_documents import DOCUMENT_KINDS, TOPICS

SYMBOL_RE = re.compile(r"^\d+-[A-ZĐa-zđ]+/[A-ZĐ]+$")
ISSUER_SUFFIX = {
    "central": "TW",
    "province": "TU",
    "commune": "ĐU",
    "grassroots": "ĐU",
    "cell": "CB",
}


def _age(born: date) -> int:
    ref = dd.REFERENCE_DATE
    return ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))


# --------------------------------------------------------------------------- organisation


def test_tree_is_well_formed() -> None:
    codes = [u.code for u in dd.ORG]
    assert len(codes) == len(set(codes))
    seen: set[str] = set()
    for unit in dd.ORG:
        assert unit.kind in dd.ORG_KINDS
        assert unit.name.strip() and unit.code.strip()
        if unit.parent_code is None:
            assert unit.kind == "central"
        else:
            assert unit.parent_code in seen, "parents must be listed before children"
        seen.add(unit.code)
    roots = [u for u in dd.ORG if u.parent_code is None]
    assert [(r.code, r.name) for r in roots] == [("TW", "Ban Chấp hành Trung ương")]


def test_tree_shape() -> None:
    assert dd.unit_by_code("HY").name == "Đảng bộ tỉnh Hưng Yên"
    assert dd.unit_by_code("HY-VA").name == "Đảng bộ xã Vĩnh An"
    communes = [u for u in dd.children_of("HY") if u.kind == "commune"]
    assert len(communes) == 4
    for commune in communes:
        assert 6 <= len([u for u in dd.children_of(commune.code) if u.kind == "cell"]) <= 10
    grassroots = [u for u in dd.ORG if u.kind == "grassroots"]
    assert len(grassroots) == 1
    assert 2 <= len(dd.children_of(grassroots[0].code)) <= 3
    assert 30 <= len(dd.cells()) <= 40
    for cell in dd.cells():
        assert cell.name.startswith("Chi bộ")
        assert not dd.children_of(cell.code)
    assert set(dd.subtree_codes("HY-SN")) >= {"HY-SN", "HY-SN-CT", "HY-SN-CT-01", "HY-SN-01"}


# --------------------------------------------------------------------------- members


def test_member_counts_and_uniqueness() -> None:
    members = list(dd.iter_members())
    assert 300 <= len(members) <= 400
    cards = [m.party_card_number for m in members]
    phones = [m.phone for m in members]
    emails = [m.email for m in members if m.email]
    assert len(set(cards)) == len(cards)
    assert len(set(phones)) == len(phones)
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"\d{8,12}", c) for c in cards)
    assert all(re.fullmatch(r"\+849\d{8}", p) for p in phones)
    assert all(re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+@example\.vn", e) for e in emails)
    assert 0.3 <= len(emails) / len(members) <= 0.5


def test_member_fields_are_plausible() -> None:
    members = dd.MEMBERS
    cell_codes = {c.code for c in dd.cells()}
    for m in members:
        assert m.cell_code in cell_codes
        assert m.gender in ("male", "female")
        assert 22 <= _age(m.birth_date) <= 80
        assert len(m.full_name.split()) >= 3
        assert _age(m.birth_date) - (dd.REFERENCE_DATE - m.joined_on).days // 366 >= 18
        if m.status == "official":
            assert m.official_on is not None
            assert m.official_on.toordinal() - m.joined_on.toordinal() in (365, 366)
            assert m.official_on <= dd.REFERENCE_DATE
        else:
            assert m.status == "probationary"
            assert m.official_on is None
            assert m.joined_on > date(dd.REFERENCE_DATE.year - 1, 1, 1)
    probationary = sum(m.status == "probationary" for m in members) / len(members)
    assert 0.04 <= probationary <= 0.12
    assert sum(_age(m.birth_date) > 55 for m in members) / len(members) >= 0.3


def test_family_names_follow_realistic_frequency() -> None:
    families = Counter(m.full_name.split()[0] for m in dd.MEMBERS)
    ranking = [name for name, _ in families.most_common()]
    assert ranking[0] == "Nguyễn"
    assert families["Nguyễn"] / len(dd.MEMBERS) > 0.25
    assert {"Trần", "Lê"} <= set(ranking[:4])


def test_every_cell_has_five_members_and_some_are_larger() -> None:
    by_cell = dd.members_by_cell()
    assert set(by_cell) == {c.code for c in dd.cells()}
    sizes = {code: len(ms) for code, ms in by_cell.items()}
    assert min(sizes.values()) >= 5
    assert 1 <= sum(size > 20 for size in sizes.values()) <= 2


# --------------------------------------------------------------------------- roles


def test_roles_are_valid() -> None:
    codes = {u.code for u in dd.ORG}
    cards = {m.party_card_number for m in dd.MEMBERS}
    for grant in dd.ROLES:
        assert grant.role in dd.ROLE_NAMES
        assert grant.unit_code in codes
        assert grant.party_card_number in cards
    assert len(set(dd.ROLES)) == len(dd.ROLES)


def test_every_cell_has_one_secretary_from_its_members() -> None:
    by_cell = dd.members_by_cell()
    for cell in dd.cells():
        own = {m.party_card_number for m in by_cell[cell.code]}
        secretaries = [g for g in dd.ROLES if g.unit_code == cell.code and g.role == "secretary"]
        deputies = [g for g in dd.ROLES if g.unit_code == cell.code and g.role == "deputy"]
        assert len(secretaries) == 1
        assert secretaries[0].party_card_number in own
        assert dd.member_by_card(secretaries[0].party_card_number).status == "official"
        assert len(deputies) == (1 if len(own) >= 10 else 0)
        if deputies:
            assert deputies[0].party_card_number in own
            assert deputies[0].party_card_number != secretaries[0].party_card_number


def test_committees_publishers_and_admin() -> None:
    def holders(unit: str, role: str) -> list[str]:
        return [g.party_card_number for g in dd.ROLES if g.unit_code == unit and g.role == role]

    for commune in (u for u in dd.ORG if u.kind == "commune"):
        members = holders(commune.code, "committee")
        assert len(members) == 3
        inside = set(dd.subtree_codes(commune.code))
        assert all(dd.member_by_card(c).cell_code in inside for c in members)
    assert len(holders("HY", "committee")) == 2
    assert len(holders("HY", "publisher")) == 1
    assert len(holders("HY-VA", "publisher")) == 1
    assert len(holders("HY", "admin")) == 1


# --------------------------------------------------------------------------- demo accounts


def test_demo_accounts_exist_with_their_roles() -> None:
    accounts = dd.DEMO_ACCOUNTS
    assert dd.DEMO_PASSWORD == "SoTay@2025!"
    assert [a.party_card_number for a in accounts] == [f"1000000{i}" for i in range(1, 10)]
    grants = set(dd.ROLES)
    for account in accounts:
        member = dd.member_by_card(account.party_card_number)
        assert member.full_name == account.full_name
        assert member.cell_code == account.cell_code
        assert member.phone == account.phone
        assert account.phone_local == "0" + account.phone.removeprefix("+84")
        assert account.role_description
        own = {g for g in grants if g.party_card_number == account.party_card_number}
        if account.role == "member":
            assert own == set()
            assert account.unit_code == account.cell_code
        else:
            assert own == {dd.RoleGrant(account.party_card_number, account.unit_code, account.role)}


def test_demo_accounts_cover_the_described_people() -> None:
    by_role = {(a.role, a.unit_code): a for a in dd.DEMO_ACCOUNTS}
    thon_dong = "HY-VA-01"
    assert dd.unit_by_code(thon_dong).name == "Chi bộ thôn Đông"
    assert by_role[("secretary", thon_dong)].role_description == "Bí thư Chi bộ thôn Đông"
    assert ("deputy", thon_dong) in by_role
    assert by_role[("member", thon_dong)].role_description == "Đảng viên Chi bộ thôn Đông"
    neighbour = [a for a in dd.DEMO_ACCOUNTS if a.role == "member" and a.cell_code != thon_dong]
    assert neighbour and dd.unit_by_code(neighbour[0].cell_code).parent_code == "HY-VA"
    for key in [
        ("committee", "HY-VA"),
        ("committee", "HY"),
        ("publisher", "HY"),
        ("publisher", "HY-VA"),
        ("admin", "HY"),
    ]:
        assert key in by_role


# --------------------------------------------------------------------------- documents


def test_documents_are_valid() -> None:
    docs = dd.DOCUMENTS
    assert 12 <= len(docs) <= 14
    symbols = [d.symbol for d in docs]
    assert len(set(symbols)) == len(symbols)
    assert len({d.kind for d in docs}) >= 8
    for doc in docs:
        assert SYMBOL_RE.match(doc.symbol), doc.symbol
        kind_abbr = doc.symbol.split("-", 1)[1].split("/")[0]
        assert DOCUMENT_KINDS[doc.kind][1] == kind_abbr, doc.symbol
        issuer = dd.unit_by_code(doc.issuer_code)
        assert doc.symbol.endswith("/" + ISSUER_SUFFIX[issuer.kind]), doc.symbol
        assert doc.effective_on >= doc.issued_on
        assert doc.issued_on <= dd.REFERENCE_DATE
        assert doc.title and doc.summary
        assert 150 <= len(doc.body_markdown.split()) <= 400, doc.symbol
        assert "## " in doc.body_markdown or "**" in doc.body_markdown
        assert doc.topics and set(doc.topics) <= set(TOPICS)


def test_document_links() -> None:
    docs = {d.symbol: d for d in dd.DOCUMENTS}
    replacing = [d for d in dd.DOCUMENTS if d.replaces_symbol]
    assert len(replacing) >= 1
    for doc in replacing:
        old = docs[doc.replaces_symbol]
        assert old.issuer_code == doc.issuer_code and old.issued_on < doc.issued_on
    addressed = [d for d in dd.DOCUMENTS if d.audience_codes]
    assert len(addressed) == 1 and len(addressed[0].audience_codes) == 2
    for code in addressed[0].audience_codes:
        assert code in dd.subtree_codes(addressed[0].issuer_code)
    assert 2 <= sum(d.has_pdf for d in dd.DOCUMENTS) <= 3
    assert "57-NQ/TW" in docs and docs["57-NQ/TW"].issued_on == date(2024, 12, 22)


@pytest.mark.parametrize("needle", ["Đảng", "đảng viên", "chuyển đổi số", "Hồ Chí Minh"])
def test_diacritics_present(needle: str) -> None:
    hits = [d for d in dd.DOCUMENTS if needle in f"{d.title} {d.summary} {d.body_markdown}"]
    assert len(hits) >= 2


def test_text_is_nfc_normalised() -> None:
    import unicodedata

    texts = [u.name for u in dd.ORG] + [m.full_name for m in dd.MEMBERS]
    texts += [f"{d.title}{d.summary}{d.body_markdown}" for d in dd.DOCUMENTS]
    texts += [f"{a.title}{a.description}{''.join(a.report_texts.values())}" for a in dd.ASSIGNMENTS]
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)


# --------------------------------------------------------------------------- assignments


def test_assignments() -> None:
    symbols = {d.symbol for d in dd.DOCUMENTS}
    cell_codes = {c.code for c in dd.cells()}
    assert 10 <= len(dd.ASSIGNMENTS) <= 14
    assert len({a.key for a in dd.ASSIGNMENTS}) == len(dd.ASSIGNMENTS)
    assert any(a.days_from_now_due < 0 for a in dd.ASSIGNMENTS)
    every_state = {s for a in dd.ASSIGNMENTS for s in a.states}
    assert every_state == set(dd.ASSIGNMENT_STATES)
    for a in dd.ASSIGNMENTS:
        assert a.scope in ("all", "some")
        assert a.linked_symbol is None or a.linked_symbol in symbols
        assert a.cell_codes is None or set(a.cell_codes) <= cell_codes
        assert a.recurrence in (None, "monthly", "quarterly")
        assert a.states and set(a.states) <= set(dd.ASSIGNMENT_STATES)
        for state in a.states:
            assert a.report_texts.get(state), (a.key, state)
        for state in ("approved", "returned"):
            if state in a.states:
                assert a.review_notes.get(state), (a.key, state)


# --------------------------------------------------------------------------- determinism


def test_deterministic() -> None:
    first = dd.build_members()
    second = dd.build_members()
    assert first == second == list(dd.MEMBERS)
    assert dd.build_roles(first) == dd.build_roles(second) == list(dd.ROLES)


def test_ascii_fold() -> None:
    assert dd.ascii_fold("Nguyễn Văn Đông") == "Nguyen Van Dong"
    assert dd.ascii_fold("Bùi Thị Ngọc Ánh") == "Bui Thi Ngoc Anh"
