"""Running an import: every record through AssetCreate and the one upsert, in one transaction.

Unchanged records (same checksum) are skipped; records that vanished upstream are flagged for
review ("may have closed"), never deleted; new entries wait for review unless the source is
trusted. A source that cannot be read or parsed raises before anything is written."""

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session, col

from app.assets.models import Asset, AssetStatus
from app.assets.schemas import AssetCreate
from app.assets.service import upsert_asset
from app.core.errors import InvalidInputError
from app.geocoding.service import locate
from app.mapping.models import Suggestion, SuggestionKind, SuggestionStatus
from scrapers.base import ImportRecord


@dataclass
class ImportReport:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (external id, why)

    def summary(self) -> str:
        return (
            f"{self.source}: {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.flagged} flagged as possibly closed, "
            f"{len(self.failed)} failed"
        )


def _place(session: Session, fields: dict[str, Any]) -> None:
    """Give a venue without coordinates the point of its postcode (offline tables first)."""
    venue = fields.get("venue")
    if not venue or "latitude" in venue:
        return
    if not venue.get("postcode"):
        raise InvalidInputError("cannot be placed: no coordinates and no postcode")
    point = locate(session, query=venue["postcode"]).point
    venue["latitude"], venue["longitude"] = point.latitude, point.longitude


def run_import(
    session: Session, *, source: str, records: list[ImportRecord], trusted: bool = False
) -> ImportReport:
    report = ImportReport(source=source)
    seen: set[str] = set()
    for record in records:
        seen.add(record.external_id)
        if record.fields is None:
            report.failed.append((record.external_id, record.problem or "unusable"))
            continue
        try:
            _place(session, record.fields)
            data = AssetCreate.model_validate(record.fields)
        except (ValidationError, InvalidInputError) as exc:
            why = exc.message if isinstance(exc, InvalidInputError) else "; ".join(
                str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()
            )  # fmt: skip
            report.failed.append((record.external_id, why))
            continue
        existing = session.execute(
            select(col(Asset.status)).where(
                col(Asset.source) == source, col(Asset.external_id) == record.external_id
            )
        ).scalar_one_or_none()
        status = existing or (AssetStatus.published if trusted else AssetStatus.pending_review)
        _, what = upsert_asset(session, data=data.model_copy(update={"status": status}))
        setattr(report, what, getattr(report, what) + 1)
    report.flagged = _flag_vanished(session, source=source, seen=seen)
    return report


def _flag_vanished(session: Session, *, source: str, seen: set[str]) -> int:
    gone = (
        session.execute(
            select(Asset).where(
                col(Asset.source) == source,
                col(Asset.status) == AssetStatus.published,
                col(Asset.external_id).not_in(seen) if seen else col(Asset.id).is_not(None),
            )
        )
        .scalars()
        .all()
    )
    flagged = 0
    for asset in gone:
        already = session.execute(
            select(Suggestion.id).where(  # type: ignore[call-overload]
                col(Suggestion.asset_id) == asset.id,
                col(Suggestion.status) == SuggestionStatus.open,
                col(Suggestion.kind) == SuggestionKind.closed,
            )
        ).first()
        if already is None:
            message = f"No longer in the {source} feed: it may have closed."
            session.add(Suggestion(asset_id=asset.id, kind=SuggestionKind.closed, message=message))
            flagged += 1
    session.flush()
    return flagged
