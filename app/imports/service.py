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

from app.assets.models import Asset, AssetStatus, Attendance
from app.assets.schemas import AssetCreate
from app.assets.service import checksum, create_assets, load_asset, record_created
from app.core.errors import InvalidInputError
from app.geocoding.service import locate
from app.imports.matching import match_many
from app.imports.merge import merge_upstream
from app.imports.statistics import GrowingTables
from app.mapping.models import Suggestion, SuggestionKind, SuggestionStatus
from app.places.models import Place
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
    town: Place | None = None,
) -> ImportReport:
    """`town`: the source's default town (for addresses that do not name one, and for
    online-only entries, which have no venue to place them)."""
    report = ImportReport(source=source)
    seen: set[str] = set()
    known = _known(session, source=source)
    # No flush before every lookup: new entries are written a batch at a time (_Batch).
    with session.no_autoflush:
        batch = _Batch(town=town, tables=GrowingTables.at_start(session, first_after=BATCH))
        _run(session, report, seen, known, records, trusted, progress, batch)
        batch.finish(session, report, trusted=trusted)
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
            batch.records.append((data, unplaced))
            if len(batch.records) >= BATCH:
                batch.finish(session, report, trusted=trusted)
        elif before.checksum == checksum(data):
            report.unchanged += 1
        else:
            asset = load_asset(session, asset_id=before.asset_id)
            outcome = merge_upstream(
                session, asset=asset, data=data.model_copy(update={"status": before.status})
            )
            setattr(report, outcome.what, getattr(report, outcome.what) + 1)
            report.for_review += bool(outcome.for_review)


def _link(session: Session, *, asset: Asset, data: AssetCreate, report: ImportReport) -> None:
    """A new record that is certainly a mapper's entry: link it, and let a person settle
    the differences."""
    asset.source, asset.external_id = data.source, data.external_id
    asset.source_snapshot = {}  # nothing came from the source yet: every field is a person's
    outcome = merge_upstream(
        session, asset=asset, data=data.model_copy(update={"status": asset.status})
    )
    report.matched += 1
    report.for_review += bool(outcome.for_review)


BATCH = 200  # new records looked up, matched and written together


@dataclass
class _Batch:
    """New records waiting to be written: matched against existing entries, given slugs and
    venues in one query each and inserted in one flush for the lot (a few queries per record
    were most of an import's time), then their revisions and "may be the same" notes."""

    tables: GrowingTables
    town: Place | None = None  # the source's default town
    records: list[tuple[AssetCreate, str | None]] = field(default_factory=list)  # (data, unplaced)

    def finish(self, session: Session, report: ImportReport, *, trusted: bool) -> None:
        if not self.records:
            return
        source = self.records[0][0].source
        matches = match_many(session, data=[d for d, _ in self.records], source=source)
        fresh: list[tuple[AssetCreate, Asset | None]] = []  # (data, maybe the same)
        for (data, unplaced), match in zip(self.records, matches, strict=True):
            if match.sure is not None:
                _link(session, asset=match.sure, data=data, report=report)
                continue
            publish = trusted and unplaced is None and match.maybe is None
            status = AssetStatus.published if publish else AssetStatus.pending_review
            # source_snapshot stays None: "as created", which the create revision records.
            fresh.append((data.model_copy(update={"status": status}), match.maybe))
            if unplaced is not None:
                report.unplaced.append((str(data.external_id), f"{data.name} — {unplaced}"))
        self.records.clear()
        new = [d for d, _ in fresh]
        assets = create_assets(session, data=new, checksums=[checksum(d) for d in new])
        self._place_in_towns(assets)
        session.flush()
        record_created(session, assets, source=source)
        report.created += len(assets)
        self.tables.wrote(session, len(assets))
        for asset, (_, other) in zip(assets, fresh, strict=True):
            if other is not None:
                session.add(
                    Suggestion(
                        asset_id=asset.id, kind=SuggestionKind.change,
                        message=f"Imported from {source}: it may be the same as “{other.name}” "
                        f"(#{other.id}). Merge them if so; otherwise publish it.",
                    )
                )  # fmt: skip

    def _place_in_towns(self, assets: list[Asset]) -> None:
        """With a default town: an address outside every mapped town that does not name its
        town gets the default's name, and an online-only entry is listed in it."""
        if self.town is None:
            return
        for asset in assets:
            if asset.venue is not None and not asset.venue.locality:
                asset.venue.locality = self.town.name
            elif asset.venue is None and asset.attendance == Attendance.online:
                asset.town_id = self.town.id


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
