"""The one message catalogue: every user-facing string, Vietnamese first, English second.

The catalogue is kept in several JSON files (`messages.json` for the core, one per domain,
e.g. `documents.json`) merged into one namespace; a key defined twice is an error.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent
LANGS = ("vi", "en")


@lru_cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages, keyed by message key."""
    data: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        twice = data.keys() & part.keys()
        if twice:
            raise ValueError(f"message keys defined twice ({path.name}): {sorted(twice)}")
        data.update(part)
    return data


def t(key: str, lang: str = "vi", **params: object) -> str:
    """The message for key in lang, with {params} filled; the key itself when unknown."""
    entry = catalogue().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["vi"]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    """Whether the catalogue knows the key."""
    return key in catalogue()
