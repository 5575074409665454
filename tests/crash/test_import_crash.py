"""kill -9 during a member import, then run it again: nothing lost, nothing duplicated."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from api.db import new_session, write_intent
from api.members.models import User

ROWS = 250  # batches of 100, 100, 50 (SOTAY_IMPORT_BATCH below)
BATCH = 100


def _members_file(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Họ và tên", "Số thẻ đảng viên", "Mã chi bộ"])
        for i in range(ROWS):
            w.writerow([f"Nguyễn Văn Thử {i}", f"88{i:08d}", "A1"])


def _imported() -> tuple[int, int]:
    token = write_intent.set(False)  # only reading: never wait for the importer's lock
    try:
        return _count()
    finally:
        write_intent.reset(token)


def _count() -> tuple[int, int]:
    with new_session() as s:
        n = s.execute(
            select(func.count()).select_from(User).where(User.party_card_number.like("88%"))
        ).scalar_one()
        no_hash = s.execute(
            select(func.count())
            .select_from(User)
            .where(User.party_card_number.like("88%"), User.password_hash == "")
        ).scalar_one()
    return int(n), int(no_hash)


def test_import_killed_mid_way_then_rerun(world, tmp_path):
    data = tmp_path / "members.csv"
    _members_file(data)
    sotay = str(Path(sys.executable).with_name("sotay"))
    proc = subprocess.Popen(  # noqa: S603
        [sotay, "import-members", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=os.environ | {"SOTAY_IMPORT_BATCH": str(BATCH)},
    )
    deadline = time.monotonic() + 120
    while _imported()[0] < BATCH and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    first_line = proc.stdout.readline() if proc.stdout else ""
    done, no_hash = _imported()
    assert BATCH <= done < ROWS, "the kill should land between batches"
    assert done % BATCH == 0 and no_hash == 0, "a batch is all or nothing"
    creds_file = Path(first_line.split(": ", 1)[1].strip())
    with creds_file.open(encoding="utf-8-sig") as fh:
        saved = list(csv.reader(fh))[1:]
    last = {card: pw for card, _name, pw in saved}  # the last line per card is valid
    assert len(last) >= done, "every committed member's temporary password was kept"

    r = subprocess.run(  # noqa: S603
        [sotay, "import-members", str(data)],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"SOTAY_IMPORT_BATCH": str(BATCH)},
    )
    assert r.returncode == 0, r.stdout[-500:]
    assert f"{ROWS - done} thêm mới" in r.stdout and f"{done} không thay đổi" in r.stdout
    assert _imported() == (ROWS, 0)
    second = Path(r.stdout.splitlines()[0].split(": ", 1)[1].strip())
    for f in (creds_file, second):  # the hand-out lists of both runs, in order
        with f.open(encoding="utf-8-sig") as fh:
            last.update({card: pw for card, _name, pw in list(csv.reader(fh))[1:]})
    assert len(last) == ROWS
    from api.auth.service import hasher

    with new_session() as s:
        for card in ("8800000000", f"88{done - 1:08d}", f"88{done:08d}", f"88{ROWS - 1:08d}"):
            h = s.execute(select(User.password_hash).where(User.party_card_number == card)).scalar()
            assert hasher().verify_password(h, last[card]), card
    with new_session() as s:
        dupes = s.execute(
            select(User.party_card_number).group_by(User.party_card_number).having(func.count() > 1)
        ).all()
    assert dupes == []
