"""What a search finds, for tests that compare two ways of finding it."""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.core.time import zone

# Two demo towns' centres, a few miles apart: near searches around each find demo entries.
OLDBURY, TIPTON = "52.5046,-2.0089", "52.5291,-2.0665"
# A Wednesday midday, for searches tested against the clock (today, now) that must find demo
# entries, online ones among them: late in the evening or at the weekend little or nothing of
# the day is left.
MIDWEEK_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=zone())


def found(session: Session, **given: Any) -> tuple[list[Any], list[float | None], int, bool]:
    """The hits' ids and distances, the total and whether it is exact, of a search of `given`."""
    result = search_assets(session, params=SearchParams.model_validate(given))
    hits = result.hits
    return (
        [h.asset.id for h in hits],
        [h.distance_miles for h in hits],
        result.total,
        result.total_exact,
    )
