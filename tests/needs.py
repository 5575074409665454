"""Tests that need a local service (RabbitMQ, nginx): skipped on a laptop without it, but a
failure on CI, where the service is always there and a silent skip would hide a regression."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import pytest


def service(available: bool, reason: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if available:
        return lambda test: test
    if not os.environ.get("CI"):
        return pytest.mark.skip(reason=reason)

    def fail_instead(test: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(test)  # keeps the fixtures pytest reads from the signature
        def missing(*args: Any, **kwargs: Any) -> None:
            pytest.fail(f"{reason}; CI must run this test")

        return missing

    return fail_instead
