"""HTML → PDF with WeasyPrint, fetching nothing from the network or outside our static files.

Imported where a layout happens (app.printing.pdf), not with the app."""

from pathlib import Path
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from app.core.config import PROJECT_ROOT
from app.core.heap import collections_paused

STATIC_DIR = (PROJECT_ROOT / "app" / "static").resolve()


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """data: URIs and files under app/static; anything else is refused."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, timeout=1)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if not path.is_relative_to(STATIC_DIR):
                raise ValueError(f"refusing to read {url} (outside the static files)")
        return super().fetch(url, headers)


def render_pdf(html: str) -> bytes:
    """The PDF, laid out with the cyclic collector paused: WeasyPrint's boxes all live until
    the end, and the collector's ever longer passes over them were 4.6 of Tipton's 20.2 s at
    10,000 entries in the borough (7.4 of West Bromwich's 34.2; peak RSS 926 → 945 MB)."""
    with collections_paused():
        pdf: bytes = HTML(
            string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=StaticOnlyFetcher()
        ).write_pdf()
    return pdf
