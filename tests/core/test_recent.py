"""Reference data for forms (towns, interests) is read once a `data_version_ttl_s` per
process, kept as plain values, and read again once that has passed."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assets import interests
from app.assets.interests import interests_by_five_ways, list_interests
from app.assets.models import Interest
from app.assets.schemas import InterestPublic
from app.core.config import get_settings
from app.core.recent import Recent
from app.places import service as places
from tests.statements import sent_statements


def _reads(statements: list[str]) -> list[str]:
    """The picker's towns and the interests (the search's own place lookups aside)."""
    return [s for s in statements if s.startswith(("SELECT place.slug, place.name \nFROM",
                                                   "SELECT interest.id"))]  # fmt: skip


def test_a_search_page_reads_towns_and_interests_once_a_ttl(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    for kept in (
        interests._GROUPED,
        interests._BY_ID,
        places._TOWN_CHOICES,
    ):  # as a fresh process has them
        kept.clear()
    with sent_statements(session) as first:
        page = client.get("/search?kind=meeting")
    with sent_statements(session) as again:
        repeat = client.get("/search?kind=meeting")
    assert len(_reads(first)) == 2 and _reads(again) == []
    assert repeat.text == page.text and 'value="oldbury"' in repeat.text
    assert all(isinstance(i, InterestPublic) for _, g in interests_by_five_ways(session) for i in g)


def test_values_are_read_again_once_the_ttl_has_passed(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    names = Recent(lambda s: [i.slug for i in list_interests(s)])
    before = names.get(session)
    session.add(Interest(slug="allotments", name="Allotments", domain="physical",
                         five_ways="be_active"))  # fmt: skip
    session.flush()
    assert names.get(session) == before, "within the ttl: the value read"
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 0.0)
    assert "allotments" in names.get(session)


def test_with_a_key_values_are_read_again_when_it_changes(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    minute = ["12:00"]
    reads: list[str] = []
    today = Recent(lambda s: reads.append(minute[0]) or len(reads), key=lambda s: minute[0])
    assert today.get(session) == today.get(session) == 1, "once for the same key"
    minute[0] = "12:01"
    assert today.get(session) == 2 and reads == ["12:00", "12:01"]


def test_a_mapping_is_read_again_when_a_key_wanted_is_missing(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`holding`: kept while it has every key wanted, read again at once when it lacks one."""
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    reads: list[int] = []

    def read(_: Session) -> dict[int, str]:
        reads.append(1)
        return {i: str(i) for i in range(len(reads) * 2)}  # each read knows more keys

    kept = Recent(read)
    assert kept.holding(session, [0, 1]) == {0: "0", 1: "1"} and len(reads) == 1
    assert kept.holding(session, [1]) == {0: "0", 1: "1"} and len(reads) == 1, "kept"
    assert kept.holding(session, [3])[3] == "3" and len(reads) == 2, "read again for a new key"
