"""AppError and its subclasses; one set of handlers renders every error as problem+json."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.i18n import t

log = logging.getLogger("sotay.errors")
PROBLEM_JSON = "application/problem+json"


class FieldError:
    """One field's problem: a dotted location and a message key."""

    def __init__(self, field: str, code: str, **params: object) -> None:
        self.field, self.code, self.params = field, code, params

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "message": t(self.code, "vi", **self.params),
            "message_en": t(self.code, "en", **self.params),
        }


class AppError(Exception):
    """An error a client can act on; `slug` is the stable problem type."""

    status = 400
    slug = "bad_request"

    def __init__(
        self,
        detail_key: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(self.slug)
        # keep_changes: the transaction still commits (a failed sign-in is counted,
        # a reused refresh token's chain stays revoked).
        self.keep_changes = keep_changes
        self.detail_key = detail_key or f"problem.{self.slug}.detail"
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra or {}


class BadRequest(AppError):
    status, slug = 400, "bad_request"


class Unauthorized(AppError):
    status, slug = 401, "unauthorized"


class InvalidCredentials(AppError):
    status, slug = 401, "invalid_credentials"


class InvalidToken(AppError):
    status, slug = 401, "invalid_token"


class Forbidden(AppError):
    status, slug = 403, "forbidden"


class PasswordChangeRequired(AppError):
    status, slug = 403, "password_change_required"


class NotFound(AppError):
    status, slug = 404, "not_found"


class Conflict(AppError):
    status, slug = 409, "conflict"


class Duplicate(AppError):
    status, slug = 409, "duplicate"


class PayloadTooLarge(AppError):
    status, slug = 413, "too_large"


class UnsupportedMediaType(AppError):
    status, slug = 415, "unsupported_media_type"


class ValidationFailed(AppError):
    status, slug = 422, "validation"


class IdempotencyMismatch(AppError):
    status, slug = 422, "idempotency_mismatch"


class IdempotencyInProgress(AppError):
    status, slug = 409, "idempotency_in_progress"


class RateLimited(AppError):
    status, slug = 429, "rate_limited"

    def __init__(self, retry_after: int, *, keep_changes: bool = False) -> None:
        super().__init__(
            headers={"Retry-After": str(max(1, retry_after))}, keep_changes=keep_changes
        )
        self.extra = {"retry_after": max(1, retry_after)}


def problem(
    request: Request | None,
    status: int,
    slug: str,
    detail_key: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem response with Vietnamese title/detail and English beside them."""
    detail_key = detail_key or f"problem.{slug}.detail"
    body: dict[str, Any] = {
        "type": f"/problems/{slug.replace('_', '-')}",
        "title": t(f"problem.{slug}", "vi"),
        "title_en": t(f"problem.{slug}", "en"),
        "status": status,
        "detail": t(detail_key, "vi"),
        "detail_en": t(detail_key, "en"),
    }
    if request is not None:
        body["instance"] = request.url.path
        rid = getattr(request.state, "request_id", None)
        if rid:
            body["request_id"] = rid
    if errors:
        body["errors"] = [e.as_dict() for e in errors]
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_PYDANTIC_CODES = {
    "missing": "field.missing",
    "string_too_short": "field.too_short",
    "string_too_long": "field.too_long",
    "too_short": "field.too_short",
    "too_long": "field.too_long",
    "int_parsing": "field.not_integer",
    "int_type": "field.not_integer",
    "int_from_float": "field.not_integer",
    "float_parsing": "field.not_number",
    "float_type": "field.not_number",
    "date_parsing": "field.not_date",
    "date_from_datetime_parsing": "field.not_date",
    "date_type": "field.not_date",
    "datetime_parsing": "field.not_datetime",
    "datetime_from_date_parsing": "field.not_datetime",
    "datetime_type": "field.not_datetime",
    "string_type": "field.not_string",
    "bool_parsing": "field.not_bool",
    "bool_type": "field.not_bool",
    "list_type": "field.not_list",
    "dict_type": "field.not_object",
    "model_attributes_type": "field.not_object",
    "literal_error": "field.bad_choice",
    "enum": "field.bad_choice",
    "greater_than": "field.too_small",
    "greater_than_equal": "field.too_small",
    "less_than": "field.too_big",
    "less_than_equal": "field.too_big",
    "extra_forbidden": "field.extra",
    "json_invalid": "field.bad_json",
    "value_error": "field.invalid",
    "string_pattern_mismatch": "field.invalid",
}


def field_errors_from_validation(exc: RequestValidationError) -> list[FieldError]:
    """Pydantic's errors as catalogue-keyed field errors (no raw input echoed back)."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        code = _PYDANTIC_CODES.get(str(err.get("type")), "field.invalid")
        ctx = err.get("ctx") or {}
        if code == "field.invalid" and isinstance(ctx.get("error"), AppValueError):
            code = ctx["error"].code
        out.append(FieldError(".".join(loc) or "body", code))
    return out


class AppValueError(ValueError):
    """Raised by schema validators to report a catalogue message key."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def allowed_methods(request: Request) -> list[str]:
    """Every method any route offers at this path (routers nest, so ask the OpenAPI paths)."""
    from starlette.routing import compile_path

    app = request.app
    methods: set[str] = set()
    for template, ops in app.openapi().get("paths", {}).items():
        regex, _fmt, _conv = compile_path(template)
        if regex.match(request.url.path):
            methods |= {m.upper() for m in ops}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves the service as problem+json; nothing leaks a stack trace."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem(
            request, exc.status, exc.slug, exc.detail_key, exc.errors, exc.headers, exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(request, 422, "validation", errors=field_errors_from_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
            415: "unsupported_media_type",
            422: "validation",
            429: "rate_limited",
        }.get(exc.status_code, "bad_request")
        status = exc.status_code if exc.status_code < 500 else 400
        headers = dict(getattr(exc, "headers", None) or {})
        if status == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return problem(request, status, slug, headers=headers or None)

    @app.exception_handler(DataError)
    async def _data_error(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value (NUL byte, number out of range): the client's input,
        # not our fault. The transaction was rolled back, so nothing is half-written.
        log.warning("database refused a value", extra={"path": request.url.path})
        return problem(request, 422, "validation")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem(request, 500, "internal")
