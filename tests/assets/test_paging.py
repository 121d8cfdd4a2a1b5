"""Nearest-first pages are cut from a KNN walk a few entries past the page: entries at one
venue are equally far, and a page that ends among them must still hold the right ones."""

from datetime import time

import pytest
from sqlmodel import Session

from app.assets import paging
from app.assets.schemas import AssetCreate, ScheduleCreate
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.assets.service import upsert_asset
from app.venues.models import VenueCreate
from tests.statements import sent_statements

# A point no demo venue uses, so every entry there is exactly as far as the others.
HALL = VenueCreate(name="Tie Hall", postcode="B69 3DE", latitude=52.4971, longitude=-2.0243)
AT_THE_HALL = 3 * paging.TIE_MARGIN  # more than one margin's worth of ties


def _entries_at_the_hall(session: Session) -> list[int]:
    ids = []
    for n in range(AT_THE_HALL):
        data = AssetCreate.model_validate(
            {
                "kind": "meeting", "name": f"Tie {n:02d}", "fellowship": "SMART", "venue": HALL,
                "schedules": [ScheduleCreate(frequency="weekly", weekdays=[n % 7],
                                             start_time=time(18))],
                "interests": ["mutual-aid"], "status": "published", "source": "test",
                "external_id": f"tie-{n}",
            }
        )  # fmt: skip
        asset, _ = upsert_asset(session, data=data)
        ids.append(asset.id)
    session.flush()
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
