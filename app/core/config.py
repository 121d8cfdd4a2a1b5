"""One Settings object for the whole service, read from the environment (and `.env`)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT_SECRET = "development-only-secret-change-me"  # noqa: S105 - refused in production


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "postgresql+psycopg://postgres@/waymark?host=/tmp&port=54329"
    db_pool_size: int = 10
    # Threads per worker for the (sync) handlers. Under load, forty threads held the GIL so
    # much that the event loop could not answer: 16 connections to 2 workers saw p99 1.1 s
    # where handlers took 35 ms; with 4, p99 170 ms and 15% fewer requests a second at most.
    sync_threads: int = 4
    secret_key: str = DEVELOPMENT_SECRET
    base_url: str = "http://127.0.0.1:8000"

    # Reference data (boundaries, postcodes) and published standards are read from here,
    # never copied into the project. Relative paths are resolved against the project root.
    reference_data_dir: Path = Path("../shared/data")
    standards_dir: Path = Path("../shared/standards")

    timezone: str = "Europe/London"
    projected_srid: int = 27700

    # Postcode lookup: offline tables always; postcodes.io only when switched on.
    online_geocoding: bool = False
    postcodes_io_url: str = "https://api.postcodes.io"
    geocoding_timeout_s: float = 3.0

    map_tiles_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    default_radius_miles: float = 5.0
    max_radius_miles: float = 50.0
    max_per_page: int = 100
    api_rate_limit_per_minute: int = 600
    feed_max_age_s: int = 300
    # PDFs kept per worker by the HTML they were laid out from (app.printing.laid_out): a
    # town's listing at 10,000 entries in the borough is 1.2–2.3 MB and ~28 s to lay out.
    pdf_cache_mb: int = 32
    # Public pages kept per worker for their minute (app.feeds.kept_pages): a search page is
    # ~28 KB, a town's page at a million entries up to 1.5 MB and its print view 3.5 MB.
    page_cache_mb: int = 16
    # API search answers kept per worker (app.assets.answers): ~29 KB a page of 20, up to
    # ~150 KB a page of 100; 512 of them unbounded could hold ~75 MB and more with gzip.
    answer_cache_mb: int = 16
    data_version_ttl_s: float = 1.0  # how long an edit may take to reach cached answers
    secure_cookies: bool = False  # set true behind HTTPS
    stale_after_days: int = 182
    out_of_date_after_days: int = 365

    @model_validator(mode="after")
    def _production_needs_secrets(self) -> "Settings":
        if self.env == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("SECRET_KEY must be set when ENV=production")
        return self

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()

    @property
    def reference_data_path(self) -> Path:
        return self.resolve(self.reference_data_dir)

    @property
    def standards_path(self) -> Path:
        return self.resolve(self.standards_dir)


@lru_cache
def get_settings() -> Settings:
    return Settings()
