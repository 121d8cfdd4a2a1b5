"""`waymark` command line (typer)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from sqlmodel import Session

from app.core.db import get_engine
from app.imports.commands import import_command, sources_app

app = typer.Typer(help="Waymark: recovery asset directory.", no_args_is_help=True)
db_app = typer.Typer(help="Database: migrations and seed data.", no_args_is_help=True)
places_app = typer.Typer(help="Places (towns and their boundaries).", no_args_is_help=True)
postcodes_app = typer.Typer(help="Offline postcode tables.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(places_app, name="places")
app.add_typer(postcodes_app, name="postcodes")
app.add_typer(user_app, name="user")
console = Console()


def _session() -> Session:
    return Session(get_engine())


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations (creates the PostGIS extension on an empty database)."""
    from app.core.migrations import upgrade

    upgrade(revision=revision)
    console.print(f"[green]database at {revision}[/green]")


@db_app.command("seed")
def db_seed(
    demo: Annotated[bool, typer.Option(help="Also load the fictional demo entries")] = True,
) -> None:
    """Load towns, postcode centroids, interests and demo data. Safe to run again."""
    from app.seed import seed_all

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console) as bar:
        bar.add_task("seeding places, postcodes, interests and demo data…", total=None)
        with _session() as session:
            report = seed_all(session, demo=demo)
            session.commit()
    console.print(
        f"places: {report.places}, outcodes: {report.outcodes}, "
        f"interests: {report.interests}, demo assets: {report.assets}"
    )


@places_app.command("load")
def places_load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="GeoJSON file")],
    kind: Annotated[str, typer.Option(help="town, borough or ward")] = "town",
    name_property: Annotated[str, typer.Option(help="Feature property naming each place")] = (
        "name"
    ),
    group_csv: Annotated[
        Path | None, typer.Option(help="CSV mapping feature codes to place names (wards → towns)")
    ] = None,
    code_property: Annotated[str, typer.Option(help="Feature property with the code")] = "code",
    code_column: Annotated[str, typer.Option(help="Code column in --group-csv")] = "code",
    group_column: Annotated[str, typer.Option(help="Place column in --group-csv")] = "town",
    parent: Annotated[str | None, typer.Option(help="Also create this parent (borough)")] = None,
) -> None:
    """Load another place's boundaries (one place per feature, or grouped by --group-csv)."""
    from app.places.models import PlaceKind
    from app.places.service import load_places, read_group_csv

    groups = (
        read_group_csv(group_csv, code_column=code_column, group_column=group_column)
        if group_csv
        else None
    )
    with _session() as session:
        places = load_places(
            session, path=file, kind=PlaceKind(kind), name_property=name_property,
            groups=groups, code_property=code_property, parent_name=parent,
        )  # fmt: skip
        session.commit()
        console.print(f"loaded {len(places)} places: {', '.join(p.name for p in places)}")


