"""Venue towns are recomputed from the boundaries (after places are loaded with new ones)."""

from sqlalchemy import text
from sqlmodel import Session

from app.places.service import assign_venue_towns

BY_BOUNDARY = (
    "SELECT v.id, (SELECT p.id FROM place p WHERE p.kind = 'town' "
    "AND ST_Covers(p.boundary, v.location::geometry) ORDER BY p.id LIMIT 1) FROM venue v"
)


def test_venue_towns_follow_the_boundaries_and_are_not_edits(session: Session) -> None:
    expected = dict(session.execute(text(BY_BOUNDARY)).all())
    assert sum(t is not None for t in expected.values()) >= 10, "demo venues in the towns"
    stamps = dict(session.execute(text("SELECT id, updated_at FROM venue")).all())
    session.execute(text("UPDATE venue SET town_id = NULL, updated_at = updated_at"))
    assign_venue_towns(session)
    after = dict(session.execute(text("SELECT id, town_id FROM venue")).all())
    assert after == expected
    again = dict(session.execute(text("SELECT id, updated_at FROM venue")).all())
    assert again == stamps, "a boundary moving is not an edit of the venue"
