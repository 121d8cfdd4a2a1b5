"""Running an import: every record through AssetCreate and the asset service, in one transaction.

Unchanged records (same checksum) are skipped without loading the entry; changed ones update
only the fields nobody edited by hand (app.imports.merge); records that vanished upstream are
flagged for review ("may have closed"), never deleted; new entries wait for review unless the
source is trusted. A source that cannot be read or parsed raises SourceError, part-way through
if need be: the caller rolls the run back (app.imports.sources runs it in a savepoint)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session, col

from app.assets.models import Asset, AssetStatus
from app.assets.schemas import AssetCreate
from app.assets.service import checksum, create_asset, load_asset, record_created
from app.core.errors import InvalidInputError
from app.geocoding.service import locate
from app.imports.matching import match_existing
from app.imports.merge import merge_upstream
from app.mapping.models import Suggestion, SuggestionKind, SuggestionStatus
from scrapers.base import ImportRecord, SourceError


@dataclass
class ImportReport:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    for_review: int = 0  # upstream changes to fields a person edited, sent to review
    matched: int = 0  # records recognised as entries a mapper had typed in
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (external id, name — address)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (external id, why)

    def summary(self) -> str:
        return (
            f"{self.source}: {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.flagged} flagged as possibly closed, "
            f"{self.for_review} changes sent to review, {self.matched} matched to existing "
            f"entries, {len(self.unplaced)} to pin, {len(self.failed)} failed"
        )


@dataclass
class _Known:
    asset_id: int
    status: AssetStatus
    checksum: str | None


def _place(session: Session, fields: dict[str, Any]) -> str | None:
    """Give a venue without coordinates the point of its postcode (offline tables first).
    When it cannot be placed, the entry is kept without a venue for a mapper to pin, and the
    address the source gave is returned for the run report."""
    venue = fields.get("venue")
    if not venue or "latitude" in venue:
        return None
    try:
        point = locate(session, query=venue["postcode"]).point if venue.get("postcode") else None
    except InvalidInputError:
        point = None
    if point is None:
        keys = ("name", "address_line1", "locality", "postcode")
        fields["place_later"], fields["venue"] = True, None
        return ", ".join(str(venue[k]) for k in keys if venue.get(k)) or "no address"
    venue["latitude"], venue["longitude"] = point.latitude, point.longitude
    return None


def _validate(session: Session, record: ImportRecord) -> tuple[AssetCreate, str | None]:
    assert record.fields is not None
    unplaced = _place(session, record.fields)
    try:
        return AssetCreate.model_validate(record.fields), unplaced
    except ValidationError as exc:
        why = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise InvalidInputError(why) from exc


def run_import(
    session: Session,
    *,
    source: str,
    records: Iterable[ImportRecord],
    trusted: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    report = ImportReport(source=source)
    seen: set[str] = set()
    known = _known(session, source=source)
    # No flush before every lookup: new entries are written a batch at a time (_Batch).
    with session.no_autoflush:
        batch = _Batch()
        _run(session, report, seen, known, records, trusted, progress, batch)
        batch.finish(session)
    if not seen:  # an empty or misread feed must not mark everything "may have closed"
        raise SourceError("the source lists nothing: check that it is the right feed")
    report.flagged = _flag_vanished(session, source=source, seen=seen)
    return report


def _run(
    session: Session, report: ImportReport, seen: set[str], known: dict[str, "_Known"],
    records: Iterable[ImportRecord], trusted: bool, progress: Callable[[int], None] | None,
    batch: "_Batch",
) -> None:  # fmt: skip
    for n, record in enumerate(records, start=1):
        seen.add(record.external_id)
        if progress is not None:
            progress(n)
        if record.fields is None:
            report.failed.append((record.external_id, record.problem or "unusable"))
            continue
        try:
            data, unplaced = _validate(session, record)
        except InvalidInputError as exc:
            report.failed.append((record.external_id, exc.message))
            continue
        before = known.get(record.external_id)
        if before is None:
            _bring_new(session, data=data, unplaced=unplaced, trusted=trusted, report=report,
                       batch=batch)  # fmt: skip
            if len(batch.assets) >= BATCH:
                batch.finish(session)
        elif before.checksum == checksum(data):
            report.unchanged += 1
        else:
            asset = load_asset(session, asset_id=before.asset_id)
            outcome = merge_upstream(
                session, asset=asset, data=data.model_copy(update={"status": before.status})
            )
            setattr(report, outcome.what, getattr(report, outcome.what) + 1)
            report.for_review += bool(outcome.for_review)


def _bring_new(
    session: Session,
    *,
    data: AssetCreate,
    unplaced: str | None,
    trusted: bool,
    report: ImportReport,
    batch: "_Batch",
) -> None:
    match = match_existing(session, data=data, source=data.source)
    if match.sure is not None:  # a mapper's entry: link it, and let a person settle differences
        asset = match.sure
        asset.source, asset.external_id = data.source, data.external_id
        asset.source_snapshot = {}  # nothing came from the source yet: every field is a person's
        outcome = merge_upstream(
            session, asset=asset, data=data.model_copy(update={"status": asset.status})
        )
        report.matched += 1
        report.for_review += bool(outcome.for_review)
        return
    publish = trusted and unplaced is None and match.maybe is None
    status = AssetStatus.published if publish else AssetStatus.pending_review
    # source_snapshot stays None: "as created", which the create revision records.
    data = data.model_copy(update={"status": status})
    asset = create_asset(session, data=data, source_checksum=checksum(data), batch=batch.assets)
    batch.source = data.source
    report.created += 1
    if unplaced is not None:
        report.unplaced.append((str(data.external_id), f"{data.name} — {unplaced}"))
    if match.maybe is not None:
        batch.notes.append((asset, match.maybe))


BATCH = 200  # new entries written per flush


@dataclass
class _Batch:
    """New entries added but not yet written: one flush for many (a flush per entry was
    nearly half of an import's time), then their revisions and "may be the same" notes."""

    source: str = ""
    assets: list[Asset] = field(default_factory=list)
    notes: list[tuple[Asset, Asset]] = field(default_factory=list)  # (new, maybe the same)

    def finish(self, session: Session) -> None:
        if not self.assets:
            return
        session.flush()
        record_created(session, self.assets, source=self.source)
        for asset, other in self.notes:
            session.add(
                Suggestion(
                    asset_id=asset.id, kind=SuggestionKind.change,
                    message=f"Imported from {self.source}: it may be the same as “{other.name}” "
                    f"(#{other.id}). Merge them if so; otherwise publish it.",
                )
            )  # fmt: skip
        self.assets.clear()
        self.notes.clear()


def _known(session: Session, *, source: str) -> dict[str, _Known]:
    """What this source brought before, in one query (not one per record)."""
    rows = session.execute(
        select(
            col(Asset.external_id), col(Asset.id), col(Asset.status), col(Asset.source_checksum)
        ).where(col(Asset.source) == source)
    )
    return {str(ext): _Known(asset_id, status, check) for ext, asset_id, status, check in rows}


def _flag_vanished(session: Session, *, source: str, seen: set[str]) -> int:
    """Open a "may have closed" report on each live entry the source no longer lists (once)."""
    gone = session.execute(
        select(col(Asset.id)).where(
            col(Asset.source) == source,
            col(Asset.status).in_([AssetStatus.published, AssetStatus.pending_review]),
            col(Asset.external_id).not_in(seen),
        )
    ).scalars().all()  # fmt: skip
    already = set(
        session.execute(
            select(col(Suggestion.asset_id)).where(
                col(Suggestion.asset_id).in_(gone),
                col(Suggestion.status) == SuggestionStatus.open,
                col(Suggestion.kind) == SuggestionKind.closed,
            )
        ).scalars()
    )
    message = f"No longer in the {source} feed: it may have closed."
    for asset_id in gone:
        if asset_id not in already:
            session.add(Suggestion(asset_id=asset_id, kind=SuggestionKind.closed, message=message))
    session.flush()
    return len(set(gone) - already)
