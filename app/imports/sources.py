"""Configured sources: save them, run one (stored as an ImportRun), run those that are due.

A run happens inside a savepoint: a source that fails part-way (timeout, 500, invalid JSON,
wrong schema) is recorded with its reason and changes nothing else, and the other sources
still run."""

from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlmodel import Session, col

from app.assets.models import Asset, AssetStatus, Attendance
from app.core.errors import DomainError, InvalidInputError, NotFoundError
from app.core.timestamps import utcnow
from app.imports.models import SCHEDULE_INTERVAL, ImportRun, ImportSource, ImportSourceBase
from app.imports.service import ImportReport, run_import
from app.places.models import Place, PlaceKind
from scrapers.base import DEFAULT_TIMEOUT_S, Fetched, SourceOptions, fetch, fetch_page
from scrapers.registry import SOURCES

Fetcher = Callable[..., Fetched]
RUNS_SHOWN = 20


def list_sources(session: Session) -> list[tuple[ImportSource, ImportRun | None]]:
    sources = session.execute(select(ImportSource).order_by(col(ImportSource.name))).scalars()
    return [(s, last_run(session, source_id=s.id)) for s in sources]


def get_source(session: Session, *, source_id: int) -> ImportSource:
    source = session.get(ImportSource, source_id)
    if source is None:
        raise NotFoundError(f"no source {source_id}")
    return source


def save_source(
    session: Session, *, data: ImportSourceBase, source: ImportSource | None = None
) -> ImportSource:
    if not data.location.startswith(("http://", "https://")):
        # Files are for the CLI only: the server must not read its own disk for a web form.
        raise InvalidInputError("give the feed's web address (http:// or https://)",
                                field="location")  # fmt: skip
    if data.default_town_id is not None:
        town = session.get(Place, data.default_town_id)
        if town is None or town.kind != PlaceKind.town:
            raise InvalidInputError("choose one of the towns listed", field="default_town_id")
    if data.type not in SOURCES:
        known = ", ".join(SOURCES)
        raise InvalidInputError(f"unknown type {data.type!r}; choose one of {known}", field="type")
    same_name = select(col(ImportSource.id)).where(
        func.lower(col(ImportSource.name)) == data.name.lower()
    )
    if source is not None:
        same_name = same_name.where(col(ImportSource.id) != source.id)
    clash = session.execute(same_name).first()
    if clash is not None:
        raise InvalidInputError("another source has that name", field="name")
    target = source or ImportSource.model_validate(data)
    for key, value in data.model_dump().items():
        setattr(target, key, value)
    if source is not None and source.location != data.location:
        target.etag = target.last_modified = None  # a new address: download it in full
    target.updated_at = utcnow()
    session.add(target)
    session.flush()
    return target


def default_town(session: Session, *, source: ImportSource) -> Place | None:
    return session.get(Place, source.default_town_id) if source.default_town_id else None


def parse_source_form(values: dict[str, str]) -> ImportSourceBase:
    """Form fields → ImportSourceBase (ValidationError names the field to fix)."""
    data = {k: v.strip() or None for k, v in values.items() if k in ImportSourceBase.model_fields}
    for flag in ("trusted", "enabled"):
        data[flag] = values.get(flag) == "on"  # type: ignore[assignment]
    return ImportSourceBase.model_validate(data)


def last_run(session: Session, *, source_id: int | None) -> ImportRun | None:
    return session.execute(
        select(ImportRun)
        .where(col(ImportRun.source_id) == source_id)
        .order_by(col(ImportRun.started_at).desc(), col(ImportRun.id).desc())
        .limit(1)
    ).scalar_one_or_none()


def recent_runs(session: Session, *, source_id: int | None) -> list[ImportRun]:
    return list(
        session.execute(
            select(ImportRun)
            .where(col(ImportRun.source_id) == source_id)
            .order_by(col(ImportRun.started_at).desc(), col(ImportRun.id).desc())
            .limit(RUNS_SHOWN)
        ).scalars()
    )


def waiting_for_a_pin(session: Session, *, source: ImportSource) -> list[Asset]:
    """Entries this source brought whose address could not be placed."""
    return list(
        session.execute(
            select(Asset).where(
                col(Asset.source) == source.name,
                col(Asset.venue_id).is_(None),
                col(Asset.attendance) != Attendance.online,
                col(Asset.status) == AssetStatus.pending_review,
            )
        ).scalars()
    )


def record_run(
    session: Session, *, run: ImportRun, report: ImportReport | None, error: str | None = None
) -> ImportRun:
    run.finished_at = utcnow()
    if error is not None:
        run.outcome, run.error = "failed", error
    if report is not None:
        for key in ("created", "updated", "unchanged", "flagged", "for_review"):
            setattr(run, key, getattr(report, key))
        run.unplaced = len(report.unplaced)
        run.failures = [{"id": i, "why": w} for i, w in report.failed[:500]] + [
            {"id": i, "why": f"to pin on the map: {w}"} for i, w in report.unplaced[:500]
        ]
    session.add(run)
    session.flush()
    return run


def run_source(
    session: Session,
    *,
    source: ImportSource,
    dry_run: bool = False,
    fetcher: Fetcher = fetch,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Callable[[int], None] | None = None,
) -> ImportRun:
    """Fetch (conditionally) and import one source; the run is stored whatever happens."""
    run = ImportRun(source_id=source.id, source_name=source.name, dry_run=dry_run)
    importer = SOURCES.get(source.type)
    savepoint = session.begin_nested()
    report = None
    try:
        if importer is None:
            raise InvalidInputError(f"unknown importer type {source.type!r}")
        fetched = fetcher(
            source.location, timeout_s=timeout_s, etag=source.etag,
            last_modified=source.last_modified,
        )  # fmt: skip
        if fetched.payload is None:
            savepoint.rollback()
            run.outcome = "not modified"
            return record_run(session, run=run, report=None)
        options = SourceOptions(
            name=source.name, fellowship=source.fellowship, default_kind=source.default_kind,
            location=source.location, fetch_more=lambda url: fetch_page(url, timeout_s=timeout_s),
        )  # fmt: skip
        report = run_import(
            session, source=source.name, records=importer.records(fetched.payload, options),
            trusted=source.trusted, progress=progress, town=default_town(session, source=source),
        )  # fmt: skip
    except (DomainError, ValidationError) as exc:
        savepoint.rollback()
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        return record_run(session, run=run, report=None, error=f"{message}; nothing was changed")
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
        source.etag, source.last_modified = fetched.etag, fetched.last_modified
    return record_run(session, run=run, report=report)


def source_named(session: Session, *, name: str) -> ImportSource | None:
    return session.execute(
        select(ImportSource).where(col(ImportSource.name) == name)
    ).scalar_one_or_none()


def due_sources(session: Session, *, now: datetime | None = None) -> list[ImportSource]:
    now = now or utcnow()
    due = []
    for source, last in list_sources(session):
        days = SCHEDULE_INTERVAL.get(source.schedule)
        if not source.enabled or days is None:
            continue
        if last is None or last.started_at <= now - timedelta(days=days) + timedelta(minutes=5):
            due.append(source)
    return due
