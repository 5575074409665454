"""Tests for the password policy and argon2id hashing."""

from __future__ import annotations

import threading
import time
import unicodedata

import pytest

from api.auth import passwords
from api.auth.passwords import PasswordHasher, check_password_policy

# OWASP's floor (m=19456 KiB, t=2, p=1): fast enough for tests, still a real argon2id cost.
FLOOR = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}


@pytest.fixture(scope="module")
def hasher() -> PasswordHasher:
    return PasswordHasher(**FLOOR)


# --- policy --------------------------------------------------------------------------------


def test_good_password_passes() -> None:
    assert check_password_policy("chi bộ Vĩnh An họp ngày 5") == []
    assert check_password_policy("x7#Lq!pw") == []


def test_too_short() -> None:
    assert check_password_policy("Ab1!xyz") == ["password.too_short"]
    assert check_password_policy("") == ["password.too_short"]


def test_length_counts_code_points_not_bytes_or_marks() -> None:
    # 8 Vietnamese letters are 8 characters, even typed in decomposed form.
    pw = unicodedata.normalize("NFD", "ẤỂỄỆỐỒỞỠ")
    assert len(pw) > 8
    assert "password.too_short" not in check_password_policy(pw)
    assert check_password_policy("ẤỂỄỆỐỒỞ") == ["password.too_short"]


def test_too_long() -> None:
    assert check_password_policy("a1b2c3d4" * 16) == []  # exactly 128
    assert check_password_policy("a1b2c3d4" * 16 + "z") == ["password.too_long"]


@pytest.mark.parametrize(
    "pw",
    [
        "password",
        "PASSWORD",
        "Password",
        "12345678",
        "qwertyuiop",
        "iloveyou",
        "matkhau123",
        "MatKhau123",
        "Mật khẩu 123",
        "dangvien123",
        "dangcongsan",
        "vietnam123",
        "123456789a",
        "12345678@",
        "hanoi123",
        "saigon123",
        "anhyeuem",
    ],
)
def test_common_passwords_are_rejected(pw: str) -> None:
    assert "password.common" in check_password_policy(pw)


def test_short_common_password_reports_both() -> None:
    assert check_password_policy("123456") == ["password.too_short", "password.common"]


def test_common_list_is_loaded_once_and_large() -> None:
    first = passwords._common_passwords()
    assert first is passwords._common_passwords()
    assert isinstance(first, frozenset)
    assert len(first) > 19_000
    assert {"password", "matkhau", "dangvien123"} <= first


def test_similar_to_party_card_number() -> None:
    inputs = ["85012937", "Nguyễn Văn Bình", "+84912345678", "binh.nv@vinhan.vn"]
    assert check_password_policy("85012937", user_inputs=inputs) == ["password.similar_to_user"]
    assert check_password_policy("85.012.937", user_inputs=inputs) == ["password.similar_to_user"]


@pytest.mark.parametrize(
    "pw",
    [
        "nguyenvanbinh",
        "Nguyễn Văn Bình",
        "NGUYEN-VAN-BINH",
        "0912345678",
        "84912345678",
        "0912 345 678",
        "binh.nv@vinhan.vn",
        "binhnv12",
        "nguyenvanbinh1",
        "0912345678a",
    ],
)
def test_similar_to_name_phone_email(pw: str) -> None:
    inputs = ["85012937", "Nguyễn Văn Bình", "+84912345678", "binh.nv@vinhan.vn"]
    assert "password.similar_to_user" in check_password_policy(pw, user_inputs=inputs)


def test_not_similar_when_only_loosely_related() -> None:
    inputs = ["85012937", "Nguyễn Văn Bình", "+84912345678", "", "binh.nv@vinhan.vn"]
    assert check_password_policy("binh yeu que huong", user_inputs=inputs) == []
    assert check_password_policy("nguyenvanbinh2025!", user_inputs=inputs) == []


# --- hashing -------------------------------------------------------------------------------


def test_hash_and_verify(hasher: PasswordHasher) -> None:
    h = hasher.hash_password("chi bộ Vĩnh An")
    assert h.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify_password(h, "chi bộ Vĩnh An")
    assert not hasher.verify_password(h, "chi bo Vinh An")
    assert hasher.hash_password("chi bộ Vĩnh An") != h  # salted


def test_verify_accepts_decomposed_input(hasher: PasswordHasher) -> None:
    h = hasher.hash_password("Mật khẩu của tôi")
    assert hasher.verify_password(h, unicodedata.normalize("NFD", "Mật khẩu của tôi"))


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not a hash",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "pbkdf2_sha256$600000$salt$hash",
        "$argon2id$v=19$m=19456,t=2,p=1$trunc",
    ],
)
def test_verify_never_raises_on_bad_hashes(hasher: PasswordHasher, bad: str) -> None:
    assert hasher.verify_password(bad, "whatever1") is False
    assert hasher.needs_rehash(bad) is True


def test_verify_rejects_non_strings(hasher: PasswordHasher) -> None:
    assert hasher.verify_password(None, "x") is False  # type: ignore[arg-type]


def test_needs_rehash_after_parameter_change(hasher: PasswordHasher) -> None:
    h = hasher.hash_password("đổi tham số")
    assert not hasher.needs_rehash(h)
    stronger = PasswordHasher(time_cost=3, memory_cost=19456, parallelism=1)
    assert stronger.needs_rehash(h)
    assert stronger.verify_password(h, "đổi tham số")  # old hashes still verify
    rehashed = stronger.hash_password("đổi tham số")
    assert not stronger.needs_rehash(rehashed)
    assert PasswordHasher(time_cost=2, memory_cost=47104, parallelism=1).needs_rehash(rehashed)


def test_default_parameters_are_rfc9106_low_memory() -> None:
    h = PasswordHasher().hash_password("mặc định tốt")
    assert h.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.parametrize(
    "params",
    [
        {"time_cost": 1, "memory_cost": 19456, "parallelism": 1},
        {"time_cost": 2, "memory_cost": 8192, "parallelism": 1},
        {"time_cost": 2, "memory_cost": 19456, "parallelism": 0},
    ],
)
def test_parameters_below_owasp_floor_are_refused(params: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        PasswordHasher(**params)


def test_owasp_equivalent_configurations_are_accepted() -> None:
    for memory, iterations in passwords.OWASP_MINIMUMS:
        PasswordHasher(time_cost=iterations, memory_cost=memory, parallelism=1)


def test_concurrent_hashes_are_bounded() -> None:
    h = PasswordHasher(**FLOOR, max_concurrent=2)
    active = 0
    peak = 0
    lock = threading.Lock()

    class SlowHasher:
        def hash(self, password: str) -> str:
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.02)
            with lock:
                active -= 1
            return "h"

    h._hasher = SlowHasher()  # type: ignore[assignment]
    threads = [threading.Thread(target=h.hash_password, args=("x",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2


def test_module_level_functions_use_configured_hasher() -> None:
    original = passwords._default_hasher
    try:
        passwords.configure(**FLOOR, max_concurrent=1)
        h = passwords.hash_password("cấu hình")
        assert "$m=19456,t=2,p=1$" in h
        assert passwords.verify_password(h, "cấu hình")
        assert not passwords.verify_password(h, "sai rồi")
        assert not passwords.needs_rehash(h)
        assert passwords.verify_password("garbage", "cấu hình") is False
    finally:
        passwords._default_hasher = original
