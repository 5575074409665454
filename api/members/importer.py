"""Member import into the database: upsert by party card number, row-by-row report.

Rows are committed in batches, so an interrupted import keeps what it finished and a
re-run continues (updates, never duplicates).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import secrets
import string
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from api.audit import service as audit
from api.auth.service import hasher
from api.config import get_settings
from api.db import new_session, utcnow
from api.i18n import t
from api.members.importfile import ImportFileError, MemberRow, parse_member_file
from api.members.models import User
from api.org.models import MEMBER_UNIT_KINDS, OrgUnit
from api.progress import Progress
from api.text import vn_sort_key

# Rows per transaction: a crash loses at most one batch's work, never half a batch.
BATCH = int(os.environ.get("SOTAY_IMPORT_BATCH", "500"))
UPDATABLE = (
    "full_name",
    "birth_date",
    "gender",
    "phone",
    "email",
    "status",
    "joined_on",
    "official_on",
)


@dataclass
class ReportLine:
    line: int
    card: str
    name: str
    result: str  # import.created | import.updated | import.unchanged | import.error
    detail: str = ""


@dataclass
class ImportReport:
    lines: list[ReportLine] = field(default_factory=list)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for r in self.lines if r.result == result)


def _temporary_password() -> str:
    # Readable on paper: no look-alike characters; 12 characters ≈ 70 bits.
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    return "".join(secrets.choice(alphabet) for _ in range(12))


def _cells(session: Session, codes: Iterable[str]) -> dict[str, OrgUnit]:
    wanted = sorted(set(codes))
    out: dict[str, OrgUnit] = {}
    for i in range(0, len(wanted), BATCH):
        for unit in session.exec(
            select(OrgUnit).where(col(OrgUnit.code).in_(wanted[i : i + BATCH]))
        ):
            out[unit.code] = unit
    return out


def _existing(session: Session, column: object, values: list[str]) -> dict[str, User]:
    out: dict[str, User] = {}
    for i in range(0, len(values), BATCH):
        chunk = values[i : i + BATCH]
        for user in session.exec(select(User).where(col(column).in_(chunk))):  # type: ignore[arg-type]
            out[str(getattr(user, column.key))] = user  # type: ignore[attr-defined]
    return out


def _apply(
    session: Session,
    rows: list[MemberRow],
    cells: dict[str, OrgUnit],
    scope: OrgUnit | None,
    report: ImportReport,
    hashes: dict[str, str],
) -> list[tuple[User, str]]:
    """Create or update one batch; new users get the pre-computed hash for their card."""
    by_card = _existing(session, User.party_card_number, [r.party_card_number for r in rows])
    by_phone = _existing(session, User.phone, [r.phone for r in rows if r.phone])
    by_email = _existing(session, User.email, [r.email for r in rows if r.email])
    fresh: list[tuple[User, str]] = []
    for row in rows:
        cell = cells.get(row.cell_code)
        error = None
        if cell is None or cell.kind not in MEMBER_UNIT_KINDS:
            error = "import.unknown_cell"
        elif scope is not None and not cell.path.startswith(scope.path):
            error = "import.cell_out_of_reach"
        elif (
            row.phone
            and row.phone in by_phone
            and by_phone[row.phone].party_card_number != row.party_card_number
        ):
            error = "import.phone_taken"
        elif (
            row.email
            and row.email in by_email
            and by_email[row.email].party_card_number != row.party_card_number
        ):
            error = "import.email_taken"
        if error:
            report.lines.append(
                ReportLine(row.line, row.party_card_number, row.full_name, "import.error", t(error))
            )
            continue
        assert cell is not None
        user = by_card.get(row.party_card_number)
        values = {k: getattr(row, k) for k in UPDATABLE} | {"cell_id": cell.id}
        if user is None:
            user = User(party_card_number=row.party_card_number, name_sort="", **values)
            user.name_sort = vn_sort_key(user.full_name)
            user.must_change_password = True
            user.password_hash = hashes[row.party_card_number]
            session.add(user)
            fresh.append((user, cell.path))
            result, changed = "import.created", values
        else:
            changed = {k: v for k, v in values.items() if getattr(user, k) != v}
            for k, v in changed.items():
                setattr(user, k, v)
            if changed:
                user.name_sort = vn_sort_key(user.full_name)
                user.updated_at = utcnow()
                session.add(user)
            result = "import.updated" if changed else "import.unchanged"
        if row.phone:
            by_phone[row.phone] = user
        if row.email:
            by_email[row.email] = user
        report.lines.append(
            ReportLine(
                row.line,
                row.party_card_number,
                row.full_name,
                result,
                ", ".join(sorted(changed)) if result == "import.updated" else "",
            )
        )
    session.flush()
    for user, path in fresh:
        audit.record(
            session,
            actor_id=None,
            action="member.import",
            object_type="user",
            object_id=user.id,
            unit_path=path,
            after=audit.snapshot(user, ["full_name", "party_card_number", "cell_id"]),
        )
    return fresh


def import_members(
    path: Path,
    *,
    unit_code: str | None,
    dry_run: bool,
    progress: Progress | None = None,
    credentials_out: Path | None = None,
) -> ImportReport:
    """Parse, validate and upsert a member file; bad rows are reported and skipped.

    Each batch commits on its own and its new members' temporary passwords are appended to
    `credentials_out` right after, so an interrupted import loses neither rows nor passwords.
    """
    parsed = parse_member_file(path)
    report = ImportReport()
    for err in parsed.errors:
        detail = f"{t(err.code)} ({err.field}: {err.value})"
        report.lines.append(ReportLine(err.line, "", "", "import.error", detail))
    with new_session() as session, ThreadPoolExecutor(max_workers=2) as pool:
        scope = None
        if unit_code:
            scope = session.exec(select(OrgUnit).where(OrgUnit.code == unit_code)).first()
            if scope is None:
                raise ImportFileError("import.unknown_cell", unit_code)
        cells = _cells(session, (r.cell_code for r in parsed.rows))
        for i in range(0, len(parsed.rows), BATCH):
            batch = parsed.rows[i : i + BATCH]
            # Hash the new members' temporary passwords before taking the write lock:
            # argon2 is slow on purpose, and the database must not wait for it.
            known = _existing(session, User.party_card_number, [r.party_card_number for r in batch])
            session.rollback()
            new_rows = [r for r in batch if r.party_card_number not in known]
            passwords = {r.party_card_number: _temporary_password() for r in new_rows}
            hashes = (
                {}
                if dry_run
                else dict(
                    zip(
                        passwords, pool.map(hasher().hash_password, passwords.values()), strict=True
                    )
                )
            )
            if dry_run:
                hashes = dict.fromkeys(passwords, "")
            fresh = _apply(session, batch, cells, scope, report, hashes)
            if dry_run:
                session.rollback()
            else:
                session.commit()
                creds = [
                    (u.party_card_number, u.full_name, passwords[u.party_card_number])
                    for u, _ in fresh
                ]
                report.credentials.extend(creds)
                if credentials_out is not None and creds:
                    append_credentials(creds, credentials_out)
            if progress:
                progress.advance(len(batch))
    report.lines.sort(key=lambda r: r.line)
    return report


def append_credentials(creds: list[tuple[str, str, str]], dest: Path) -> None:
    """Temporary passwords of new members, for handing out; readable by the owner only."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    new = not dest.exists()
    dest.touch(mode=0o600)
    with dest.open("a", newline="", encoding="utf-8-sig" if new else "utf-8") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(["Số thẻ đảng viên", "Họ và tên", "Mật khẩu tạm thời"])
        w.writerows(creds)
        fh.flush()
        os.fsync(fh.fileno())


