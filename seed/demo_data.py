"""Demo data for a realistic Vietnamese party organisation (pure data, no DB code).

Everything here is deterministic: generated parts use ``random.Random(SEED)`` and
dates are computed from the fixed ``REFERENCE_DATE``, never from today's date, so
two imports (or two calls of the ``build_*`` functions) give equal results.

Shapes (all frozen dataclasses or named tuples, safe to share):

- ``ORG``: ``tuple[OrgUnitSeed, ...]``, parents always listed before children.
- ``MEMBERS`` / ``iter_members()``: ``Member`` records, ~400 people in 37 cells.
- ``ROLES``: ``tuple[RoleGrant, ...]`` = ``(party_card_number, unit_code, role)``.
- ``DEMO_ACCOUNTS``: ``tuple[DemoAccount, ...]`` named logins sharing ``DEMO_PASSWORD``.
- ``DOCUMENTS``: ``tuple[DocumentSeed, ...]`` (defined in ``seed.demo_documents``).
- ``ASSIGNMENTS``: ``tuple[AssignmentTemplate, ...]`` task templates for cells.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from seed.demo_documents import DOCUMENT_KINDS, DOCUMENTS, DocumentSeed

__all__ = [
    "ASSIGNMENTS",
    "ASSIGNMENT_STATES",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DOCUMENTS",
    "DOCUMENT_KINDS",
    "MEMBERS",
    "ORG",
    "ORG_KINDS",
    "REFERENCE_DATE",
    "ROLES",
    "ROLE_NAMES",
    "SEED",
    "EMAIL_DOMAIN",
    "AssignmentTemplate",
    "DemoAccount",
    "DocumentSeed",
    "Member",
    "OrgUnitSeed",
    "RoleGrant",
    "ascii_fold",
    "build_members",
    "build_roles",
    "cells",
    "children_of",
    "demo_account",
    "iter_members",
    "member_by_card",
    "members_by_cell",
    "subtree_codes",
    "unit_by_code",
]

SEED = 2025
REFERENCE_DATE = date(2026, 10, 1)
"""The demo's "today" for ages and membership dates (not the wall clock)."""

DEMO_PASSWORD = "SoTay@2025!"
EMAIL_DOMAIN = "example.vn"

ORG_KINDS = ("central", "province", "commune", "grassroots", "cell")
ROLE_NAMES = ("secretary", "deputy", "committee", "publisher", "admin")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class OrgUnitSeed:
    code: str
    name: str
    kind: str
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class Member:
    full_name: str
    party_card_number: str
    birth_date: date
    gender: str  # "male" | "female"
    phone: str  # E.164, +849xxxxxxxx
    email: str | None
    cell_code: str
    status: str  # "official" | "probationary"
    joined_on: date
    official_on: date | None


class RoleGrant(NamedTuple):
    party_card_number: str
    unit_code: str
    role: str


@dataclass(frozen=True, slots=True)
class DemoAccount:
    party_card_number: str  # what the person types as their login
    full_name: str
    gender: str
    birth_date: date
    joined_on: date
    cell_code: str
    role: str  # "member" or one of ROLE_NAMES
    unit_code: str  # the unit the role applies to (their cell for plain members)
    role_description: str  # Vietnamese, for the CLI table

    @property
    def phone(self) -> str:
        return "+849000000" + self.party_card_number[-2:]

    @property
    def phone_local(self) -> str:
        return "0" + self.phone[3:]


# --------------------------------------------------------------------------- organisation

# (code suffix, name, number of members)
_CELLS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "HY-VA": (
        ("01", "Chi bộ thôn Đông", 30),
        ("02", "Chi bộ thôn Đoài", 14),
        ("03", "Chi bộ thôn Hạ Lý", 14),
        ("04", "Chi bộ thôn Thượng Lý", 12),
        ("05", "Chi bộ thôn Trung Hòa", 11),
        ("06", "Chi bộ Trường Tiểu học Vĩnh An", 9),
        ("07", "Chi bộ Trạm Y tế xã", 6),
        ("08", "Chi bộ Công an xã", 8),
        ("09", "Chi bộ Quân sự xã", 5),
        ("10", "Chi bộ Cơ quan Đảng - Đoàn thể xã", 10),
    ),
    "HY-SN": (
        ("01", "Chi bộ khu phố 1", 15),
        ("02", "Chi bộ khu phố 2", 15),
        ("03", "Chi bộ khu phố 3", 13),
        ("04", "Chi bộ khu phố Nam Tiến", 11),
        ("05", "Chi bộ Trường Trung học cơ sở Sơn Nam", 8),
        ("06", "Chi bộ Công an phường", 9),
        ("07", "Chi bộ Quân sự phường", 6),
    ),
    "HY-SN-CT": (
        ("01", "Chi bộ Phân xưởng May 1", 12),
        ("02", "Chi bộ Phân xưởng May 2", 10),
        ("03", "Chi bộ Khối Văn phòng Công ty", 7),
    ),
    "HY-TL": (
        ("01", "Chi bộ thôn Hải Triều", 15),
        ("02", "Chi bộ thôn Lệ Xá", 13),
        ("03", "Chi bộ thôn Thiện Phiến", 12),
        ("04", "Chi bộ thôn An Tràng", 9),
        ("05", "Chi bộ Trường Mầm non Tiên Lữ", 6),
        ("06", "Chi bộ Trạm Y tế xã", 5),
        ("07", "Chi bộ Công an xã", 7),
        ("08", "Chi bộ Quân sự xã", 5),
    ),
    "HY-HC": (
        ("01", "Chi bộ thôn Phương Châu", 28),
        ("02", "Chi bộ thôn Hồng Thái", 14),
        ("03", "Chi bộ thôn Quang Châu", 11),
        ("04", "Chi bộ thôn Tân Hưng", 10),
        ("05", "Chi bộ Trường Tiểu học Hồng Châu", 7),
        ("06", "Chi bộ Hợp tác xã Nông nghiệp Hồng Châu", 6),
        ("07", "Chi bộ Công an xã", 8),
        ("08", "Chi bộ Quân sự xã", 5),
    ),
}

