"""Settings from the environment (prefix SOTAY_) and an optional .env file."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com,android.googleapis.com,updates.push.services.mozilla.com,"
    "web.push.apple.com,api.push.apple.com,wns2-par02p.notify.windows.com,notify.windows.com"
)


class Settings(BaseSettings):
    """Every knob the service has, each with a safe default for the embedded shape."""

    model_config = SettingsConfigDict(env_prefix="SOTAY_", env_file=".env", extra="ignore")

    # "production" refuses unsafe settings and turns the API explorer off unless asked for;
    # "test" is the suite's profile (no background engine threads).
    env: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("./var")
    database_url: str = ""  # empty: SQLite file under data_dir
    db_pool_size: int = 10
    # Requests that may hold a database connection at once, per process; the rest wait in
    # the event loop. At most the pool's size, so a connection is always there for them.
    db_admitted_requests: int = 10
    db_pool_overflow: int = 10
    db_pool_timeout_seconds: float = 30.0
    # Worker threads per API process (AnyIO's default is 40). Fewer threads contend less for
    # the GIL: 8 served 30-65 % more member reads than 40 (bench/endpoints.py, docs/decisions.md).
    worker_threads: int = 8

    # Sessions
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    cookie_session_ttl_seconds: int = 30 * 24 * 3600
    cookie_secure: bool = True
    cookie_name: str = "sotay_session"

    # Password hashing: argon2id, RFC 9106 low-memory profile (above OWASP's floor).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    argon2_max_concurrent: int = 4

    # Sign-in throttling: failures per account and per address in a window.
    login_max_failures_per_account: int = 10
    login_max_failures_per_address: int = 50
    login_window_seconds: int = 15 * 60

    # Expensive routes: calls per minute per account and per client address, counted in
    # the database (api/ops/limits.py); 0 turns a limit off. High enough for a person and
    # for the benchmarks; a scripted scraper stops at ~10 calls a second.
    rate_search_per_minute: int = 600
    rate_search_per_address_per_minute: int = 6000
    rate_export_per_minute: int = 600
    rate_export_per_address_per_minute: int = 6000
    rate_publish_per_minute: int = 120
    rate_publish_per_address_per_minute: int = 1200

    # Limits
    max_request_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 25 * 1024 * 1024
    page_limit_default: int = 20
    page_limit_max: int = 100
    idempotency_ttl_seconds: int = 48 * 3600
    # A claimed key whose request never finished (its process died) may be retried after
    # this; longer than any request runs.
    idempotency_stale_seconds: int = 120

    push_allowed_hosts: str = DEFAULT_PUSH_HOSTS
    # Notifications (docs/notifications.md). Task engine: empty broker_url runs Dramatiq
    # in-process (embedded shape); amqp://… uses RabbitMQ and `sotay worker` processes.
    broker_url: str = ""
    broker_namespace: str = "sotay"  # queue-name prefix, so deployments share a broker
    task_threads: int = 4  # worker threads of the in-process engine
    vapid_private_key_file: Path | None = None  # default: generated under data_dir/secrets
    vapid_subject: str = "mailto:quantri@sotay.vn"  # the push services' contact for us
    fcm_credentials: Path | None = None  # service-account JSON; absent: FCM is off
    push_timeout_seconds: float = 10.0
    push_max_attempts: int = 6  # per delivery; then it is failed, never retried forever
    push_retry_base_seconds: float = 30.0
    notify_batch_size: int = 1000  # recipients per fan-out transaction
    notify_lease_seconds: int = 60  # a dead worker's fan-out/claim is taken over after this
    notify_sweep_seconds: int = 15  # how often pending events and due pushes are swept
    # Quiet hours (Asia/Ho_Chi_Minh) of members who never chose their own: "HH:MM-HH:MM" or
    # "off". A province may set its own; tests set "off" so no result depends on the hour.
    quiet_hours_default: str = Field(
        default="22:00-06:00", pattern=r"^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$"
    )
    docs_enabled: bool | None = None  # None: on, except in production
    log_json: bool = True

    trusted_proxies: str = Field(default="", description="comma-separated proxy IPs")

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        """A production start with a setting that would expose members fails loudly."""
        if self.docs_enabled is None:
            self.docs_enabled = self.env != "production"
        if self.env != "production":
            return self
        problems = []
        if not self.cookie_secure:
            problems.append("SOTAY_COOKIE_SECURE=false would send the session cookie over HTTP")
        # OWASP's floor for argon2id: 19 MiB and 2 passes (the suite runs cheaper hashes).
        if self.argon2_memory_kib < 19456 or self.argon2_time_cost < 2:
            problems.append("SOTAY_ARGON2_* below OWASP's floor (19456 KiB, 2 passes)")
        if problems:
            raise ValueError("SOTAY_ENV=production refuses: " + "; ".join(problems))
        return self

    @property
    def resolved_database_url(self) -> str:
        """The configured database, or a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'sotay.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    def secret(self, name: str, nbytes: int = 32) -> str:
        """A secret read from the data folder, generated once if missing (never committed)."""
        path = self.data_dir / "secrets" / name
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(nbytes)
        path.write_text(value)
        path.chmod(0o600)
        return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache to change them)."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