def run_import_cli(path: Path, *, unit_code: str | None, dry_run: bool) -> int:
    """`sotay import-members`: report every row, then a summary; exit 1 if any row failed."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    dest = get_settings().data_dir / "imports" / f"mat-khau-tam-{stamp}.csv"
    try:
        total = len(parse_member_file(path).rows)
        progress = Progress("Đang nhập", total)
        print(f"Mật khẩu tạm thời của đảng viên mới sẽ được ghi vào: {dest}", flush=True)
        report = import_members(
            path, unit_code=unit_code, dry_run=dry_run, progress=progress, credentials_out=dest
        )
        progress.finish()
    except ImportFileError as exc:
        print(f"{t(exc.code)}: {exc.detail}", file=sys.stderr)
        return 2
    for r in report.lines:
        print(f"Dòng {r.line}\t{r.card}\t{r.name}\t{t(r.result)}\t{r.detail}".rstrip())
    summary = (
        f"Tổng {len(report.lines)} dòng: {report.count('import.created')} thêm mới, "
        f"{report.count('import.updated')} cập nhật, "
        f"{report.count('import.unchanged')} không thay đổi, "
        f"{report.count('import.error')} lỗi."
    )
    if dry_run:
        summary += " (Chạy thử: không lưu gì.)"
    elif report.credentials:
        summary += f" Mật khẩu tạm thời của đảng viên mới: {dest}"
    print(summary)
    return 1 if report.count("import.error") else 0
