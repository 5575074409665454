"""Every table, imported in one place so the metadata (and Alembic) sees them all.

Each domain's `models.py` is imported by discovery, so adding a domain needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

_ROOT = Path(__file__).parent

for _info in sorted(pkgutil.iter_modules([str(_ROOT)]), key=lambda i: i.name):
    if _info.ispkg and (_ROOT / _info.name / "models.py").exists():
        importlib.import_module(f"api.{_info.name}.models")
