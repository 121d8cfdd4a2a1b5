"""The Meeting Guide meeting-type code list, read from the published standard."""

import json
from functools import lru_cache

from app.core.config import get_settings


@lru_cache
def meeting_types() -> dict[str, str]:
    """Code → English name (e.g. "O" → "Open"), from the standards directory."""
    path = get_settings().standards_path / "meeting-guide" / "types.json"
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return {code: names.get("en", code) for code, names in data.items()}


def unknown_types(codes: list[str]) -> list[str]:
    known = meeting_types()
    return [c for c in codes if c not in known]
