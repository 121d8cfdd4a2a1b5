"""`waymark import TYPE URL|FILE` and `waymark sources run` (for cron)."""

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn
from sqlmodel import Session

from app.core.db import get_engine
from app.core.errors import NotFoundError
from app.imports.models import ImportSource
from app.imports.sources import due_sources, list_sources, run_source, source_named
from app.places.service import get_place
from scrapers.registry import SOURCES

sources_app = typer.Typer(help="Configured import sources.", no_args_is_help=True)
console = Console()


def import_command(
    type_: Annotated[str, typer.Argument(metavar="TYPE", help=f"One of: {', '.join(SOURCES)}")],
    location: Annotated[str, typer.Argument(help="URL or file")],
    name: Annotated[str, typer.Option(help="Source name recorded on every entry")] = "",
    fellowship: Annotated[str | None, typer.Option(help="Fellowship of every meeting")] = None,
    kind: Annotated[
        str | None, typer.Option(help="Kind of entry if the source does not say")
    ] = None,
    town: Annotated[
        str | None, typer.Option(help="Slug of the town it serves (see /api/v1/places)")
    ] = None,
    trusted: Annotated[bool, typer.Option(help="Publish new entries without review")] = False,
    dry_run: Annotated[bool, typer.Option(help="Report what would change; change nothing")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a URL")] = 20.0,
) -> None:
    """Import a feed: new entries wait for review; changes update; vanished ones are flagged.
    A configured source of the same name (see /mapper/sources) is used with its settings."""
    if type_ not in SOURCES:
        console.print(f"[red]unknown importer {type_!r}; known: {', '.join(SOURCES)}[/red]")
        raise typer.Exit(2)
    with Session(get_engine()) as session:
        try:
            town_id = get_place(session, slug=town).id if town else None
        except NotFoundError as exc:
            console.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(2) from exc
        source = source_named(session, name=name) if name else None
        source = source or ImportSource(
            name=name or f"{type_}:{location}"[:80], type=type_, location=location,
            fellowship=fellowship, default_kind=kind, trusted=trusted, default_town_id=town_id,
        )  # fmt: skip
        source.location, source.type = location, type_
        ok = run_and_report(session, [source], dry_run=dry_run, timeout_s=timeout)
    raise typer.Exit(0 if ok else 1)


@sources_app.command("run")
def sources_run(
    names: Annotated[list[str] | None, typer.Argument(help="Source names (default: due)")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every enabled source, due or not")] = False,
    dry_run: Annotated[bool, typer.Option(help="Report what would change; change nothing")] = False,
) -> None:
    """Run configured sources (for cron); one that fails stops no other."""
    with Session(get_engine()) as session:
        configured = [s for s, _ in list_sources(session)]
        if names:
            unknown = [n for n in names if source_named(session, name=n) is None]
            if unknown:
                known = ", ".join(s.name for s in configured) or "none yet"
                console.print(f"[red]unknown source {unknown[0]!r}; configured: {known}[/red]")
                raise typer.Exit(2)
            sources = [s for s in configured if s.name in names]
        else:
            sources = [s for s in configured if s.enabled] if every else due_sources(session)
        if not sources:
            console.print("no sources are due")
        ok = run_and_report(session, sources, dry_run=dry_run)
    raise typer.Exit(0 if ok else 1)


def run_and_report(
    session: Session, sources: list[ImportSource], *, dry_run: bool, timeout_s: float = 20.0
) -> bool:
    """Run each source with a progress counter, commit its run, print its report."""
    ok = True
    for source in sources:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(f"importing {source.name}", total=None)

            def advance(n: int, task: TaskID = task) -> None:
                bar.update(task, completed=n)

            run = run_source(
                session, source=source, dry_run=dry_run, timeout_s=timeout_s, progress=advance
            )
        session.commit()
        if run.outcome == "failed":
            ok = False
            console.print(f"[red]{source.name}: {run.error}[/red]")
            continue
        console.print(
            ("(dry run) " if dry_run else "")
            + f"{source.name}: {run.outcome}: {run.created} new, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.flagged} flagged as possibly closed, "
            f"{run.for_review} changes sent to review, {run.unplaced} to pin, "
            f"{len(run.failures) - run.unplaced} failed"
        )
        for failure in run.failures[:20]:
            console.print(f"  {failure['id']}: {failure['why']}")
    return ok