# Units above the cells: (code, name, kind, parent_code).
_UPPER_UNITS: tuple[tuple[str, str, str, str | None], ...] = (
    ("TW", "Ban Chấp hành Trung ương", "central", None),
    ("HY", "Đảng bộ tỉnh Hưng Yên", "province", "TW"),
    ("HY-VA", "Đảng bộ xã Vĩnh An", "commune", "HY"),
    ("HY-SN", "Đảng bộ phường Sơn Nam", "commune", "HY"),
    ("HY-SN-CT", "Đảng bộ Công ty Cổ phần May Phố Hiến", "grassroots", "HY-SN"),
    ("HY-TL", "Đảng bộ xã Tiên Lữ", "commune", "HY"),
    ("HY-HC", "Đảng bộ xã Hồng Châu", "commune", "HY"),
)

# A cell directly under the province, so that provincial officials (committee,
# publisher, administrator) belong to a cell like every other member.
_PROVINCE_CELL = ("HY-VPTU", "Chi bộ Văn phòng Tỉnh ủy", 12)


def _build_org() -> tuple[OrgUnitSeed, ...]:
    units = [OrgUnitSeed(*row) for row in _UPPER_UNITS]
    code, name, _ = _PROVINCE_CELL
    units.append(OrgUnitSeed(code, name, "cell", "HY"))
    for parent, rows in _CELLS.items():
        units.extend(
            OrgUnitSeed(f"{parent}-{suffix}", name, "cell", parent) for suffix, name, _ in rows
        )
    return tuple(units)


ORG: tuple[OrgUnitSeed, ...] = _build_org()

_CELL_SIZES: dict[str, int] = {_PROVINCE_CELL[0]: _PROVINCE_CELL[2]} | {
    f"{parent}-{suffix}": size for parent, rows in _CELLS.items() for suffix, _, size in rows
}


@cache
def _org_index() -> dict[str, OrgUnitSeed]:
    return {unit.code: unit for unit in ORG}


def unit_by_code(code: str) -> OrgUnitSeed:
    return _org_index()[code]


def children_of(code: str) -> list[OrgUnitSeed]:
    return [unit for unit in ORG if unit.parent_code == code]


def subtree_codes(code: str) -> list[str]:
    """The unit and everything below it, in ``ORG`` order."""
    found = {code}
    for unit in ORG:  # parents precede children, so one pass is enough
        if unit.parent_code in found:
            found.add(unit.code)
    return [unit.code for unit in ORG if unit.code in found]


def cells(under: str | None = None) -> list[OrgUnitSeed]:
    scope = set(subtree_codes(under)) if under else None
    return [u for u in ORG if u.kind == "cell" and (scope is None or u.code in scope)]


# --------------------------------------------------------------------------- demo accounts

