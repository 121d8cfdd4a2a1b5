"""Nearest-first pages are cut from a KNN walk a few entries past the page: entries at one
venue are equally far, and a page that ends among them must still hold the right ones."""

from datetime import time
from typing import Any

import pytest
from sqlmodel import Session

from app.assets import paging, search, search_query
from app.assets.light import load_light
from app.assets.schemas import AssetCreate, ScheduleCreate
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.assets.service import upsert_asset
from app.venues.models import VenueCreate
from tests.searches import OLDBURY, TIPTON, found
from tests.statements import sent_statements

# A point no demo venue uses, so every entry there is exactly as far as the others.
HALL = VenueCreate(name="Tie Hall", postcode="B69 3DE", latitude=52.4971, longitude=-2.0243)
AT_THE_HALL = 3 * paging.TIE_MARGIN  # more than one margin's worth of ties


def _at_the_hall(
    session: Session, name: str, schedules: list[ScheduleCreate], **fields: Any
) -> int:
    """A published entry at the Tie Hall (a club, unless `fields` say otherwise)."""
    data = AssetCreate.model_validate(
        {"kind": "club", "name": name, "venue": HALL, "schedules": schedules,
         "interests": ["mutual-aid"], "status": "published", "source": "test",
         "external_id": name, **fields}
    )  # fmt: skip
    asset, _ = upsert_asset(session, data=data)
    session.flush()
    assert asset.id is not None
    return asset.id


def _entries_at_the_hall(session: Session) -> list[int]:
    ids = [
        _at_the_hall(
            session, f"Tie {n:02d}",
            [ScheduleCreate(frequency="weekly", weekdays=[n % 7], start_time=time(18))],
            kind="meeting", fellowship="SMART", external_id=f"tie-{n}",
        )
        for n in range(AT_THE_HALL)
    ]  # fmt: skip
    return sorted(ids)


def _page(session: Session, page: int, per_page: int) -> list[int]:
    params = SearchParams.model_validate(
        {"near": f"{HALL.latitude},{HALL.longitude}", "radius": 1, "page": page,
         "per_page": per_page}
    )  # fmt: skip
    return [h.asset.id for h in search_assets(session, params=params).hits]


@pytest.mark.parametrize(
    ("counted", "cut_here_up_to"),
    [(True, paging.CUT_HERE_UP_TO), (False, paging.CUT_HERE_UP_TO), (False, 0)],
    ids=["page-and-count", "page-only cut here", "page-only cut in PostgreSQL"],
)
def test_pages_ending_among_one_venues_entries_are_in_id_order_without_gaps(
    session: Session, monkeypatch: pytest.MonkeyPatch, counted: bool, cut_here_up_to: int
) -> None:
    if not counted:  # as when the planner expects thousands of matches
        monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", 0)
    monkeypatch.setattr(paging, "CUT_HERE_UP_TO", cut_here_up_to)
    at_the_hall = _entries_at_the_hall(session)
    per_page = paging.TIE_MARGIN // 2 + 1  # pages end inside the ties, past one margin
    pages = [_page(session, n, per_page) for n in range(1, 8)]
    read = [i for page in pages for i in page]
    assert read[:AT_THE_HALL] == at_the_hall, "nearest first, ties in id order"
    assert len(read) == len(set(read)), "no entry on two pages"


