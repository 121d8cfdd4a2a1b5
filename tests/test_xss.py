"""Hostile text stored by a mapper comes out escaped in every format."""

import io
import json
import re

from fastapi.testclient import TestClient
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import Session

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_stored_payload_is_escaped_everywhere(client: TestClient, session: Session) -> None:
    asset_id = session.execute(
        text("UPDATE asset SET name = :n, description = :n WHERE external_id = 'aa-tipton-thu' "
             "RETURNING id"), {"n": "Tipton AA " + PAYLOAD},
    ).scalar_one()  # fmt: skip
    session.flush()
    pages = (f"/assets/{asset_id}", "/search?q=Tipton", "/towns/tipton", "/whats-on?town=tipton",
             "/embed?town=tipton", "/towns/tipton/print")  # fmt: skip
    for path in pages:
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html, path
    # JSON-in-HTML (the map's data) cannot close its script element.
    search = client.get("/search", params={"town": "tipton"}).text
    data = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', search, re.S)
    assert data is not None and "</script" not in data.group(1)
    assert any("Tipton AA" in e["name"] for v in json.loads(data.group(1)) for e in v["entries"])
    api = client.get(f"/api/v1/assets/{asset_id}").json()
    assert api["name"].endswith(PAYLOAD), "JSON carries the text as it is (data, not markup)"
    event = Calendar.from_ical(client.get(f"/assets/{asset_id}.ics").content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).endswith(PAYLOAD)
    pdf = PdfReader(io.BytesIO(client.get("/towns/tipton.pdf").content))
    assert "alert" in " ".join(p.extract_text() or "" for p in pdf.pages), (
        "shown as text in the PDF"
    )
