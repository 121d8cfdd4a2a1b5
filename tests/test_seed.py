from sqlalchemy import text
from sqlmodel import Session

from app.assets.models import AssetKind
from app.seed import seed_all

COUNTS = (
    "SELECT (SELECT count(*) FROM place), (SELECT count(*) FROM asset), "
    "(SELECT count(*) FROM venue), (SELECT count(*) FROM schedule), "
    "(SELECT count(*) FROM revision), (SELECT count(*) FROM postcode), "
    "(SELECT max(updated_at) FROM asset), (SELECT count(*) FROM interest)"
)


def test_seeding_twice_changes_nothing(session: Session) -> None:
    before = session.execute(text(COUNTS)).one()
    report = seed_all(session)
    assert report.assets == {"created": 0, "updated": 0, "unchanged": report.assets["unchanged"]}
    assert session.execute(text(COUNTS)).one() == before


def test_demo_data_covers_every_town_and_kind(session: Session) -> None:
    published = session.execute(
        text("SELECT count(*) FROM asset WHERE status = 'published'")
    ).scalar_one()
    assert published >= 80
    kinds = {k for (k,) in session.execute(text("SELECT DISTINCT kind FROM asset"))}
    assert kinds == {k.value for k in AssetKind}
    per_town = dict(
        session.execute(
            text(
                "SELECT p.slug, count(a.id) FROM place p LEFT JOIN venue v ON v.town_id = p.id "
                "LEFT JOIN asset a ON a.venue_id = v.id WHERE p.kind = 'town' GROUP BY p.slug"
            )
        ).all()
    )
    assert len(per_town) == 6
    assert min(per_town.values()) >= 8


def test_about_ten_meetings_just_outside_the_borough_near_oldbury(session: Session) -> None:
    rows = session.execute(
        text(
            "SELECT a.fellowship FROM asset a JOIN venue v ON v.id = a.venue_id "
            "WHERE a.kind = 'meeting' AND v.town_id IS NULL "
            "AND ST_DWithin(v.location, ST_GeogFromText('SRID=4326;POINT(-2.0089 52.5046)'), "
            "5 * 1609.344)"
        )
    ).all()
    fellowships = [f for (f,) in rows]
    assert 8 <= len(fellowships) <= 14
    assert {"NA", "CA", "AA"} <= set(fellowships)
    in_borough_na = session.execute(
        text(
            "SELECT count(*) FROM asset a JOIN venue v ON v.id = a.venue_id "
            "WHERE a.fellowship = 'NA' AND v.town_id IS NOT NULL"
        )
    ).scalar_one()
    assert in_borough_na == 0, "as in the recovery plan: no NA meeting in the borough"
