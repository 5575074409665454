"""The OpenAPI document, with every error answer documented as problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "title_en": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "detail_en": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "message_en": {"type": "string"},
                },
            },
        },
    },
}
ERROR_STATUSES = {
    "400": "Yêu cầu không hợp lệ / Bad request",
    "401": "Chưa đăng nhập / Not signed in",
    "403": "Không có quyền / Forbidden",
    "404": "Không tìm thấy / Not found",
    "409": "Xung đột trạng thái / Conflict",
    "413": "Dữ liệu quá lớn / Too large",
    "415": "Định dạng không được hỗ trợ / Unsupported media type",
    "422": "Dữ liệu không hợp lệ / Invalid data",
    "429": "Quá nhiều yêu cầu / Too many requests",
}


def install_openapi(app: FastAPI) -> None:
    """Replace app.openapi with a version that documents the problem+json errors."""

    def custom() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = PROBLEM_SCHEMA
        ref = {"$ref": "#/components/schemas/Problem"}
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                responses = op.setdefault("responses", {})
                for status, text in ERROR_STATUSES.items():
                    responses[status] = {
                        "description": text,
                        "content": {"application/problem+json": {"schema": ref}},
                    }
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = custom  # type: ignore[method-assign]
