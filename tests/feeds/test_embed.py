import re

from fastapi.testclient import TestClient

from tests.pages import text_of


def test_iframe_widget_lists_the_filtered_entries_with_a_link_back(client: TestClient) -> None:
    html = client.get(
        "/embed", params={"town": "tipton", "kind": "meeting", "title": "Tipton"}
    ).text
    api = client.get(
        "/api/v1/assets",
        params={
            "town": "tipton",
            "kind": "meeting",
            "when": "week",
            "sort": "next",
            "per_page": 10,
        },
    ).json()
    ids = [int(i) for i in re.findall(r'/assets/(\d+)"', html)]
    assert ids == [i["id"] for i in api["items"]]
    assert "More on Waymark" in text_of(html)
    assert "/search?town=tipton&amp;kind=meeting" in html
    assert '<base target="_blank">' in html


def test_script_widget_and_partner_documentation(client: TestClient) -> None:
    script = client.get("/embed.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "data-waymark" in script.text
    docs = text_of(client.get("/about/partners").text)
    for feed in ("/api/v1/assets", "format=geojson", "/feeds/meeting-guide.json", "/hsds/services",
                 "/feeds/all.ics", "/feeds/changes", "/embed.js", "/embed?town="):  # fmt: skip
        assert feed in docs, feed