def test_a_walk_that_stops_among_ties_is_read_again_further(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", 0)  # the page alone, not counted
    at_the_hall = _entries_at_the_hall(session)
    # The first page's walk (page + margin: 20) stops inside the ties and is cut here; the
    # second (page + 10 x margin: 110) is longer than CUT_HERE_UP_TO and cut in PostgreSQL.
    with sent_statements(session) as statements:
        first = _page(session, 1, paging.TIE_MARGIN)
    walks = [s for s in statements if "<->" in s and "LIMIT" in s]
    assert len(walks) == 2
    assert "OVER ()" not in walks[0] and "max(anon_1.distance_m) OVER ()" in walks[1]
    assert first == at_the_hall[: paging.TIE_MARGIN]


def _sent_together(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The statements of each round trip a shared shape's kept statements took together."""
    together: list[list[str]] = []
    run = search_query.run_together

    def noting(session: Session, runs: Any, **options: Any) -> Any:
        together.append([fixed.sql for fixed, _ in runs])
        return run(session, runs, **options)

    monkeypatch.setattr(search_query, "run_together", noting)
    return together


def test_a_shape_expected_to_match_many_reads_its_first_page_with_the_estimate(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a search of a shape expected more matches than are counted, the next first page
    is walked in the estimate's round trip, and is the page a search made afresh reads."""
    monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", 0)  # the planner expects more
    found(session, near=OLDBURY, radius=3)  # the shape's first search: expected many
    together = _sent_together(monkeypatch)
    hits = found(session, near=TIPTON, radius=3)
    assert [len(sent) for sent in together] == [2]
    assert together[0][0].startswith("EXPLAIN") and "<->" in together[0][1]
    monkeypatch.setattr(search, "statements_for", lambda shape: shape.make())
    assert found(session, near=TIPTON, radius=3) == hits
    assert hits[0] and not hits[3]


def test_a_shape_expected_to_match_few_reads_its_estimate_alone(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    found(session, near=OLDBURY, radius=3)  # the demo data's few: counted
    together = _sent_together(monkeypatch)
    hits = found(session, near=TIPTON, radius=3)
    assert not [sent for sent in together if len(sent) > 1 and sent[0].startswith("EXPLAIN")]
    assert hits[0] and hits[3], "counted exactly"


def test_a_first_page_read_with_the_estimate_among_ties_is_read_further(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", 0)
    at_the_hall = _entries_at_the_hall(session)
    hall = f"{HALL.latitude},{HALL.longitude}"
    found(session, near=OLDBURY, radius=3, per_page=paging.TIE_MARGIN)  # the shape: many
    with sent_statements(session) as statements:
        first = found(session, near=hall, radius=3, per_page=paging.TIE_MARGIN)
    walks = [s for s in statements if "<->" in s and "LIMIT" in s]
    assert len(walks) == 2, "the walk with the estimate, then one ten margins further"
    assert first[0] == at_the_hall[: paging.TIE_MARGIN]


def test_a_plain_walks_first_page_is_read_with_its_entries_in_one_round_trip(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A near search expected to match many, with kinds at most, reads its first page and
    the page's entries in one statement (one row per schedule): the entries are those
    load_light reads, with several schedules, one, or none."""
    monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", 0)
    weekly = [ScheduleCreate(frequency="weekly", weekdays=[d], start_time=time(10 + d))
              for d in (4, 0, 2)]  # fmt: skip
    several = _at_the_hall(session, "Three mornings", weekly)
    one = _at_the_hall(session, "One morning", weekly[:1])
    none = _at_the_hall(session, "By arrangement", [])
    hall = f"{HALL.latitude},{HALL.longitude}"
    found(session, near=OLDBURY, radius=3, kind=["club"])  # the shape: many
    together = _sent_together(monkeypatch)
    params = SearchParams.model_validate({"near": hall, "radius": 3, "kind": ["club"]})
    hits = search_assets(session, params=params).hits
    assert len(together) == 1 and len(together[0]) in (1, 2), "one round trip"
    assert "JOIN schedule" in together[0][-1] and "<->" in together[0][-1]
    read = {h.asset.id: h.asset for h in hits}
    assert {several, one, none} <= set(read)
    assert [len(read[i].schedules) for i in (several, one, none)] == [3, 1, 0]
    by_load = load_light(session, list(read))
    for id_, entry in read.items():
        assert vars(entry) == vars(by_load[id_]), id_
    assert [h.next is not None for h in hits if h.asset.id in (several, none)] == [True, False]
