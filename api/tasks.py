"""Background work: the registry of periodic jobs that domains declare.

Domains register jobs with `@periodic("name", every_seconds=…)`; the task engine (in the
API process for the embedded shape, in `sotay worker` processes at scale) calls
`run_due_jobs()` regularly. Jobs must be safe to run twice (they use dedupe keys).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from api.db import new_session

log = logging.getLogger("sotay.tasks")
Job = Callable[[Session], None]


@dataclass
class PeriodicJob:
    name: str
    every_seconds: int
    fn: Job
    last_run: float = 0.0


_PERIODIC: dict[str, PeriodicJob] = {}


def periodic(name: str, every_seconds: int) -> Callable[[Job], Job]:
    """Declare `fn(session)` to run every `every_seconds`; the engine commits after it."""

    def register(fn: Job) -> Job:
        _PERIODIC[name] = PeriodicJob(name, every_seconds, fn)
        return fn

    return register


def periodic_jobs() -> list[PeriodicJob]:
    """Every registered job."""
    return list(_PERIODIC.values())


def run_job(job: PeriodicJob) -> None:
    """Run one job in its own transaction; a failure is logged, never raised."""
    with new_session() as session:
        try:
            job.fn(session)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("periodic job failed", extra={"job": job.name})
    job.last_run = time.monotonic()


def run_due_jobs(force: bool = False) -> list[str]:
    """Run the jobs whose interval has passed (all of them with force); returns their names."""
    now = time.monotonic()
    ran = []
    for job in list(_PERIODIC.values()):
        if force or now - job.last_run >= job.every_seconds:
            run_job(job)
            ran.append(job.name)
    return ran


def run_worker(processes: int = 1, threads: int = 4) -> int:
    """`sotay worker`: provided by the notifications engine (api.notifications.engine)."""
    from api.notifications.engine import run_worker as engine_worker  # type: ignore[import-not-found]

    return int(engine_worker(processes=processes, threads=threads))
