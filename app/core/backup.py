"""Backups with PostgreSQL's own tools: pg_dump (custom format) and pg_restore."""

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, make_url

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    raise FileNotFoundError(f"{name} not found: install the PostgreSQL client tools")


def libpq_url(database_url: str | URL) -> str:
    """postgresql+psycopg://… → postgresql://… for the command-line tools and bare psycopg
    connections."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def backup(database_url: str, out_dir: Path) -> Path:
    """A timestamped custom-format dump (compressed, restorable table by table)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = out_dir / f"waymark-{stamp}.dump"
    subprocess.run(  # noqa: S603 - fixed tool, arguments from our settings
        [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
         libpq_url(database_url)],  # fmt: skip
        check=True, capture_output=True,
    )  # fmt: skip
    return target


def restore(database_url: str, dump: Path) -> None:
    """Replace the database's contents with the dump's (objects dropped and recreated)."""
    subprocess.run(  # noqa: S603
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error",
         f"--dbname={libpq_url(database_url)}", str(dump)],  # fmt: skip
        check=True, capture_output=True,
    )  # fmt: skip