_D = date.fromisoformat
# fmt: off
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("10000001", "Nguyễn Thị Lan", "female", _D("1962-03-12"), _D("1990-05-19"),
                "HY-VA-01", "member", "HY-VA-01", "Đảng viên Chi bộ thôn Đông"),
    DemoAccount("10000002", "Trần Văn Hùng", "male", _D("1960-08-05"), _D("1984-02-03"),
                "HY-VA-01", "secretary", "HY-VA-01", "Bí thư Chi bộ thôn Đông"),
    DemoAccount("10000003", "Lê Thị Hương", "female", _D("1975-11-20"), _D("2001-09-02"),
                "HY-VA-01", "deputy", "HY-VA-01", "Phó Bí thư Chi bộ thôn Đông"),
    DemoAccount("10000004", "Phạm Minh Tuấn", "male", _D("1988-02-14"), _D("2012-12-22"),
                "HY-VA-02", "member", "HY-VA-02", "Đảng viên Chi bộ thôn Đoài (chi bộ bên cạnh)"),
    DemoAccount("10000005", "Vũ Đình Thắng", "male", _D("1979-06-30"), _D("2003-05-19"),
                "HY-VA-10", "committee", "HY-VA", "Đảng ủy viên, Đảng bộ xã Vĩnh An"),
    DemoAccount("10000006", "Đỗ Thị Thu Hà", "female", _D("1972-09-09"), _D("1996-03-26"),
                "HY-VPTU", "committee", "HY", "Tỉnh ủy viên, Đảng bộ tỉnh Hưng Yên"),
    DemoAccount("10000007", "Hoàng Minh Khoa", "male", _D("1990-04-18"), _D("2015-08-19"),
                "HY-VPTU", "publisher", "HY",
                "Cán bộ Ban Tuyên giáo và Dân vận Tỉnh ủy, đăng văn bản của Tỉnh ủy"),
    DemoAccount("10000008", "Bùi Thị Ngọc Ánh", "female", _D("1994-12-01"), _D("2018-11-20"),
                "HY-VA-10", "publisher", "HY-VA",
                "Cán bộ Văn phòng Đảng ủy xã Vĩnh An, đăng văn bản của Đảng ủy xã"),
    DemoAccount("10000009", "Ngô Quang Huy", "male", _D("1986-07-22"), _D("2010-10-10"),
                "HY-VPTU", "admin", "HY", "Quản trị hệ thống, Văn phòng Tỉnh ủy Hưng Yên"),
)
# fmt: on
_DEMO_CARDS = frozenset(a.party_card_number for a in DEMO_ACCOUNTS)


def demo_account(party_card_number: str) -> DemoAccount:
    return next(a for a in DEMO_ACCOUNTS if a.party_card_number == party_card_number)


# --------------------------------------------------------------------------- name lists

# fmt: off
# Family names with rough national frequencies (percent); Vũ is common in the north.
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4), ("Vũ", 4),
    ("Phan", 3.5), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1.3), ("Ngô", 1.3),
    ("Dương", 1), ("Đào", 0.9), ("Đinh", 0.8), ("Trịnh", 0.7), ("Lương", 0.6), ("Mai", 0.6),
    ("Lý", 0.5), ("Huỳnh", 0.5), ("Võ", 0.5), ("Tạ", 0.4), ("Cao", 0.4), ("Chu", 0.3),
    ("Lưu", 0.3), ("Quách", 0.2),
)
MIDDLE_NAMES = {
    "male": (("Văn", 40), ("Đức", 9), ("Minh", 8), ("Hữu", 6), ("Quang", 6), ("Thanh", 5),
             ("Xuân", 5), ("Công", 5), ("Đình", 5), ("Mạnh", 3), ("Tiến", 3), ("Ngọc", 3),
             ("Trọng", 3), ("Duy", 3)),
    "female": (("Thị", 50), ("Ngọc", 7), ("Thu", 7), ("Thanh", 6), ("Kim", 5), ("Minh", 4),
               ("Hồng", 5), ("Phương", 4), ("Thúy", 4), ("Mai", 4), ("Bích", 4)),
}
GIVEN_NAMES = {
    "male": (
        "An", "Bảo", "Bình", "Chiến", "Công", "Cường", "Dũng", "Đạt", "Định", "Đông", "Giang",
        "Hải", "Hậu", "Hiếu", "Hòa", "Hoàng", "Hùng", "Hưng", "Huy", "Khánh", "Khoa", "Kiên",
        "Lâm", "Long", "Lợi", "Lực", "Mạnh", "Nam", "Nghĩa", "Ngọc", "Phong", "Phúc", "Quân",
        "Quý", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Thuận", "Tiến", "Toàn",
        "Trung", "Tú", "Tuấn", "Việt", "Vinh", "Vượng", "Xuân",
    ),
    "female": (
        "Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hảo",
        "Hiền", "Hoa", "Huệ", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Lụa", "Mai",
        "Minh", "Nga", "Ngân", "Nhàn", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm",
        "Thảo", "Thơm", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Xuân", "Yến",
    ),
}
# fmt: on


# --------------------------------------------------------------------------- helpers


