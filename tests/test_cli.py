"""The `sotay` command as an operator meets it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from api.cli import main


def test_create_admin_on_an_empty_database_is_idempotent(client, capsys):
    assert (
        main(
            [
                "create-admin",
                "--username",
                "admin@example.vn",
                "--password",
                "Quản trị viên mạnh 2025",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "create-admin",
                "--username",
                "admin@example.vn",
                "--password",
                "Quản trị viên mạnh 2025",
            ]
        )
        == 0
    )
    r = client.post(
        "/api/v1/auth/token",
        data={"username": "admin@example.vn", "password": "Quản trị viên mạnh 2025"},
    )
    assert r.status_code == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert [x["role"] for x in me.json()["roles"]] == ["admin"]
    root_id = me.json()["roles"][0]["unit_id"]
    unit = client.get(
        f"/api/v1/units/{root_id}", headers={"Authorization": f"Bearer {r.json()['access_token']}"}
    ).json()
    assert unit["kind"] == "central" and unit["parent_id"] is None


def test_seed_demo_then_the_printed_accounts_sign_in(client, capsys):
    from seed import demo_data

    assert main(["seed", "demo", "--if-empty"]) == 0
    out = capsys.readouterr().out
    assert demo_data.DEMO_PASSWORD in out
    for account in demo_data.DEMO_ACCOUNTS:
        assert account.party_card_number in out
    # Every printed account signs in, by card number and by phone.
    for account in demo_data.DEMO_ACCOUNTS[:3]:
        for username in (account.party_card_number, account.phone_local):
            r = client.post(
                "/api/v1/auth/token",
                data={"username": username, "password": demo_data.DEMO_PASSWORD},
            )
            assert r.status_code == 200, (username, r.text)
    # A second run does nothing and says so.
    assert main(["seed", "demo", "--if-empty"]) == 0
    assert "đã có dữ liệu" in capsys.readouterr().out


def test_demo_secretary_sees_their_cell_and_not_the_next(client):
    from seed import demo_data
    from seed.demo import seed_demo

    seed_demo()
    tok = client.post(
        "/api/v1/auth/token", data={"username": "10000002", "password": demo_data.DEMO_PASSWORD}
    ).json()
    h = {"Authorization": f"Bearer {tok['access_token']}"}
    me = client.get("/api/v1/me", headers=h).json()
    cell_id = me["cell"]["id"]
    r = client.get(f"/api/v1/units/{cell_id}/members", headers=h, params={"limit": 100})
    assert r.status_code == 200
    assert len(r.json()["items"]) == len(demo_data.members_by_cell()["HY-VA-01"])
    other = next(m for m in client.get(f"/api/v1/units/{cell_id}", headers=h).json()["path_ids"])
    assert other  # the root is visible on the way up


def test_import_members_report_rerun_and_dry_run(client, capsys, tmp_path):
    from seed.demo import seed_demo

    seed_demo()
    csv = tmp_path / "dv.csv"
    csv.write_text(
        "Họ và tên,Số thẻ đảng viên,Ngày sinh,Số điện thoại,Mã chi bộ,Ngày vào Đảng\n"
        "Nguyễn Văn Mới,9900000001,01/02/1970,0988 000 001,HY-VA-01,03/02/1995\n"
        "Trần Thị Hai,9900000002,1980-05-06,,HY-VA-02,\n"
        "Lê Văn Lỗi,9900000003,32/13/1980,,HY-VA-01,\n"
        "Phạm Văn Sai Chi Bộ,9900000004,,,KHONG-CO,\n",
        encoding="utf-8",
    )
    assert main(["import-members", str(csv), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "2 thêm mới" in out and "2 lỗi" in out and "Chạy thử" in out
    r = client.post("/api/v1/auth/token", data={"username": "9900000001", "password": "x"})
    assert r.status_code == 401  # nothing was stored by the dry run

    assert main(["import-members", str(csv)]) == 1
    out = capsys.readouterr().out
    assert "Dòng 4" in out and "Ngày không hợp lệ" in out
    assert "Dòng 5" in out and "Không có chi bộ với mã này" in out
    cred = Path(out.split("Mật khẩu tạm thời của đảng viên mới: ")[1].strip())
    lines = cred.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3 and oct(cred.stat().st_mode)[-3:] == "600"
    card, _name, temp = lines[1].split(",")
    # The new member signs in with the temporary password and must change it first.
    tok = client.post("/api/v1/auth/token", data={"username": card, "password": temp}).json()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tok['access_token']}"})
    assert me.json()["must_change_password"] is True

    # Re-running with a change updates instead of duplicating.
    csv.write_text(
        csv.read_text(encoding="utf-8").replace("Trần Thị Hai", "Trần Thị Hải"), encoding="utf-8"
    )
    main(["import-members", str(csv)])
    out = capsys.readouterr().out
    assert "0 thêm mới, 1 cập nhật, 1 không thay đổi, 2 lỗi" in out


def test_sotay_command_is_installed_and_migrates(tmp_path):
    env = os.environ | {
        "SOTAY_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "SOTAY_DATA_DIR": str(tmp_path),
    }
    sotay = Path(sys.executable).with_name("sotay")
    r = subprocess.run(
        [str(sotay), "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    assert "Database is at head" in r.stdout
    assert (tmp_path / "x.db").exists()
