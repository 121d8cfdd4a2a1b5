"""The interest taxonomy, grouped for forms and listed for the API."""

from sqlalchemy import select
from sqlmodel import Session, col

from app.assets.models import FiveWays, Interest
from app.core.labels import FIVE_WAYS_LABELS


def list_interests(session: Session) -> list[Interest]:
    return list(session.execute(select(Interest).order_by(col(Interest.name))).scalars())


def interests_by_five_ways(session: Session) -> list[tuple[str, list[Interest]]]:
    """[("Connect", [...]), ("Be active", [...]), …] in the Five Ways order."""
    interests = list_interests(session)
    return [
        (FIVE_WAYS_LABELS[way], [i for i in interests if i.five_ways == way])
        for way in FiveWays
        if any(i.five_ways == way for i in interests)
    ]