def ascii_fold(text: str) -> str:
    """'Nguyễn Văn Đông' -> 'Nguyen Van Dong'."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in pairs], weights=[w for _, w in pairs])[0]


def _cell_profile(cell_name: str) -> tuple[float, bool]:
    """(share of women, is a workplace cell) guessed from how the cell is named."""
    if "Công an" in cell_name or "Quân sự" in cell_name:
        return 0.1, True
    if any(word in cell_name for word in ("Trường", "Y tế", "May")):
        return 0.7, True
    workplace = any(word in cell_name for word in ("Cơ quan", "Văn phòng", "Hợp tác xã"))
    return 0.35, workplace


# --------------------------------------------------------------------------- generation


def _pick_name(rng: random.Random, gender: str, age: int) -> str:
    family = _weighted(rng, FAMILY_NAMES)
    old_style = "Văn" if gender == "male" else "Thị"
    middle = old_style if age >= 55 and rng.random() < 0.6 else _weighted(rng, MIDDLE_NAMES[gender])
    given = rng.choice(GIVEN_NAMES[gender])
    while given == middle:
        given = rng.choice(GIVEN_NAMES[gender])
    return f"{family} {middle} {given}"


def _pick_age(rng: random.Random, workplace: bool, probationary: bool) -> int:
    if probationary:
        return rng.randint(22, 38)
    if workplace:
        return rng.randint(24, 59)
    return rng.randint(56, 80) if rng.random() < 0.65 else rng.randint(22, 55)


def _birth_date(rng: random.Random, age: int) -> date:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    year = REFERENCE_DATE.year - age
    if (month, day) > (REFERENCE_DATE.month, REFERENCE_DATE.day):
        year -= 1
    return date(year, month, day)


def _membership_dates(
    rng: random.Random, birth: date, age: int, probationary: bool
) -> tuple[date, date | None]:
    """(joined_on, official_on); official members completed their year before REFERENCE_DATE."""
    if probationary:
        return REFERENCE_DATE - timedelta(days=rng.randint(20, 350)), None
    join_age = rng.randint(19, max(19, min(age - 2, 40)))
    joined = _plus_years(birth, join_age) + timedelta(days=rng.randint(0, 300))
    latest = _plus_years(REFERENCE_DATE, -1) - timedelta(days=1)
    joined = min(joined, latest)
    return joined, _plus_years(joined, 1)


class _Uniques:
    """Draws card numbers, phones and e-mails that are unique across the whole demo."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cards: set[str] = set(_DEMO_CARDS)
        self.phones: set[str] = {a.phone for a in DEMO_ACCOUNTS}
        self.emails: set[str] = set()

    def card(self) -> str:
        value = ""
        while not value or value in self.cards:
            value = str(self.rng.randint(10**9, 10**10 - 1))
        self.cards.add(value)
        return value

    def phone(self) -> str:
        value = ""
        while not value or value in self.phones:
            value = f"+849{self.rng.randint(1, 8)}{self.rng.randint(0, 9_999_999):07d}"
        self.phones.add(value)
        return value

    def email(self, full_name: str, cell_code: str) -> str:
        local = ascii_fold(full_name).lower().replace(" ", "")
        suffix = cell_code.split("-", 1)[1].replace("-", "").lower()  # HY-VA-01 -> va01
        value, n = f"{local}.{suffix}@{EMAIL_DOMAIN}", 1
        while value in self.emails:
            n += 1
            value = f"{local}{n}.{suffix}@{EMAIL_DOMAIN}"
        self.emails.add(value)
        return value


def _generated_member(rng: random.Random, uniq: _Uniques, cell: OrgUnitSeed) -> Member:
    women, workplace = _cell_profile(cell.name)
    gender = "female" if rng.random() < women else "male"
    probationary = rng.random() < 0.1
    age = _pick_age(rng, workplace, probationary)
    birth = _birth_date(rng, age)
    joined, official = _membership_dates(rng, birth, age, probationary)
    full_name = _pick_name(rng, gender, age)
    email = uniq.email(full_name, cell.code) if rng.random() < 0.4 else None
    return Member(
        full_name=full_name,
        party_card_number=uniq.card(),
        birth_date=birth,
        gender=gender,
        phone=uniq.phone(),
        email=email,
        cell_code=cell.code,
        status="probationary" if probationary else "official",
        joined_on=joined,
        official_on=official,
    )


def _demo_member(uniq: _Uniques, account: DemoAccount) -> Member:
    return Member(
        full_name=account.full_name,
        party_card_number=account.party_card_number,
        birth_date=account.birth_date,
        gender=account.gender,
        phone=account.phone,
        email=uniq.email(account.full_name, account.cell_code),
        cell_code=account.cell_code,
        status="official",
        joined_on=account.joined_on,
        official_on=_plus_years(account.joined_on, 1),
    )


def build_members() -> list[Member]:
    """Every member of every cell; demo accounts come first in their cell."""
    rng = random.Random(SEED)
    uniq = _Uniques(rng)
    members: list[Member] = []
    for cell in cells():
        own = [_demo_member(uniq, a) for a in DEMO_ACCOUNTS if a.cell_code == cell.code]
        while len(own) < _CELL_SIZES[cell.code]:
            own.append(_generated_member(rng, uniq, cell))
        members.extend(own)
    return members


