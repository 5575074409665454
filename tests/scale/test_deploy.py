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

import pytest

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


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_configuration(tmp_path):
    certs = tmp_path / "certs"
    certs.mkdir()
    made = subprocess.run(  # noqa: S603
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",  # noqa: S607
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(certs / "privkey.pem"),
            "-out",
            str(certs / "fullchain.pem"),
        ],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("openssl could not make a test certificate")
    # Outside compose the `api` host does not resolve: point the upstream at loopback.
    conf = (DEPLOY / "nginx.conf").read_text()
    conf = conf.replace("/etc/nginx/certs", str(certs)).replace(
        "server api:8000", "server 127.0.0.1:8000"
    )
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    r = subprocess.run(  # noqa: S603
        [
            shutil.which("nginx") or "nginx",
            "-t",
            "-c",
            str(path),
            "-g",
            f"pid {tmp_path}/nginx.pid;",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
