"""Run Alembic migrations from code (CLI, tests, benchmarks)."""

from alembic import command
from alembic.config import Config

from app.core.config import PROJECT_ROOT


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the database at `url` (default: Settings.database_url) to `revision`."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    command.upgrade(config, revision)


def backfill_entries(sql: str) -> None:
    """Run a migration's backfill of columns derived from an entry's own data (its slots, a
    copy of its venue's features): not an edit, so entries keep their change numbers and the
    change feed does not move. For migrations only (alembic's `op` is bound while they run)."""
    from alembic import op

    op.execute("ALTER TABLE asset DISABLE TRIGGER asset_change_seq_trigger")
    op.execute(sql)
    op.execute("ALTER TABLE asset ENABLE TRIGGER asset_change_seq_trigger")
