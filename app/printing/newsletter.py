"""The fortnightly newsletter: gathered once into a plain snapshot (stored with the edition),
then rendered as a web page, a PDF and plain text for email."""

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.assets.agenda import build_agenda
from app.assets.models import Asset, AssetStatus
from app.assets.present import asset_public
from app.assets.schemas import AssetPublic
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.core.config import get_settings
from app.core.errors import NotFoundError
from app.core.labels import FELLOWSHIP_NAMES, KIND_LABELS
from app.mapping.gaps import town_gaps
from app.mapping.models import EntityType, Revision
from app.printing.listing import correct_on
from app.printing.models import NewsletterEdition

NEWSLETTER_DAYS = 14


def _where(item: AssetPublic) -> str:
    if item.venue is None:
        return "Online"
    return ", ".join(p for p in (item.venue.name, item.venue.town_name or item.venue.locality) if p)


def _period_label(start: date) -> str:
    end = start + timedelta(days=NEWSLETTER_DAYS - 1)
    return f"{start.day} {start.strftime('%B')} to {end.day} {end.strftime('%B %Y')}"


def _summary(item: AssetPublic) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "kind": KIND_LABELS[item.kind][0],
        "where": _where(item),
        "when": "; ".join(s.description for s in item.schedules) or "By arrangement",
    }


def gather_newsletter(
    session: Session, *, now: datetime, since: datetime, featured: str | None
) -> dict[str, Any]:
    result = search_assets(session, params=SearchParams(), paginate=False, now=now)
    publics = {h.asset.id: asset_public(h, result.towns, result.now) for h in result.hits}
    agenda = build_agenda(
        result.hits, list(publics.values()), start=result.now, days=NEWSLETTER_DAYS
    )
    changed_ids = set(
        session.execute(
            select(col(Revision.entity_id)).where(
                col(Revision.entity_type) == EntityType.asset,
                col(Revision.action) != "create",
                col(Revision.created_at) > since,
            )
        ).scalars()
    )
    new = [p for h in result.hits if h.asset.created_at > since and (p := publics[h.asset.id])]
    new_ids = {p.id for p in new}
    closed = session.execute(
        select(Asset).where(
            col(Asset.status) == AssetStatus.archived, col(Asset.updated_at) > since
        )
    ).scalars()
    base = get_settings().base_url
    return {
        "title": "Waymark recovery newsletter",
        "correct_on": correct_on(result.now.date()),
        "period_label": _period_label(result.now.date()),
        "period_start": result.now.date().isoformat(),
        "period_end": (result.now.date() + timedelta(days=NEWSLETTER_DAYS - 1)).isoformat(),
        "url": f"{base}/newsletter",
        "suggest_url": f"{base}/suggest",
        "featured": featured,
        "days": [
            {
                "label": day.day.strftime("%A %-d %B"),
                "entries": [
                    {
                        "time": occ.start.strftime("%H:%M"),
                        "name": item.name,
                        "id": item.id,
                        "where": _where(item),
                        "kind": KIND_LABELS[item.kind][0],
                    }
                    for occ, item in day.entries
                ],
            }
            for day in agenda
        ],
        "new": [_summary(p) for p in new],
        "changed": [_summary(publics[i]) for i in sorted(changed_ids - new_ids) if i in publics],
        "closed": [{"id": a.id, "name": a.name, "kind": KIND_LABELS[a.kind][0]} for a in closed],
        "gaps": [
            {
                "town": g.town.name,
                "missing": [FELLOWSHIP_NAMES.get(f, f) for f in g.missing_fellowships]
                + [KIND_LABELS[k][1] for k in g.missing_kinds],
            }
            for g in town_gaps(session)
            if g.missing_fellowships or g.missing_kinds
        ],
    }


def latest_edition(session: Session) -> NewsletterEdition | None:
    edition: NewsletterEdition | None = session.execute(
        select(NewsletterEdition).order_by(col(NewsletterEdition.number).desc()).limit(1)
    ).scalar_one_or_none()
    return edition


def get_edition(session: Session, *, number: int) -> NewsletterEdition:
    edition: NewsletterEdition | None = session.execute(
        select(NewsletterEdition).where(col(NewsletterEdition.number) == number)
    ).scalar_one_or_none()
    if edition is None:
        raise NotFoundError(f"no newsletter edition {number}")
    return edition


def draft(session: Session, *, now: datetime, featured: str | None = None) -> dict[str, Any]:
    """The next edition as it would be now: news since the last edition (or two weeks)."""
    previous = latest_edition(session)
    since = previous.created_at if previous else now - timedelta(days=NEWSLETTER_DAYS)
    return gather_newsletter(session, now=now, since=since, featured=featured)


def publish_edition(
    session: Session, *, now: datetime, featured: str | None = None
) -> NewsletterEdition:
    content = draft(session, now=now, featured=featured)
    number = (session.scalar(select(func.max(col(NewsletterEdition.number)))) or 0) + 1
    content["number"] = number
    edition = NewsletterEdition(
        number=number,
        created_at=now,
        period_start=datetime.fromisoformat(content["period_start"]).date(),
        period_end=datetime.fromisoformat(content["period_end"]).date(),
        featured=featured,
        content=content,
    )
    session.add(edition)
    session.flush()
    return edition


def as_text(content: dict[str, Any]) -> str:
    """Plain text to paste into an email."""
    edition = f" — edition {content['number']}" if content.get("number") else ""
    lines = [content["title"] + edition, content["correct_on"], ""]
    if content.get("featured"):
        lines += ["FEATURED", content["featured"], ""]
    for heading, key in (("NEW", "new"), ("CHANGED", "changed")):
        if content[key]:
            lines.append(heading)
            lines += [
                f"- {e['name']} ({e['kind']}), {e['where']}: {e['when']}" for e in content[key]
            ]
            lines.append("")
    if content["closed"]:
        lines.append("CLOSED OR STOPPED")
        lines += [f"- {e['name']} ({e['kind']})" for e in content["closed"]]
        lines.append("")
    lines.append(f"WHAT'S ON: THE NEXT {NEWSLETTER_DAYS} DAYS")
    for day in content["days"]:
        lines.append(day["label"].upper())
        lines += [f"  {e['time']}  {e['name']} — {e['where']}" for e in day["entries"]]
    lines.append("")
    if content["gaps"]:
        lines.append("GAPS WE ARE TRYING TO FILL")
        lines += [f"- {g['town']}: no {', '.join(g['missing'])}" for g in content["gaps"]]
        lines.append("")
    lines += [f"Online: {content['url']}", f"Add or correct an entry: {content['suggest_url']}"]
    return "\n".join(lines) + "\n"
