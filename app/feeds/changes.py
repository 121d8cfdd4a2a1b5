"""Incremental sync in the OpenActive RPDE style ("modified" + id ordering).

`modified` is the asset's change sequence (a database sequence bumped by a trigger on every
write), so pages are stable and a consumer that walks to the end holds exactly the published
set. Entries that stop being published (archived, unpublished, merged) stay in the feed as
`deleted` for as long as their row exists — we never delete rows."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, or_, select
from sqlmodel import Session, col

from app.assets.models import Asset, AssetStatus
from app.assets.present import asset_public
from app.assets.search import AssetHit, town_names
from app.assets.service import ASSET_DETAILS
from app.core.time import next_occurrence

PAGE_SIZE = 100


@dataclass
class ChangesPage:
    items: list[dict[str, Any]]
    next_url: str


def changes_page(
    session: Session,
    *,
    after_modified: int | None,
    after_id: int | None,
    limit: int,
    now: datetime,
    path: str = "/feeds/changes",
) -> ChangesPage:
    stmt = select(Asset).where(col(Asset.change_seq).is_not(None))
    if after_modified is not None:
        stmt = stmt.where(
            or_(
                col(Asset.change_seq) > after_modified,
                and_(col(Asset.change_seq) == after_modified, col(Asset.id) > (after_id or 0)),
            )
        )
    assets = list(
        session.execute(
            stmt.order_by(col(Asset.change_seq), col(Asset.id)).limit(limit).options(*ASSET_DETAILS)
        ).scalars()
    )
    hits = [AssetHit(a, None, next_occurrence(a.schedules, now)) for a in assets]
    towns = town_names(session, [h for h in hits if h.asset.status == AssetStatus.published])
    items = [_item(hit, towns, now) for hit in hits]
    if assets:
        last = assets[-1]
        query = {"afterTimestamp": last.change_seq, "afterId": last.id}
    else:  # the last page points at itself
        query = {"afterTimestamp": after_modified or 0, "afterId": after_id or 0}
    return ChangesPage(items=items, next_url=f"{path}?{urlencode({**query, 'limit': limit})}")


def _item(hit: AssetHit, towns: dict[int, tuple[str, str]], now: datetime) -> dict[str, Any]:
    asset = hit.asset
    item: dict[str, Any] = {"id": asset.id, "modified": asset.change_seq, "kind": asset.kind.value}
    if asset.status == AssetStatus.published:
        item["state"] = "updated"
        item["data"] = asset_public(hit, towns, now).model_dump(mode="json")
    else:
        item["state"] = "deleted"
    return item
