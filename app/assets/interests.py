"""The interest taxonomy, grouped for forms and listed for the API."""

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
    interests = [InterestPublic.model_validate(i, from_attributes=True)
                 for i in list_interests(session)]  # fmt: skip
    return [
        (FIVE_WAYS_LABELS[way], [i for i in interests if i.five_ways == way])
        for way in FiveWays
        if any(i.five_ways == way for i in interests)
    ]


_GROUPED = Recent(_grouped)
