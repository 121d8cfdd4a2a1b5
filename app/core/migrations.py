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
