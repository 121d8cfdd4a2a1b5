"""The search form (HTML): parse what was typed, keep it, and explain what is wrong."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from app.assets.search_params import SearchParams
from app.core.labels import (
    ATTENDANCE_LABELS,
    AUDIENCE_LABELS,
    DAY_LABELS,
    FELLOWSHIP_NAMES,
    KIND_LABELS,
    TIME_LABELS,
    WHEN_LABELS,
)  # fmt: skip
from app.venues.models import ACCESS_LABELS

LIST_FIELDS = {"kind", "interest", "day", "access"}
FIELD_MESSAGES = {
    "near": "Enter a postcode (like B69 3DE), the start of one (like DY4) or a town name.",
    "radius": "Choose a distance between 1 and 50 miles.",
    "kind": "Choose kinds from the list.",
    "day": "Choose days from the list.",
    "time": "Choose a time of day from the list.",
    "when": "Choose now, today or this week.",
    "q": "Use fewer than 200 characters.",
    "page": "That page number does not exist.",
    "per_page": "Show between 1 and 100 results a page.",
}


@dataclass
class SearchForm:
    params: SearchParams
    errors: dict[str, str] = field(default_factory=dict)


def parse_search_form(query: QueryParams, **overrides: Any) -> SearchForm:
    """Valid filters become SearchParams; each invalid one is dropped with a message."""
    raw: dict[str, Any] = {}
    for key, value in query.multi_items():
        value = value.strip()
        if key not in SearchParams.model_fields or not value:
            continue
        if key in LIST_FIELDS:
            raw.setdefault(key, []).append(value)
        else:
            raw[key] = value
    raw.update(overrides)
    try:
        return SearchForm(SearchParams.model_validate(raw))
    except ValidationError as exc:
        errors = {
            str(e["loc"][0]): FIELD_MESSAGES.get(str(e["loc"][0]), str(e["msg"]))
            for e in exc.errors()
        }
    clean = {k: v for k, v in raw.items() if k not in errors}
    return SearchForm(SearchParams.model_validate(clean), errors)


def query_string(params: SearchParams, **changes: Any) -> str:
    """A shareable query string for params with some filters changed (None removes one)."""
    return query_strings(params)(**changes)


def query_strings(params: SearchParams) -> Callable[..., str]:
    """query_string for these params, their filters read once for the many links of a page
    (its kinds', its pages', its suggestions')."""
    filters, sort = params.filters(), params.sort

    def changed(**changes: Any) -> str:
        data: dict[str, Any] = {**filters, **changes}
        if sort and "sort" not in changes:
            data["sort"] = sort.value
        pairs = []
        for key, value in data.items():
            if value is None or value == []:
                continue
            for v in value if isinstance(value, list) else [value]:
                pairs.append((key, getattr(v, "value", v)))
        return urlencode(pairs)

    return changed


def describe_filters(p: SearchParams) -> str | None:
    """The filters in words, for headings and print ("Mutual-aid meetings · Evening")."""
    parts = [
        ", ".join(KIND_LABELS[k][1] for k in p.kind),
        ", ".join(DAY_LABELS[d] for d in p.day),
        TIME_LABELS[p.time] if p.time else "",
        WHEN_LABELS[p.when.value] if p.when else "",
        ATTENDANCE_LABELS[p.mode] if p.mode else "",
        AUDIENCE_LABELS[p.audience] if p.audience else "",
        ", ".join(ACCESS_LABELS[a] for a in p.access),
        FELLOWSHIP_NAMES.get(p.fellowship, p.fellowship) if p.fellowship else "",
        f"Meeting type {p.type}" if p.type else "",
        ", ".join(p.interest),
        f"“{p.q}”" if p.q else "",
    ]
    return " · ".join(part for part in parts if part) or None
