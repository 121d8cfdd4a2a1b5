from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.imports.service import run_import
from app.seed import DATA_DIR
from scrapers.base import SourceError, SourceOptions
from scrapers.csv_sheet import CsvSource

OPTIONS = SourceOptions(name="partner-sheet")
WALK_VENUE = """
    SELECT v.postcode, v.town_id IS NOT NULL FROM asset a JOIN venue v ON v.id = a.venue_id
    WHERE a.external_id = 'walk-1' AND a.source = 'partner-sheet'
"""


def records(payload: bytes) -> list:  # type: ignore[type-arg]
    return list(CsvSource().records(payload, OPTIONS))


def test_the_template_imports_and_a_second_run_changes_nothing(session: Session) -> None:
    template = (DATA_DIR / "import-template.csv").read_bytes()
    first = run_import(session, source="partner-sheet", records=records(template))
    assert (first.created, first.failed) == (3, [])
    smart = session.execute(
        text(
            "SELECT attendance, fellowship, status FROM asset WHERE external_id = 'smart-2' "
            "AND source = 'partner-sheet'"
        )  # fmt: skip
    ).one()
    assert smart == ("hybrid", "SMART", "pending_review")
    walk = session.execute(text(WALK_VENUE)).one()
    assert walk == ("DY4 8ZF", True), "placed from its postcode, town derived"
    again = run_import(session, source="partner-sheet", records=records(template))
    assert again.unchanged == 3 and again.created == again.updated == 0


def test_excel_quirks_bom_semicolons_blank_rows_and_windows_encoding() -> None:
    sheet = ("\ufeffId;Kind;Name;Venue_name;Postcode;Schedule\r\n"
             "a1;club;Café Crochet;Hall;DY4 8ZF;weekly wed 10:00-12:00\r\n;;;;;\r\n")  # fmt: skip
    for payload in (sheet.encode("utf-8"), sheet.replace("\ufeff", "").encode("cp1252")):
        found = records(payload)
        assert len(found) == 1
        assert found[0].fields["name"] == "Café Crochet"


def test_bad_rows_fail_with_reasons_and_bad_files_are_refused() -> None:
    found = records(b"id,kind,name,schedule\nx,club,Walk,sometimes\nx,club,Again,\n")
    assert found[0].fields is None and "row 2" in (found[0].problem or "")
    assert found[1].fields is None and "used twice" in (found[1].problem or "")
    with pytest.raises(SourceError, match="missing columns: kind"):
        records(b"id,name\n1,x\n")
    with pytest.raises(SourceError, match="not text"):
        records(bytes(range(128, 256)) * 3 + b"\x81\x8d\x8f\x90\x9d")


def test_the_template_is_downloadable(
    client: TestClient, signed_in: object, tmp_path: Path
) -> None:
    from app.accounts.models import Role

    signed_in(Role.mapper)  # type: ignore[operator]
    response = client.get("/mapper/import-template.csv")
    assert response.status_code == 200 and response.text.startswith("id,kind,name")