MEMBERS: tuple[Member, ...] = tuple(build_members())


def iter_members() -> Iterator[Member]:
    return iter(MEMBERS)


@cache
def _members_index() -> tuple[dict[str, list[Member]], dict[str, Member]]:
    by_cell: dict[str, list[Member]] = {unit.code: [] for unit in cells()}
    for member in MEMBERS:
        by_cell[member.cell_code].append(member)
    return by_cell, {m.party_card_number: m for m in MEMBERS}


def members_by_cell() -> dict[str, list[Member]]:
    """Cell code -> its members (a fresh dict of fresh lists; callers may mutate it)."""
    return {code: list(ms) for code, ms in _members_index()[0].items()}


def member_by_card(party_card_number: str) -> Member:
    return _members_index()[1][party_card_number]


# --------------------------------------------------------------------------- roles


def _age(member: Member) -> int:
    born, ref = member.birth_date, REFERENCE_DATE
    return ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))


def _leader_pool(members: list[Member], exclude: AbstractSet[str]) -> list[Member]:
    """Official members, not demo accounts, preferably 30 or older."""
    pool = [m for m in members if m.status == "official" and m.party_card_number not in exclude]
    seasoned = [m for m in pool if _age(m) >= 30]
    return seasoned or pool


def _cell_leaders(
    rng: random.Random, members: list[Member], taken: set[tuple[str, str]]
) -> list[RoleGrant]:
    grants: list[RoleGrant] = []
    cell_code = members[0].cell_code
    wanted = ["secretary"] + (["deputy"] if len(members) >= 10 else [])
    used = set(_DEMO_CARDS)
    for role in wanted:
        if (cell_code, role) in taken:
            continue
        chosen = rng.choice(_leader_pool(members, used))
        used.add(chosen.party_card_number)
        grants.append(RoleGrant(chosen.party_card_number, cell_code, role))
    return grants


def _committee(
    rng: random.Random,
    unit_code: str,
    size: int,
    grants: list[RoleGrant],
    by_cell: dict[str, list[Member]],
) -> list[RoleGrant]:
    have = [g for g in grants if g.unit_code == unit_code and g.role == "committee"]
    pool_cells = [c.code for c in children_of(unit_code) if c.kind == "cell"]
    pool = _leader_pool([m for code in pool_cells for m in by_cell[code]], set(_DEMO_CARDS))
    chosen = rng.sample(pool, size - len(have)) if size > len(have) else []
    return [RoleGrant(m.party_card_number, unit_code, "committee") for m in chosen]


# Committee sizes in the demo; the grassroots unit gets a small one too.
_COMMITTEE_SIZES = {"HY": 2, "HY-VA": 3, "HY-SN": 3, "HY-TL": 3, "HY-HC": 3, "HY-SN-CT": 2}


def build_roles(members: list[Member] | tuple[Member, ...] = MEMBERS) -> list[RoleGrant]:
    rng = random.Random(SEED + 1)
    grants = [
        RoleGrant(a.party_card_number, a.unit_code, a.role)
        for a in DEMO_ACCOUNTS
        if a.role != "member"
    ]
    by_cell: dict[str, list[Member]] = {unit.code: [] for unit in cells()}
    for member in members:
        by_cell[member.cell_code].append(member)
    taken = {(g.unit_code, g.role) for g in grants}
    for cell in cells():
        grants.extend(_cell_leaders(rng, by_cell[cell.code], taken))
    for unit_code, size in _COMMITTEE_SIZES.items():
        grants.extend(_committee(rng, unit_code, size, grants, by_cell))
    return grants


ROLES: tuple[RoleGrant, ...] = tuple(build_roles())


# --------------------------------------------------------------------------- assignments

ASSIGNMENT_STATES = ("assigned", "in_progress", "submitted", "approved", "returned", "cancelled")


@dataclass(frozen=True, slots=True)
class AssignmentTemplate:
    """A task a cell gives its members; the loader instantiates it per cell.

    ``states`` is the intended spread of assignee records (cycled over the chosen
    members). ``report_texts[state]`` is the text a record in that state carries:
    the secretary's note for ``assigned``/``cancelled``, the member's progress note
    for ``in_progress`` and the member's report for ``submitted``/``approved``/
    ``returned``. ``review_notes`` holds the secretary's comment when approving or
    returning.
    """

    key: str
    title: str
    description: str
    days_from_now_due: int  # negative: already overdue
    scope: str  # "all" members of the cell or "some"
    states: tuple[str, ...]
    report_texts: dict[str, str]
    review_notes: dict[str, str]
    linked_symbol: str | None = None
    recurrence: str | None = None  # None: ad-hoc (đột xuất); "monthly", "quarterly": regular
    cell_codes: tuple[str, ...] | None = None  # None: every cell


