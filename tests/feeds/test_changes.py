"""Walking the RPDE change feed to the end, with edits between pages, ends with exactly the
published set."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.assets.models import AssetStatus
from app.assets.service import upsert_asset
from tests.assets.test_service import make


def published(session: Session) -> dict[int, str]:
    rows = session.execute(text("SELECT id, name FROM asset WHERE status = 'published'")).all()
    return dict(rows)


def walk(
    client: TestClient, url: str, between_pages: Any = None
) -> tuple[dict[int, str], int, str]:
    """Replay like a partner: apply each page; returns the store, deletions seen, last URL."""
    store: dict[int, str] = {}
    deletions = 0
    pages = 0
    while True:
        page = client.get(url).json()
        for item in page["items"]:
            if item["state"] == "updated":
                store[item["id"]] = item["data"]["name"]
            else:
                deletions += 1
                store.pop(item["id"], None)
        if not page["items"]:
            assert page["next"] == url, "the last page points at itself"
            return store, deletions, url
        url = page["next"]
        pages += 1
        if between_pages:
            between_pages(pages)


def test_replay_with_edits_between_pages_ends_with_the_published_set(
    client: TestClient, session: Session
) -> None:
    ids = sorted(published(session))

    def edit(page: int) -> None:
        if page == 1:  # rename an entry the consumer has already seen
            session.execute(
                text("UPDATE asset SET name = name || ' (renamed)' WHERE id = :i"), {"i": ids[0]}
            )
        if page == 2:  # archive one: it must arrive as a deletion
            session.execute(
                text("UPDATE asset SET status = 'archived' WHERE id = :i"), {"i": ids[1]}
            )
        if page == 3:  # and a new one appears
            upsert_asset(session, data=make(external_id="rpde-new", name="Brand New Group"))
        session.flush()

    store, deletions, _ = walk(client, "/feeds/changes?limit=10", edit)
    assert store == published(session)
    assert deletions >= 1
    assert store[ids[0]].endswith("(renamed)")
    assert ids[1] not in store
    assert "Brand New Group" in store.values()


def test_items_have_the_rpde_shape_and_caching(client: TestClient, session: Session) -> None:
    session.execute(
        text("UPDATE asset SET status = :s WHERE external_id = 'club-books'"),
        {"s": AssetStatus.archived.value},
    )
    session.flush()
    first = client.get("/feeds/changes", params={"limit": 5})
    assert first.headers["cache-control"] == "public, max-age=3600"
    body = first.json()
    assert set(body) == {"next", "items", "license"}
    keys = [(i["modified"], i["id"]) for i in body["items"]]
    assert keys == sorted(keys)
    for item in body["items"]:
        assert {"state", "kind", "id", "modified"} <= set(item)
    _, deletions, last = walk(client, "/feeds/changes?limit=50")
    assert deletions == 1
    final = client.get(last)
    assert final.json()["items"] == [] and final.headers["cache-control"] == "public, max-age=8"
    assert "private_contact" not in first.text


def test_half_a_cursor_is_a_clear_422(client: TestClient) -> None:
    response = client.get("/feeds/changes", params={"afterTimestamp": 5})
    assert response.status_code == 422
    assert "afterTimestamp and afterId" in response.json()["detail"][0]["msg"]
