"""`sotay` errors as an operator meets them: a message, exit status 1, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SOTAY = Path(sys.executable).with_name("sotay")


@pytest.fixture
def sotay(tmp_path):
    """Run `sotay …` against a fresh, migrated SQLite database of its own."""
    env = os.environ | {
        "SOTAY_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "SOTAY_DATA_DIR": str(tmp_path),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SOTAY), *args], env=env, capture_output=True, text=True, timeout=120
        )

    assert run("migrate").returncode == 0
    return run


def _refused(r: subprocess.CompletedProcess[str], *messages: str) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    for message in messages:
        assert message in r.stderr, r.stderr


def test_create_admin_with_a_weak_password_says_why(sotay):
    r = sotay("create-admin", "--username", "admin@example.vn", "--password", "short")
    _refused(r, "Dữ liệu không hợp lệ", "Mật khẩu phải có ít nhất 8 ký tự", "at least 8 characters")


def test_create_admin_into_an_unknown_unit_says_so(sotay):
    r = sotay(
        "create-admin",
        "--username",
        "admin@example.vn",
        "--password",
        "Quản trị viên mạnh 2025",
        "--unit",
        "NOPE",
    )
    _refused(r, "Không tìm thấy đơn vị", "Unit not found")


def test_restore_of_a_missing_archive_says_so(sotay, tmp_path):
    missing = tmp_path / "missing.tar"
    r = sotay("restore", str(missing))
    _refused(r, "Không tìm thấy", "Not found", str(missing))
