"""Read-only entries (app.assets.light) carry what the ORM's entries carry, as the presenters
and feed writers read it: every public field, the venue and its point, the organisation, the
schedules and the interests."""

import pytest
from sqlmodel import Session, col, select

from app.assets import interests
from app.assets.light import load_light
from app.assets.models import Asset, CapitalDomain, FiveWays, Interest
from app.assets.present import ASSET_FIELDS, SCHEDULE_FIELDS, VENUE_FIELDS
from app.core.config import get_settings
from app.core.geo import latlon_of
from app.core.recent import Recent
from app.places import service as places
from app.places.models import Place, PlaceKind
from app.venues.models import Venue
from tests.migration_module import migration


def _same(light: object, orm: object, names: tuple[str, ...]) -> None:
    for name in names:
        assert getattr(light, name) == getattr(orm, name), name


def test_light_entries_read_as_the_orm_entries(session: Session) -> None:
    entries = session.exec(select(Asset).order_by(col(Asset.id)).limit(60)).all()
    light = load_light(session, [a.id for a in entries if a.id is not None])
    assert len(light) == len(entries) > 20
    assert any(a.venue for a in entries) and any(a.organisation for a in entries)
    for orm in entries:
        read = light[orm.id or 0]
        _same(read, orm, (*ASSET_FIELDS, "status", "venue_id", "organisation_id", "access"))
        for enum in ("kind", "attendance", "audience", "status"):  # members, not their text
            assert type(getattr(read, enum)) is type(getattr(orm, enum)), enum
        if orm.venue is None:
            assert read.venue is None
        else:
            _same(read.venue, orm.venue, (*VENUE_FIELDS, "town_id", "accessibility"))
            point, expected = latlon_of(read.venue.location), latlon_of(orm.venue.location)
            assert abs(point.latitude - expected.latitude) < 1e-9
            assert abs(point.longitude - expected.longitude) < 1e-9
            assert not hasattr(read.venue, "hosting_contact"), "a venue's contact stays out"
        assert not hasattr(read, "private_contact"), "an entry's private contact stays out"
        assert (read.organisation is None) == (orm.organisation is None)
        if orm.organisation is not None:
            assert read.organisation.name == orm.organisation.name
        by_id = sorted(orm.schedules, key=lambda s: s.id or 0)
        assert [s.id for s in read.schedules] == [s.id for s in by_id]
        for s, o in zip(read.schedules, by_id, strict=True):
            _same(s, o, (*SCHEDULE_FIELDS, "frequency", "weekdays", "start_time", "end_time"))
            assert type(s.frequency) is type(o.frequency)
        assert sorted(i.id for i in read.interests) == sorted(i.id or 0 for i in orm.interests)
        by_slug = {i.slug: i.id or 0 for i in orm.interests}
        assert [i.slug for i in read.interests] == sorted(
            (i.slug for i in orm.interests), key=lambda slug: by_slug[slug]
        )


def test_an_interest_seeded_since_the_taxonomy_was_read_is_found(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries carry their interests' ids and the taxonomy is kept in memory for a second; an
    id it lacks (an interest seeded since) has it read again at once."""
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    monkeypatch.setattr(interests, "_BY_ID", Recent(interests._by_id))
    entry = session.exec(select(Asset).where(col(Asset.interests).any())).first()
    assert entry is not None and entry.id is not None
    load_light(session, [entry.id])  # the taxonomy now in memory
    birds = Interest(
        slug="birdwatching", name="Birdwatching", domain=CapitalDomain.physical,
        five_ways=FiveWays.take_notice,
    )  # fmt: skip
    entry.interests.append(birds)
    session.flush()
    read = load_light(session, [entry.id])[entry.id]
    assert "birdwatching" in [i.slug for i in read.interests]
    assert {i.slug for i in read.interests} == {i.slug for i in entry.interests}


def _interest_ids(session: Session, entry_id: int) -> list[int]:
    row = session.connection().exec_driver_sql(
        "SELECT interest_ids FROM asset WHERE id = %(id)s", {"id": entry_id}
    )
    return list(row.scalar_one())


def _linked(session: Session, entry_id: int) -> list[int]:
    rows = session.connection().exec_driver_sql(
        "SELECT interest_id FROM asset_interest WHERE asset_id = %(id)s ORDER BY 1",
        {"id": entry_id},
    )
    return [r[0] for r in rows]


def test_an_entrys_interest_ids_follow_its_interests_and_the_backfill_writes_them(
    session: Session,
) -> None:
    """The trigger on asset_interest (migration 0031) writes an entry's interests' ids onto it,
    in order, as they are added, taken away or moved to another entry; the migration's
    backfill writes the same from asset_interest."""
    one, two = session.exec(select(Asset).order_by(col(Asset.id)).limit(2)).all()
    assert one.id is not None and two.id is not None
    taxonomy = session.exec(select(Interest).order_by(col(Interest.id)).limit(3)).all()
    one.interests = list(reversed(taxonomy))
    two.interests = []
    session.flush()
    ids = sorted(i.id or 0 for i in taxonomy)
    assert _interest_ids(session, one.id) == ids == _linked(session, one.id)
    assert [i.id for i in load_light(session, [one.id])[one.id].interests] == ids
    one.interests = [taxonomy[1]]
    session.flush()
    assert _interest_ids(session, one.id) == [taxonomy[1].id]
    session.connection().exec_driver_sql(
        "UPDATE asset_interest SET asset_id = %(two)s WHERE asset_id = %(one)s",
        {"one": one.id, "two": two.id},
    )
    assert _interest_ids(session, one.id) == [] and _interest_ids(session, two.id) == [
        taxonomy[1].id
    ]
    connection = session.connection()
    connection.exec_driver_sql("UPDATE asset SET interest_ids = '{}'")
    connection.exec_driver_sql(migration("0031_interest_ids_on_the_entry.py").BACKFILL)
    wrong = connection.exec_driver_sql(
        "SELECT count(*) FROM asset a WHERE a.interest_ids <> coalesce((SELECT array_agg("
        "interest_id ORDER BY interest_id) FROM asset_interest WHERE asset_id = a.id), '{}')"
    ).scalar_one()
    linked = connection.exec_driver_sql("SELECT count(DISTINCT asset_id) FROM asset_interest")
    assert wrong == 0 and linked.scalar_one() > 10


def test_a_town_added_since_the_places_were_read_is_named(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Venues' towns are named from memory (read again at most once a second); a town it
    lacks (added since) has them read again at once."""
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    monkeypatch.setattr(places, "_PLACES", Recent(places._places))
    in_a_town = (
        select(Asset)
        .join(Venue, col(Venue.id) == col(Asset.venue_id))
        .where(col(Venue.town_id).is_not(None))
        .order_by(col(Asset.id))
    )
    entry = session.exec(in_a_town).first()
    assert entry is not None and entry.id is not None and entry.venue is not None
    before = load_light(session, [entry.id])[entry.id].venue.town
    town = session.exec(select(Place).where(col(Place.id) == entry.venue.town_id)).one()
    assert before == (town.slug, town.name)
    added = Place(slug="new-town", name="New Town", kind=PlaceKind.town,
                  boundary=town.boundary)  # fmt: skip
    session.add(added)
    session.flush()
    entry.venue.town_id = added.id
    session.flush()
    assert load_light(session, [entry.id])[entry.id].venue.town == ("new-town", "New Town")