_RESIDENTIAL_CELLS = tuple(
    u.code for u in ORG if u.kind == "cell" and u.name.startswith(("Chi bộ thôn", "Chi bộ khu phố"))
)
_VA_CELLS = tuple(u.code for u in cells("HY-VA"))

_OK = "Đạt yêu cầu, chi ủy ghi nhận. Cảm ơn đồng chí."

ASSIGNMENTS: tuple[AssignmentTemplate, ...] = (
    AssignmentTemplate(
        key="thu-hoach-57",
        title="Nộp thu hoạch học tập Nghị quyết 57-NQ/TW",
        description="Mỗi đồng chí viết bài thu hoạch không quá một trang, nêu nhận thức về "
        "Nghị quyết và ít nhất một việc làm cụ thể của bản thân về chuyển đổi số.",
        days_from_now_due=-5,
        scope="all",
        linked_symbol="57-NQ/TW",
        cell_codes=_VA_CELLS,
        states=("approved", "approved", "submitted", "returned", "in_progress", "assigned"),
        report_texts={
            "assigned": "Đề nghị đồng chí nộp thu hoạch trên Sổ tay đúng hạn.",
            "in_progress": "Tôi đã đọc xong bản tóm lược, đang viết phần liên hệ bản thân.",
            "submitted": "Qua học tập, tôi nhận thức rõ chuyển đổi số là nhiệm vụ của mỗi "
            "đảng viên. Tôi cam kết hướng dẫn ba hộ gia đình trong xóm dùng dịch vụ công "
            "trực tuyến trong quý này.",
            "approved": "Tôi đã giúp gia đình và hai hộ hàng xóm cài đặt ứng dụng VNeID, "
            "làm thủ tục đăng ký tạm trú trực tuyến cho con trai.",
            "returned": "Nghị quyết rất hay và cần thiết.",
        },
        review_notes={
            "approved": _OK,
            "returned": "Bài còn sơ sài, đề nghị đồng chí bổ sung việc làm cụ thể của bản thân.",
        },
    ),
    AssignmentTemplate(
        key="ve-sinh-moi-truong",
        title="Tham gia vệ sinh môi trường thôn cuối tuần",
        description="Cùng Nhân dân dọn vệ sinh đường làng, ngõ xóm, khơi thông cống rãnh "
        "vào sáng Chủ nhật; đảng viên đi đầu, vận động các hộ gia đình cùng tham gia.",
        days_from_now_due=4,
        scope="all",
        cell_codes=_RESIDENTIAL_CELLS,
        states=("assigned", "assigned", "in_progress", "submitted", "approved"),
        report_texts={
            "assigned": "Tập trung lúc 6 giờ 30 tại nhà văn hóa, mang theo chổi, xẻng.",
            "in_progress": "Tôi đã báo các hộ trong xóm, sẽ tham gia cùng tổ 2.",
            "submitted": "Đã cùng 12 hộ dọn sạch tuyến đường trục xóm và khơi thông rãnh "
            "thoát nước, có ảnh kèm theo.",
            "approved": "Tổ 1 đã dọn xong khu vực cổng làng và trồng bổ sung 20 cây hoa.",
        },
        review_notes={"approved": _OK},
    ),
    AssignmentTemplate(
        key="vneid",
        title="Vận động hộ gia đình cài đặt ứng dụng VNeID",
        description="Mỗi đồng chí được phân công hướng dẫn ít nhất năm hộ gia đình cài đặt, "
        "kích hoạt tài khoản định danh điện tử mức độ 2 và báo cáo danh sách hộ đã hoàn thành.",
        days_from_now_due=10,
        scope="some",
        states=("in_progress", "submitted", "approved", "returned", "assigned"),
        report_texts={
            "assigned": "Đồng chí phụ trách các hộ từ số 12 đến số 20 trong xóm.",
            "in_progress": "Đã hướng dẫn được ba hộ, hai hộ hẹn cuối tuần con cái về mới làm.",
            "submitted": "Đã hoàn thành năm hộ: ông Tuấn, bà Hoa, anh Bình, chị Linh, ông Lực.",
            "approved": "Đã kích hoạt xong cho sáu hộ, kèm danh sách và số điện thoại.",
            "returned": "Đã vận động xong các hộ.",
        },
        review_notes={
            "approved": _OK,
            "returned": "Đề nghị ghi rõ tên chủ hộ và số hộ đã kích hoạt thành công.",
        },
    ),
    AssignmentTemplate(
        key="ra-soat-ho-ngheo",
        title="Rà soát danh sách hộ nghèo, hộ cận nghèo",
        description="Phối hợp với trưởng thôn, chi hội phụ nữ rà soát hộ nghèo, hộ cận nghèo "
        "trong địa bàn được phân công; ghi nhận hộ có nguy cơ tái nghèo.",
        days_from_now_due=-2,
        scope="some",
        linked_symbol="31-KL/TU",
        cell_codes=_RESIDENTIAL_CELLS,
        states=("submitted", "approved", "in_progress", "assigned"),
        report_texts={
            "assigned": "Đồng chí rà soát các hộ thuộc xóm Giữa.",
            "in_progress": "Đã đến bảy hộ, còn hai hộ đi làm ăn xa chưa gặp được.",
            "submitted": "Xóm Giữa có 2 hộ nghèo, 3 hộ cận nghèo; 1 hộ có nguy cơ tái nghèo do "
            "chủ hộ ốm dài ngày.",
            "approved": "Đã rà soát đủ 15 hộ, đề nghị xét hỗ trợ sửa nhà cho hộ bà Lụa.",
        },
        review_notes={"approved": _OK},
    ),
    AssignmentTemplate(
        key="dang-phi-quy-iv",
        title="Đóng đảng phí quý IV năm 2026",
        description="Đóng đảng phí các tháng 10, 11, 12 cho đồng chí được phân công thu hoặc "
        "chuyển khoản vào tài khoản của Đảng ủy, ghi rõ họ tên và tên chi bộ.",
        days_from_now_due=25,
        scope="all",
        linked_symbol="03-QĐi/ĐU",
        recurrence="quarterly",
        states=("approved", "approved", "approved", "submitted", "assigned"),
        report_texts={
            "assigned": "Đề nghị đồng chí hoàn thành trước kỳ sinh hoạt tháng 12.",
            "submitted": "Tôi đã chuyển khoản đảng phí quý IV, nội dung ghi họ tên và chi bộ.",
            "approved": "Đã nộp trực tiếp cho đồng chí thu đảng phí của chi bộ.",
        },
        review_notes={"approved": "Chi bộ đã nhận đủ đảng phí quý IV."},
    ),
    AssignmentTemplate(
        key="hoc-huong-dan-so-tay",
        title="Đọc và xác nhận đã học tập Hướng dẫn sử dụng Sổ tay đảng viên điện tử",
        description="Đọc Hướng dẫn 12-HD/TU, thử các thao tác: mở văn bản, đổi cỡ chữ, bấm "
        "xác nhận đã học tập, báo cáo một nhiệm vụ.",
        days_from_now_due=-20,
        scope="all",
        linked_symbol="12-HD/TU",
        states=("approved", "approved", "approved", "approved", "in_progress", "assigned"),
        report_texts={
            "assigned": "Nếu gặp khó khăn, đồng chí liên hệ Phó Bí thư chi bộ để được hỗ trợ.",
            "in_progress": "Tôi đã đăng nhập được nhưng chưa tìm thấy nút đổi cỡ chữ.",
            "approved": "Đã đọc hướng dẫn và làm được các thao tác cơ bản.",
        },
        review_notes={"approved": _OK},
    ),
    AssignmentTemplate(
        key="y-kien-sinh-hoat",
        title="Chuẩn bị ý kiến cho buổi sinh hoạt chi bộ tháng 10",
        description="Đọc trước tài liệu sinh hoạt chi bộ, chuẩn bị ý kiến phát biểu về việc "
        "thực hành tiết kiệm, chống lãng phí ở thôn.",
        days_from_now_due=3,
        scope="all",
        linked_symbol="05-TB/CB",
        recurrence="monthly",
        cell_codes=("HY-VA-01",),
        states=("assigned", "in_progress", "submitted", "approved"),
        report_texts={
            "assigned": "Đồng chí chuẩn bị ý kiến ngắn, khoảng ba phút.",
            "in_progress": "Đang đọc tài liệu, sẽ góp ý về việc tổ chức đám cưới.",
            "submitted": "Tôi đề xuất thôn quy định thời gian tổ chức tiệc cưới không quá một "
            "ngày và không dùng loa công suất lớn sau 22 giờ.",
            "approved": "Đề nghị tắt đèn chiếu sáng nhà văn hóa khi không có hoạt động.",
        },
        review_notes={"approved": "Ý kiến thiết thực, chi ủy sẽ đưa vào nghị quyết tháng."},
    ),
    AssignmentTemplate(
        key="dich-vu-cong",
        title="Hướng dẫn người cao tuổi sử dụng dịch vụ công trực tuyến",
        description="Giúp người cao tuổi trong xóm làm thủ tục trên Cổng dịch vụ công: cấp "
        "bản sao trích lục, đăng ký tạm vắng, tra cứu chế độ bảo hiểm xã hội.",
        days_from_now_due=14,
        scope="some",
        linked_symbol="112-CV/ĐU",
        cell_codes=("HY-VA-01", "HY-VA-02"),
        states=("assigned", "in_progress", "submitted", "returned"),
        report_texts={
            "assigned": "Đồng chí hỗ trợ các cụ trong tổ hội người cao tuổi xóm Đông.",
            "in_progress": "Đã hẹn cụ Thơm sáng thứ Bảy làm thủ tục trích lục khai sinh.",
            "submitted": "Đã giúp hai cụ nộp hồ sơ trực tuyến, đều nhận kết quả qua bưu điện.",
            "returned": "Đã làm xong.",
        },
        review_notes={"returned": "Đề nghị nêu rõ đã hỗ trợ ai, thủ tục gì, kết quả ra sao."},
    ),
    AssignmentTemplate(
        key="tuan-tra-an-ninh",
        title="Tham gia tuần tra an ninh trật tự cùng tổ bảo vệ an ninh cơ sở",
        description="Tham gia tuần tra ban đêm theo lịch của tổ bảo vệ an ninh, trật tự ở "
        "cơ sở; nhắc các hộ khóa cửa, cất giữ tài sản, đề phòng trộm cắp.",
        days_from_now_due=7,
        scope="some",
        cell_codes=_RESIDENTIAL_CELLS,
        states=("in_progress", "submitted", "approved", "assigned"),
        report_texts={
            "assigned": "Lịch tuần tra của đồng chí: tối thứ Tư và thứ Bảy.",
            "in_progress": "Đã tuần tra tối thứ Tư, chưa phát hiện vấn đề.",
            "submitted": "Hai buổi tuần tra bình thường; phát hiện đèn đường ngõ 5 bị hỏng.",
            "approved": "Đã tuần tra đủ hai buổi, nhắc ba hộ để xe máy ngoài sân qua đêm.",
        },
        review_notes={"approved": _OK},
    ),
    AssignmentTemplate(
        key="du-luan-xa-hoi",
        title="Nắm tình hình dư luận xã hội, báo cáo chi ủy",
        description="Nắm ý kiến, tâm tư của Nhân dân nơi cư trú về các vấn đề được quan tâm; "
        "báo cáo ngắn gọn trước buổi sinh hoạt chi bộ hằng tháng.",
        days_from_now_due=-1,
        scope="all",
        recurrence="monthly",
        states=("submitted", "approved", "approved", "assigned", "in_progress"),
        report_texts={
            "assigned": "Báo cáo trước ngày sinh hoạt chi bộ.",
            "in_progress": "Đang tổng hợp ý kiến từ buổi họp tổ dân cư.",
            "submitted": "Bà con phấn khởi vì đường trục thôn được trải nhựa; một số hộ phản "
            "ánh nước thải chăn nuôi ở cuối xóm.",
            "approved": "Người dân đề nghị sớm lắp thêm đèn đường ở đoạn gần trường học.",
        },
        review_notes={"approved": "Chi ủy đã chuyển kiến nghị đến Ủy ban nhân dân xã."},
    ),
    AssignmentTemplate(
        key="cap-nhat-du-lieu",
        title="Kiểm tra, cập nhật thông tin cá nhân trong cơ sở dữ liệu đảng viên",
        description="Kiểm tra họ tên, ngày sinh, số điện thoại, nơi cư trú trên Sổ tay; báo "
        "chi ủy nếu có sai sót để cập nhật vào cơ sở dữ liệu đảng viên.",
        days_from_now_due=-8,
        scope="all",
        linked_symbol="04-KH/TU",
        states=("approved", "approved", "submitted", "returned", "assigned", "cancelled"),
        report_texts={
            "assigned": "Đề nghị đồng chí kiểm tra và phản hồi.",
            "submitted": "Thông tin đúng, chỉ đổi số điện thoại sang số mới.",
            "approved": "Đã kiểm tra, thông tin chính xác.",
            "returned": "Ngày sinh bị sai.",
            "cancelled": "Đồng chí đã chuyển sinh hoạt đảng sang nơi khác, hủy nhiệm vụ.",
        },
        review_notes={
            "approved": _OK,
            "returned": "Đề nghị ghi ngày sinh đúng và gửi ảnh chụp căn cước để đối chiếu.",
        },
    ),
    AssignmentTemplate(
        key="chuan-bi-hoi-nghi",
        title="Chuẩn bị hội trường cho Hội nghị sơ kết 9 tháng",
        description="Chuẩn bị khánh tiết, âm thanh, bàn ghế tại nhà văn hóa cho hội nghị sơ "
        "kết công tác 9 tháng của Đảng bộ xã.",
        days_from_now_due=-12,
        scope="some",
        cell_codes=("HY-VA-10",),
        states=("cancelled", "cancelled", "approved"),
        report_texts={
            "cancelled": "Hội nghị chuyển sang hình thức trực tuyến, chi ủy hủy nhiệm vụ này.",
            "approved": "Đã kiểm tra đường truyền và màn hình cho điểm cầu trực tuyến.",
        },
        review_notes={"approved": _OK},
    ),
)
