"""The same promises for every importer type, on recorded payloads shaped like the real ones
(tests/fixtures/imports/<type>-v1 and -v2): a first run brings the usable records (and says why
the others failed), a second run changes nothing, an upstream change updates only the fields
nobody edited while a person's edit survives with the difference sent to review, a record that
vanished is flagged and not deleted, and a malformed payload fails clearly and changes nothing."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.assets.models import Asset, AssetStatus
from app.assets.service import create_from_snapshot, snapshot, update_asset
from app.imports.service import ImportReport, run_import
from scrapers.base import SourceError, SourceOptions
from scrapers.registry import SOURCES

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


@dataclass
class Case:
    type: str
    ext: str
    created: int  # usable records in v1
    failed: int  # records v1 gives that cannot be used (each with a reason)
    changed: str  # external id whose name and description v2 changes
    new_name: str
    new_description: str
    vanished: str  # external id missing from v2
    garbage: bytes
    fellowship: str | None = None


CASES = [
    Case("meeting-guide", "json", 5, 1, "oldbury-big-book-study", "Oldbury Big Book Study Group",
         "Side door; lift available.", "wednesbury-saturday", b'{"meetings": "soon"}', "AA"),
    Case("bmlt", "json", 4, 0, "2741", "Oldbury Clean Start NA", "Newcomers' pack and tea", "2744",
         b'[{"id_bigint": "1"}]'),
    Case("ical", "ics", 6, 1, "0f3c1a2b9d@google.com", "Recovery Café (Tuesdays)",
         "Tea, toast and a warm welcome. Now with a lending library.",
         "walk-fortnightly@langley-hub.example.org", b"BEGIN:VCALENDAR\r\nEND:VEVENT\r\n"),
    Case("csv", "csv", 3, 0, "walk-1", "Canal Walk and Talk",
         "Gentle walk along the towpath; dogs welcome.", "course-3", b"name;when\r\nx;y\r\n"),
    Case("hsds", "json", 4, 0, "6d1f3c7e-1a2b-4c3d-9e8f-000000000101",
         "Smethwick Recovery Allotment Project",
         "Grow food with people in recovery. Tools and gloves provided.",
         "6d1f3c7e-1a2b-4c3d-9e8f-000000000105", b'{"contents": [{"name": "no id"}]}'),
]  # fmt: skip


def run(session: Session, case: Case, payload: bytes) -> ImportReport:
    options = SourceOptions(name=f"test-{case.type}", fellowship=case.fellowship)
    records = SOURCES[case.type].records(payload, options)
    return run_import(session, source=options.name, records=records, trusted=True)


def version(case: Case, n: int) -> bytes:
    return (FIXTURES / f"{case.type}-v{n}.{case.ext}").read_bytes()


def counts(session: Session) -> tuple[Any, ...]:
    query = (
        "SELECT (SELECT count(*) FROM asset), (SELECT count(*) FROM revision), "
        "(SELECT count(*) FROM pending_change), (SELECT count(*) FROM suggestion), "
        "(SELECT count(*) FROM schedule), (SELECT count(*) FROM venue)"
    )
    return tuple(session.execute(text(query)).one())


def entry(session: Session, case: Case, external_id: str) -> Asset:
    found = session.execute(
        text("SELECT id FROM asset WHERE source = :s AND external_id = :e"),
        {"s": f"test-{case.type}", "e": external_id},
    ).scalar_one()
    return session.get_one(Asset, found)


@pytest.mark.parametrize("case", CASES, ids=[c.type for c in CASES])
def test_the_importer_keeps_its_promises(session: Session, case: Case) -> None:
    first = run(session, case, version(case, 1))
    assert (first.created, len(first.failed)) == (case.created, case.failed), first.failed
    assert all(why for _, why in first.failed), "every failure says why"
    sources = session.execute(
        text("SELECT DISTINCT r.source FROM revision r JOIN asset a ON a.id = r.entity_id "
             "WHERE r.entity_type = 'asset' AND a.source = :s"), {"s": f"test-{case.type}"},
    ).scalars().all()  # fmt: skip
    assert sources == [f"test-{case.type}"], "every change is attributed to the source"

    after_first = counts(session)
    again = run(session, case, version(case, 1))
    assert again.unchanged == case.created and again.created == again.updated == 0
    assert counts(session) == after_first, "a second run changes nothing"

    changed = entry(session, case, case.changed)
    by_hand = "Named by a mapper"
    update_asset(
        session, asset=changed, data=create_from_snapshot({**snapshot(changed), "name": by_hand})
    )

    third = run(session, case, version(case, 2))
    assert third.updated == 1 and third.for_review == 1 and third.flagged == 1
    session.refresh(changed)
    assert changed.name == by_hand, "a field a person edited survives"
    assert changed.description == case.new_description, "an untouched field follows the source"
    proposed = session.execute(
        text("SELECT proposed FROM pending_change WHERE asset_id = :a AND status = 'open'"),
        {"a": changed.id},
    ).scalar_one()
    assert proposed["name"] == case.new_name, "the source's change waits in the review queue"
    gone = entry(session, case, case.vanished)
    assert gone.status == AssetStatus.published, "a vanished record is not deleted"
    assert (
        session.execute(
            text("SELECT kind FROM suggestion WHERE asset_id = :a AND status = 'open'"),
            {"a": gone.id},
        ).scalar_one()
        == "closed"
    )


@pytest.mark.parametrize("case", CASES, ids=[c.type for c in CASES])
def test_a_malformed_payload_fails_clearly_and_changes_nothing(
    session: Session, case: Case
) -> None:
    before = counts(session)
    with pytest.raises(SourceError) as failure:
        run(session, case, case.garbage)
    assert len(failure.value.message) > 10
    assert counts(session) == before
