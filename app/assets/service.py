"""Assets: create, upsert (forms, seeding and importers all come through here), get."""

import hashlib
import json
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, col

from app.assets.models import Asset, AssetStatus, Interest, Schedule
from app.assets.schemas import AssetCreate
from app.assets.slots import meets_every_week, schedule_slots, slots_are_exact
from app.assets.upcoming import week_starts
from app.core.errors import InvalidInputError, NotFoundError
from app.core.text import slugify
from app.core.timestamps import utcnow
from app.mapping.history import record_revision
from app.mapping.models import EntityType
from app.organisations.service import save_organisation
from app.venues.models import Venue
from app.venues.service import save_venue, save_venues

# Eager loading for everything a listing shows, never N+1: the venue and organisation (one
# each) joined into the entries' query, the lists one query each.
ASSET_DETAILS = (
    selectinload(Asset.schedules),  # type: ignore[arg-type]
    selectinload(Asset.interests),  # type: ignore[arg-type]
    joinedload(Asset.venue),  # type: ignore[arg-type]
    joinedload(Asset.organisation),  # type: ignore[arg-type]
)

SNAPSHOT_FIELDS = (
    "kind", "name", "slug", "description", "attendance", "online_url", "online_phone",
    "online_notes", "fellowship", "audience", "cost", "public_phone", "public_email",
    "website", "types", "status", "organisation_id", "venue_id", "private_contact",
)  # fmt: skip


def jsonable(value: Any) -> Any:
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def snapshot(asset: Asset) -> dict[str, Any]:
    """The asset as plain JSON, for revisions and checksums."""
    data = {f: jsonable(getattr(asset, f)) for f in SNAPSHOT_FIELDS}
    data["interests"] = sorted(i.slug for i in asset.interests)
    data["schedules"] = [schedule_snapshot(s) for s in asset.schedules]
    return data


def schedule_snapshot(schedule: Schedule) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in schedule.model_dump(exclude={"id", "asset_id"}).items()}


def create_from_snapshot(
    snap: dict[str, Any], *, source: str = "manual", external_id: str | None = None
) -> AssetCreate:
    """The input that makes an entry look like `snap` (a revision's or a merge's)."""
    fields = {k: v for k, v in snap.items() if k != "slug"}
    return AssetCreate.model_validate({**fields, "source": source, "external_id": external_id})


def checksum(data: AssetCreate) -> str:
    payload = data.model_dump(mode="json", exclude={"last_verified_at", "status"})  # ours
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _interests(session: Session, slugs: list[str]) -> list[Interest]:
    if not slugs:
        return []
    found = list(session.execute(select(Interest).where(col(Interest.slug).in_(slugs))).scalars())
    missing = sorted(set(slugs) - {i.slug for i in found})
    if missing:
        raise InvalidInputError(f"unknown interests: {', '.join(missing)}", field="interests")
    return found


SLUG_LOOKAHEAD = 10  # "name", "name-2" … "name-10" looked up at once


def _slugs_taken(session: Session, candidates: list[str]) -> set[str]:
    wanted = bindparam(None, candidates, type_=ARRAY(String()))
    return set(
        session.execute(select(col(Asset.slug)).where(col(Asset.slug) == any_(wanted))).scalars()
    )


def _variants(base: str, start: int) -> list[str]:
    return [base if n == 1 else f"{base}-{n}" for n in range(start, start + SLUG_LOOKAHEAD)]


def unique_slugs(session: Session, *, bases: list[str]) -> list[str]:
    """Free slugs for new entries ("name", else "name-2", …), one query for a whole batch.
    Entries added but not yet flushed (an import's batch) hold their slugs too."""
    taken = {a.slug for a in session.new if isinstance(a, Asset)}
    taken |= _slugs_taken(session, [s for b in dict.fromkeys(bases) for s in _variants(b, 1)])
    slugs = []
    for base in bases:
        start = 1
        while not (free := [s for s in _variants(base, start) if s not in taken]):
            start += SLUG_LOOKAHEAD  # rare: ten entries of that name already
            taken |= _slugs_taken(session, _variants(base, start))
        taken.add(free[0])
        slugs.append(free[0])
    return slugs


def _apply(session: Session, asset: Asset, data: AssetCreate, venue: Venue | None = None) -> None:
    """Set an entry from `data`; `venue` is its venue when the caller saved it already."""
    fields = data.model_dump(
        exclude={
            "slug",
            "organisation",
            "venue",
            "schedules",
            "interests",
            "organisation_id",
            "venue_id",
        }
    )
    for key, value in fields.items():
        setattr(asset, key, value)
    asset.organisation_id = (
        save_organisation(session, data=data.organisation).id
        if data.organisation
        else data.organisation_id
    )
    if data.venue:
        asset.venue = venue or save_venue(session, data=data.venue)
    else:
        asset.venue = session.get(Venue, data.venue_id) if data.venue_id else None
    asset.interests = _interests(session, data.interests)
    asset.schedules = [Schedule(**s.model_dump()) for s in data.schedules]
    asset.slots = schedule_slots(data.schedules)
    asset.slots_exact = slots_are_exact(data.schedules)
    asset.every_week = meets_every_week(data.schedules)
    asset.week_starts = week_starts(data.schedules)


