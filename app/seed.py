"""`waymark db seed`: places, postcode centroids, the interest taxonomy and demo data.

Idempotent: every step upserts by a natural key, so seeding twice changes nothing."""

import csv
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.assets.models import AssetStatus, CapitalDomain, FiveWays, Interest
from app.assets.schedule_spec import parse_schedules
from app.assets.schemas import AssetCreate
from app.assets.service import upsert_asset
from app.core.config import PROJECT_ROOT, get_settings
from app.geocoding.service import load_outcodes
from app.organisations.models import OrganisationCreate
from app.places.models import PlaceKind
from app.places.service import load_places, read_group_csv
from app.venues.hosting import set_hosting
from app.venues.models import AccessFeature, Venue, VenueCreate, VenueHosting

DATA_DIR = PROJECT_ROOT / "data"
DEMO_SOURCE = "demo"


@dataclass
class SeedReport:
    places: int = 0
    outcodes: int = 0
    interests: int = 0
    assets: dict[str, int] | None = None


def seed_places(session: Session, *, config: dict[str, Any], reference: Path) -> int:
    count = 0
    for borough in config["boroughs"]:
        groups = read_group_csv(
            reference / borough["towns"],
            code_column=borough["town_csv_code_column"],
            group_column=borough["town_csv_town_column"],
        )
        places = load_places(
            session,
            path=reference / borough["wards"],
            kind=PlaceKind.town,
            groups=groups,
            code_property=borough["ward_code_property"],
            parent_name=borough["name"],
        )
        count += len(places) + 1
    return count


def seed_interests(session: Session, *, path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    existing = {i.slug: i for i in session.execute(select(Interest)).scalars()}
    for row in rows:
        interest = existing.get(row["slug"]) or Interest(
            slug=row["slug"], name="", domain=CapitalDomain.social, five_ways=FiveWays.connect
        )
        interest.name = row["name"]
        interest.domain = CapitalDomain(row["domain"])
        interest.five_ways = FiveWays(row["five_ways"])
        session.add(interest)
    session.flush()
    return len(rows)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def demo_assets(directory: Path) -> list[AssetCreate]:
    """The fictional demo entries, as the same AssetCreate a form or importer would send."""
    with (directory / "venues.csv").open(newline="", encoding="utf-8") as fh:
        venues = {
            row["key"]: VenueCreate(
                name=row["name"],
                address_line1=row["address"] or None,
                locality=row["locality"] or None,
                postcode=row["postcode"] or None,
                latitude=float(row["lat"]),
                longitude=float(row["lon"]),
                accessibility=[AccessFeature(a) for a in _split(row["access"])],
                directions=row["directions"] or None,
            )
            for row in csv.DictReader(fh)
        }
    with (directory / "assets.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        AssetCreate.model_validate(
            {
                "kind": row["kind"],
                "name": row["name"],
                "description": row["description"],
                "venue": venues[row["venue"]] if row["venue"] else None,
                "organisation": OrganisationCreate(name=row["organisation"])
                if row["organisation"]
                else None,
                "fellowship": row["fellowship"] or None,
                "types": _split(row["types"]),
                "attendance": row["attendance"] or "in_person",
                "online_url": row["online_url"] or None,
                "audience": row["audience"] or "everyone",
                "cost": row["cost"] or None,
                "schedules": parse_schedules(row["schedule"]),
                "interests": _split(row["interests"]),
                "status": AssetStatus.published,
                "last_verified_at": datetime.fromisoformat(row["verified"]).replace(tzinfo=UTC),
                "source": DEMO_SOURCE,
                "external_id": row["key"],
            }
        )
        for row in rows
    ]


def seed_hosting(session: Session, *, path: Path) -> int:
    """Hosting details for demo venues (the venue register); only what differs is written."""
    changed = 0
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            venue = session.execute(
                select(Venue).where(col(Venue.name) == row["venue"])
            ).scalar_one_or_none()
            if venue is None:
                continue
            data = VenueHosting(
                hosts_groups=row["hosts_groups"] == "yes",
                room_capacity=int(row["room_capacity"]) if row["room_capacity"] else None,
                cost_band=row["cost_band"] or None,
                free_slots=_split(row["free_slots"]),
                kitchen=row["kitchen"] == "yes",
                hosting_public=row["hosting_public"] == "yes",
                hosting_contact=row["hosting_contact"] or None,
                hosting_terms=row["hosting_terms"] or None,
            )
            if VenueHosting.model_validate(venue, from_attributes=True) != data:
                set_hosting(session, venue=venue, data=data, user_id=None)
                changed += 1
    return changed


def seed_demo(session: Session, *, directory: Path) -> dict[str, int]:
    outcome: dict[str, int] = {"created": 0, "updated": 0, "unchanged": 0}
    for data in demo_assets(directory):
        _, what = upsert_asset(session, data=data)
        outcome[what] += 1
    return outcome


def seed_all(session: Session, *, demo: bool = True) -> SeedReport:
    reference = get_settings().reference_data_path
    config = json.loads((DATA_DIR / "places.json").read_text(encoding="utf-8"))
    report = SeedReport()
    report.places = seed_places(session, config=config, reference=reference)
    report.outcodes = load_outcodes(session, path=reference / config["outcodes"])
    report.interests = seed_interests(session, path=DATA_DIR / "interests.csv")
    if demo:
        report.assets = seed_demo(session, directory=DATA_DIR / "demo")
        seed_hosting(session, path=DATA_DIR / "demo" / "venue_hosting.csv")
    return report
