"""Jinja2 templates (autoescaped), with labels and formatting helpers as globals."""

from datetime import datetime
from functools import lru_cache

from fastapi.templating import Jinja2Templates

from app.core.config import PROJECT_ROOT, get_settings
from app.core.labels import all_labels
from app.core.time import local_now


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """'today', '3 days ago', '3 weeks ago', '5 months ago'."""
    if moment is None:
        return "not yet checked"
    days = ((now or local_now()) - moment).days
    if days < 1:
        return "today"
    if days < 14:
        return "yesterday" if days == 1 else f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    return f"{days // 30} months ago"


def miles(value: float | None) -> str:
    return "" if value is None else f"{value:.1f} mi"


@lru_cache
def templates() -> Jinja2Templates:
    # Jinja2Templates autoescapes .html templates; everything a mapper typed is escaped.
    t = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
    t.env.globals.update(all_labels())
    t.env.globals["settings"] = get_settings()
    t.env.filters["ago"] = ago
    t.env.filters["miles"] = miles
    t.env.trim_blocks = True
    t.env.lstrip_blocks = True
    # A template edited while the server runs is read again in development only: checking
    # every template's file at each render cost a search page 2.4% of its time in stat calls.
    t.env.auto_reload = get_settings().env == "development"
    return t