def create_asset(session: Session, *, data: AssetCreate, user_id: int | None = None) -> Asset:
    """A new entry and its "create" revision."""
    (asset,) = create_assets(session, data=[data])
    session.flush()
    record_created(session, [asset], source=data.source, user_id=user_id)
    return asset


def create_assets(
    session: Session, *, data: list[AssetCreate], checksums: list[str] | None = None
) -> list[Asset]:
    """New entries, added but not flushed: the caller flushes many at once, then calls
    `record_created` (an import's batch). Their slugs and venues are one query each."""
    slugs = unique_slugs(session, bases=[d.slug or slugify(d.name, 200) for d in data])
    venues = iter(save_venues(session, data=[d.venue for d in data if d.venue]))
    assets = []
    for n, (item, slug) in enumerate(zip(data, slugs, strict=True)):
        check = checksums[n] if checksums else None
        asset = Asset(kind=item.kind, name=item.name, slug=slug, source_checksum=check)
        _apply(session, asset, item, next(venues) if item.venue else None)
        session.add(asset)
        assets.append(asset)
    return assets


def record_created(
    session: Session, assets: list[Asset], *, source: str, user_id: int | None = None
) -> None:
    """The "create" revisions of flushed entries."""
    for asset in assets:
        record_revision(
            session, entity_type=EntityType.asset, entity_id=_id(asset), action="create",
            before=None, after=snapshot(asset), user_id=user_id, source=source,
        )  # fmt: skip


def upsert_asset(
    session: Session, *, data: AssetCreate, user_id: int | None = None
) -> tuple[Asset, str]:
    """Create, update or skip by (source, external_id). Returns the asset and what happened:
    "created", "updated" or "unchanged" (same checksum)."""
    existing = None
    if data.external_id:
        existing = session.execute(
            select(Asset)
            .where(col(Asset.source) == data.source, col(Asset.external_id) == data.external_id)
            .options(
                selectinload(Asset.schedules),  # type: ignore[arg-type]
                selectinload(Asset.interests),  # type: ignore[arg-type]
            )
        ).scalar_one_or_none()
    if existing is not None and existing.source_checksum == checksum(data):
        return existing, "unchanged"
    if existing is None:
        asset, what = create_asset(session, data=data, user_id=user_id), "created"
    else:
        asset, what = update_asset(session, asset=existing, data=data, user_id=user_id), "updated"
    asset.source_checksum = checksum(data)
    return asset, what


def update_asset(
    session: Session,
    *,
    asset: Asset,
    data: AssetCreate,
    user_id: int | None = None,
    action: str = "update",
) -> Asset:
    """Replace an entry's fields with `data`, bump its version and keep the revision."""
    before = snapshot(asset)
    keep_slug, keep_source, keep_external = asset.slug, asset.source, asset.external_id
    _apply(session, asset, data)
    asset.slug = keep_slug  # a slug is a permanent address
    if data.source == "manual":  # an edit by hand keeps where the entry came from
        asset.source, asset.external_id = keep_source, keep_external
    return _bump_and_record(session, asset, before, action, user_id, data.source)


def set_status(
    session: Session, *, asset: Asset, status: AssetStatus, user_id: int | None, action: str
) -> Asset:
    before = snapshot(asset)
    asset.status = status
    return _bump_and_record(session, asset, before, action, user_id, "manual")


def _bump_and_record(
    session: Session, asset: Asset, before: dict[str, Any], action: str, user_id: int | None,
    source: str,
) -> Asset:  # fmt: skip
    """A change is a new version, a new `updated_at` and a revision with before and after."""
    asset.version += 1
    asset.updated_at = utcnow()
    session.flush()
    session.refresh(asset)
    record_revision(
        session, entity_type=EntityType.asset, entity_id=_id(asset), action=action,
        before=before, after=snapshot(asset), user_id=user_id, source=source,
    )  # fmt: skip
    return asset


def load_asset(session: Session, *, asset_id: int) -> Asset:
    """Any entry, whatever its status (for the mapper area)."""
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise NotFoundError(f"no entry with id {asset_id}")
    return asset


def get_asset(session: Session, *, asset_id: int, published_only: bool = True) -> Asset:
    stmt = select(Asset).where(col(Asset.id) == asset_id)
    if published_only:
        stmt = stmt.where(col(Asset.status) == AssetStatus.published)
    asset: Asset | None = session.execute(stmt).scalar_one_or_none()
    if asset is None:
        raise NotFoundError(f"no published entry with id {asset_id}")
    return asset


def _id(asset: Asset) -> int:
    assert asset.id is not None, "flushed assets have ids"
    return asset.id


def last_modified(session: Session) -> datetime:
    """When any listing last changed (for Last-Modified on lists and feeds)."""
    latest = session.scalar(select(func.max(col(Asset.updated_at))))
    return latest or datetime(2000, 1, 1, tzinfo=UTC)


def merged_into(session: Session, *, asset_id: int) -> int | None:
    """The entry an archived, merged entry now points to."""
    target: int | None = session.scalar(
        select(col(Asset.merged_into_id)).where(
            col(Asset.id) == asset_id, col(Asset.status) == AssetStatus.archived
        )
    )
    return target
