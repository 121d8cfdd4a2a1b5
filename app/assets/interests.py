"""The interest taxonomy, grouped for forms and listed for the API."""

from collections.abc import Iterable
from types import SimpleNamespace

from sqlalchemy import select
from sqlmodel import Session, col

from app.assets.models import FiveWays, Interest
from app.assets.schemas import InterestPublic
from app.core.labels import FIVE_WAYS_LABELS
from app.core.recent import Recent


def list_interests(session: Session) -> list[Interest]:
    return list(session.execute(select(Interest).order_by(col(Interest.name))).scalars())


def interests_by_five_ways(session: Session) -> list[tuple[str, list[InterestPublic]]]:
    """[("Connect", [...]), ("Be active", [...]), …] in the Five Ways order, for forms."""
    return _GROUPED.get(session)


def _grouped(session: Session) -> list[tuple[str, list[InterestPublic]]]:
    """From the rows by id (one read of the taxonomy for pages and entries alike)."""
    rows = sorted(interest_rows(session, ()).values(), key=lambda row: row.name)
    interests = [InterestPublic.model_validate(row, from_attributes=True) for row in rows]
    return [
        (FIVE_WAYS_LABELS[way], [i for i in interests if i.five_ways == way])
        for way in FiveWays
        if any(i.five_ways == way for i in interests)
    ]


_GROUPED = Recent(_grouped)


def _by_id(session: Session) -> dict[int, SimpleNamespace]:
    rows = session.execute(select(*Interest.__table__.columns)).mappings()  # type: ignore[attr-defined]
    return {row["id"]: SimpleNamespace(**row) for row in rows}


_BY_ID = Recent(_by_id)


def interest_rows(session: Session, wanted: Iterable[int]) -> dict[int, SimpleNamespace]:
    """The taxonomy as read-only rows by id, from memory (entries carry their interests' ids:
    building each entry's interests as JSON in its query was a quarter of that query's time);
    read again when `wanted` names an id it lacks, one seeded since."""
    return _BY_ID.holding(session, wanted)