@postcodes_app.command("load")
def postcodes_load(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="ONSPD or Code-Point CSV")
    ],
) -> None:
    """Load full postcodes from an ONS Postcode Directory or Code-Point Open CSV."""
    from app.geocoding.service import load_postcode_file

    with Progress(console=console) as bar, _session() as session:
        task = bar.add_task("postcodes", total=None)
        count = load_postcode_file(
            session, path=file, progress=lambda n: bar.update(task, completed=n)
        )
        session.commit()
    console.print(f"loaded {count} postcodes")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(prompt=True)],
    display_name: Annotated[str, typer.Option(prompt=True)],
    role: Annotated[str, typer.Option(help="mapper, coordinator or admin")] = "mapper",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create an account (password hashed with argon2)."""
    from pydantic import ValidationError

    from app.accounts.models import Role, UserCreate
    from app.accounts.service import create_user
    from app.core.errors import DomainError

    try:
        data = UserCreate(
            email=email, display_name=display_name, role=Role(role), password=password
        )
        with _session() as session:
            user = create_user(session, data=data)
            summary = f"created {user.role.value} {user.email}"
            session.commit()
    except (ValidationError, ValueError, DomainError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(summary)


@app.command("serve")
def serve(
    host: str = "127.0.0.1", port: int = 8000, workers: int = 1, reload: bool = False
) -> None:
    """Serve the site and API with uvicorn."""
    import uvicorn

    uvicorn.run(
        "app.main:app", host=host, port=port, workers=workers, reload=reload, proxy_headers=True
    )


print_app = typer.Typer(help="Printable listings.", no_args_is_help=True)
app.add_typer(print_app, name="print")


@print_app.command("towns")
def print_towns(
    out: Annotated[Path, typer.Option(help="Directory for the PDFs")] = Path("print"),
    borough: Annotated[bool, typer.Option(help="Also the whole-borough editions")] = True,
) -> None:
    """Write every town's A4 listing as a PDF (and each borough's)."""
    from app.assets.search_params import SearchParams
    from app.core.time import local_now
    from app.places.models import PlaceKind
    from app.places.service import list_places
    from app.printing.html_to_pdf import render_pdf
    from app.printing.listing import build_listing
    from app.printing.render import listing_document

    out.mkdir(parents=True, exist_ok=True)
    with _session() as session:
        places = [p for p, _ in list_places(session, kind=PlaceKind.town)]
        if borough:
            places += [p for p, _ in list_places(session, kind=PlaceKind.borough)]
        with Progress(console=console) as bar:
            task = bar.add_task("printing", total=len(places))
            for place in places:
                listing = build_listing(
                    session, place=place, params=SearchParams(), now=local_now(), subtitle=None
                )
                target = out / f"{place.slug}.pdf"
                target.write_bytes(render_pdf(listing_document(listing)))
                bar.update(task, advance=1, description=place.name)
    console.print(f"wrote {len(places)} PDFs to {out}")


@app.command("newsletter")
def newsletter(
    out: Annotated[Path, typer.Option(help="Directory for the edition's files")] = Path("print"),
    featured: Annotated[str | None, typer.Option(help="The featured paragraph")] = None,
) -> None:
    """Publish the next newsletter edition and write it as HTML, PDF and plain text."""
    from app.core.time import local_now
    from app.printing.html_to_pdf import render_pdf
    from app.printing.newsletter import as_text, publish_edition
    from app.printing.newsletter_pages import render_newsletter

    out.mkdir(parents=True, exist_ok=True)
    with _session() as session:
        edition = publish_edition(session, now=local_now(), featured=featured)
        stem = out / f"newsletter-{edition.number}"
        html = render_newsletter(session, edition.content, screen=False, is_draft=False, prefix="")
        stem.with_suffix(".pdf").write_bytes(render_pdf(html))
        stem.with_suffix(".txt").write_text(as_text(edition.content), encoding="utf-8")
        stem.with_suffix(".html").write_text(html, encoding="utf-8")
        session.commit()
    console.print(f"edition {edition.number} written to {out}")


@app.command("backup")
def backup_command(
    out: Annotated[Path, typer.Option(help="Directory for the dump")] = Path("backups"),
) -> None:
    """pg_dump the database (custom format, timestamped)."""
    from app.core.backup import backup
    from app.core.config import get_settings

    target = backup(get_settings().database_url, out)
    console.print(f"backup written to {target} ({target.stat().st_size // 1024} KB)")


@app.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A waymark backup")],
    yes: Annotated[bool, typer.Option("--yes", help="Really replace the data")] = False,
) -> None:
    """Replace the database's contents with a backup."""
    from app.core.backup import restore
    from app.core.config import get_settings

    if not yes:
        console.print("[red]This replaces everything in the database. Add --yes to go on.[/red]")
        raise typer.Exit(2)
    restore(get_settings().database_url, file)
    console.print(f"restored {file}")


# The importers' commands live with them: `waymark import …` and `waymark sources run`.
app.command("import")(import_command)
app.add_typer(sources_app, name="sources")
