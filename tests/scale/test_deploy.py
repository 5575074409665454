"""deploy/: the compose file and the proxy configuration refer to what the app really has.

Docker does not run here, so the compose file is checked by reading it: every `sotay`
command parses with the real command line, every SOTAY_ setting is one api/config.py knows,
the proxy's fixed address is the one the app trusts for X-Forwarded-For, and the proxy's
body limits are the app's. `nginx -t` checks the proxy configuration when nginx is here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from api.db import new_session
from tests import needs
from tests.conftest import PASSWORD
from tests.serving import free_port, served, wait_ready

yaml = pytest.importorskip("yaml")

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_compose_has_the_scaled_out_shape():
    services = _compose()["services"]
    for name in ("postgres", "rabbitmq", "migrate", "api", "worker", "proxy"):
        assert name in services, name
    assert services["api"]["deploy"]["replicas"] >= 2
    assert services["worker"]["deploy"]["replicas"] >= 1
    # API processes and workers wait for the one-shot migration.
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    # The app runs on PostgreSQL and RabbitMQ here, not the embedded shape.
    env = _env(services["api"])
    assert env["SOTAY_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["SOTAY_BROKER_URL"].startswith("amqp://")


def test_every_sotay_command_parses_and_every_setting_exists():
    from api.cli import build_parser
    from api.config import Settings

    known = {f"SOTAY_{name.upper()}" for name in Settings.model_fields}
    parser = build_parser()
    commands = 0
    for name, service in _compose()["services"].items():
        command = service.get("command")
        if isinstance(command, list) and command[:1] == ["sotay"]:
            parser.parse_args(command[1:])  # exits (SystemExit) on an unknown command/option
            commands += 1
        unknown = {k for k in _env(service) if k.startswith("SOTAY_")} - known
        assert not unknown, f"{name}: settings api/config.py does not know: {unknown}"
    assert commands >= 3  # migrate, api, worker
    example = (DEPLOY / "env.example").read_text()
    given = set(re.findall(r"^#?\s*(SOTAY_[A-Z0-9_]+)=", example, re.M))
    assert given and given <= known, given - known


def test_proxy_is_the_only_trusted_forwarder():
    compose = _compose()
    proxy_ip = compose["services"]["proxy"]["networks"]["internal"]["ipv4_address"]
    assert _env(compose["services"]["api"])["SOTAY_TRUSTED_PROXIES"] == proxy_ip
    conf = (DEPLOY / "nginx.conf").read_text()
    # Replaced, never appended: a client's own X-Forwarded-For does not reach the app.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf


def _mb(value: str) -> int:
    return int(value.rstrip("m")) * 1024 * 1024


def test_proxy_body_limits_are_the_apps():
    from api.config import Settings

    s = Settings()
    conf = (DEPLOY / "nginx.conf").read_text()
    limits = re.findall(r"client_max_body_size (\d+m);", conf)
    assert _mb(limits[0]) == s.max_request_bytes
    upload = _mb(limits[1])
    assert s.max_upload_bytes + 64 * 1024 <= upload <= s.max_upload_bytes + 2 * 1024 * 1024


def _certs(tmp_path: Path) -> Path:
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
         "-subj", "/CN=localhost", "-keyout", str(certs / "privkey.pem"),
         "-out", str(certs / "fullchain.pem")],
        capture_output=True, check=True,
    )  # fmt: skip
    return certs


def _local_conf(tmp_path: Path, upstreams: list[str], http: int, https: int) -> Path:
    """deploy/nginx.conf as it is, but for loopback: the API processes, ports, files, certs."""
    conf = (DEPLOY / "nginx.conf").read_text()
    servers = "".join(f"server {u.removeprefix('http://')};\n        " for u in upstreams)
    for old, new in [
        ("/etc/nginx/certs", str(_certs(tmp_path))),
        ("server api:8000 max_fails=3 fail_timeout=10s;\n        ", servers),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("/srv/static/", f"{STATIC}/"),
    ]:
        assert old in conf, f"deploy/nginx.conf no longer has {old!r}"
        conf = conf.replace(old, new)
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    return path


def _nginx(tmp_path: Path, conf: Path, *extra: str) -> list[str]:
    prefix = tmp_path / "nginx"
    for sub in ("logs", "temp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    settings = (
        f"pid {prefix}/nginx.pid; error_log {prefix}/logs/error.log;"
        if "-t" in extra
        else f"pid {prefix}/nginx.pid; error_log {prefix}/logs/error.log; daemon off;"
    )
    return [NGINX or "nginx", "-p", str(prefix), "-c", str(conf), "-g", settings, *extra]


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
STATIC = Path(__file__).resolve().parents[2] / "pwa" / "static"
needs_nginx = needs.service(NGINX is not None, "nginx is not installed (make test does)")


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path):
    conf = _local_conf(tmp_path, ["http://127.0.0.1:8000"], free_port(), free_port())
    r = subprocess.run(_nginx(tmp_path, conf, "-t"), capture_output=True, text=True)  # noqa: S603
    assert r.returncode == 0, r.stderr


def _served_count(url: str) -> float:
    """Requests to /healthz this API process has answered (its own /metrics)."""
    total = 0.0
    for line in httpx.get(f"{url}/metrics", timeout=5).text.splitlines():
        if line.startswith("sotay_http_request_seconds_count{") and '"/healthz"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


@needs_nginx
def test_the_proxy_in_front_of_two_api_processes(tmp_path, world):
    """The real proxy configuration, run: TLS, both upstreams used, the PWA's files from disk
    compressed and revalidated, icons cached for a year, bodies refused at the app's limit,
    /metrics closed, and the client address the app records is the proxy's view of it."""
    http, https = free_port(), free_port()
    with served(2, env={"SOTAY_TRUSTED_PROXIES": "127.0.0.1"}) as upstreams:
        conf = _local_conf(tmp_path, upstreams, http, https)
        proc = subprocess.Popen(_nginx(tmp_path, conf), stderr=subprocess.PIPE)  # noqa: S603
        try:
            base = f"https://127.0.0.1:{https}"
            wait_ready(base, verify=False)
            r = httpx.get(f"http://127.0.0.1:{http}/documents", follow_redirects=False)
            assert r.status_code == 301 and r.headers["location"].startswith("https://")
            with httpx.Client(base_url=base, verify=False, timeout=10) as c:
                before = [_served_count(u) for u in upstreams]
                for _ in range(20):
                    assert c.get("/healthz").status_code == 200
                after = [_served_count(u) for u in upstreams]
                assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)

                css = c.get("/static/app.css", headers={"Accept-Encoding": "gzip"})
                assert css.status_code == 200 and css.headers["content-encoding"] == "gzip"
                assert css.headers["cache-control"] == "no-cache"
                assert css.text == (STATIC / "app.css").read_text()
                again = c.get("/static/app.css", headers={"If-None-Match": css.headers["etag"]})
                assert again.status_code == 304
                icon = c.get("/static/icons/icon-192.png")
                assert icon.status_code == 200 and "immutable" in icon.headers["cache-control"]

                assert c.get("/metrics").status_code == 403
                big = c.post("/api/v1/units", content=b"x" * (3 * 1024 * 1024))
                assert big.status_code == 413

                # A client's own X-Forwarded-For is replaced by the proxy: the session the
                # app records carries the address nginx saw, not the forged one.
                r = c.post(
                    "/api/v1/auth/token",
                    data={"username": "10000000", "password": PASSWORD},
                    headers={"X-Forwarded-For": "203.0.113.9"},
                )
                assert r.status_code == 200, r.text
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    with new_session() as s:
        ip = s.execute(text("SELECT ip FROM auth_sessions ORDER BY id DESC LIMIT 1")).scalar()
    assert ip == "127.0.0.1"
