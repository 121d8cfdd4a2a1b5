"""Application factory: routers, static files, error pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.accounts.pages import router as accounts_router
from app.assets.agenda_pages import router as agenda_pages_router
from app.assets.answers import RememberedAnswersMiddleware
from app.assets.api import router as assets_router
from app.assets.detail_pages import router as detail_pages_router
from app.assets.pages import router as search_pages_router
from app.core import heap
from app.core.config import PROJECT_ROOT, get_settings
from app.core.db import get_engine
from app.core.errors import install_error_handlers
from app.core.headers import SecurityHeadersMiddleware
from app.core.input_guard import InputGuardMiddleware
from app.core.logs import RequestLogMiddleware, configure_logging
from app.feeds.api import router as feeds_router
from app.feeds.cache import keep_version_fresh
from app.feeds.embed import router as embed_router
from app.feeds.hsds_api import router as hsds_router
from app.feeds.http import FeedHTTPMiddleware
from app.geocoding.api import router as geocode_router
from app.health import router as health_router
from app.home import router as home_router
from app.imports.pages import router as sources_router
from app.mapping.pages import router as mapper_router
from app.mapping.report_pages import api_router as gaps_api_router
from app.mapping.report_pages import router as reports_router
from app.mapping.review_pages import router as review_router
from app.mapping.suggest_pages import router as suggest_pages_router
from app.mapping.venue_pages import router as venue_pages_router
from app.places.api import router as places_router
from app.places.pages import router as town_pages_router
from app.printing.newsletter_admin import router as newsletter_admin_router
from app.printing.newsletter_pages import router as newsletter_router
from app.printing.pages import router as print_router

STATIC_MAX_AGE = 86400


class CachedStaticFiles(StaticFiles):
    """Static files with a day of browser caching (Leaflet, CSS, JS change rarely)."""

    async def get_response(self, path: str, scope: Scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
        return response


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    heap.limit_arenas()  # before the handlers' threads start
    anyio.to_thread.current_default_thread_limiter().total_tokens = get_settings().sync_threads
    heap.settle()
    stop_reading_versions = keep_version_fresh(get_engine())
    try:
        yield
    finally:
        stop_reading_versions()


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
        title="Waymark",
        summary="Recovery asset directory: meetings, volunteering, bumping spaces, clubs, courses.",
        version="0.1.0",
    )
    configure_logging()
    install_error_handlers(app)
    # Outermost last: CORS wraps everything (429s too), then gzip, then ETag/304/rate limit.
    app.add_middleware(RememberedAnswersMiddleware)  # innermost: its answers get ETags too
    app.add_middleware(FeedHTTPMiddleware)
    app.add_middleware(InputGuardMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(RequestLogMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["ETag", "Last-Modified", "Retry-After"],
    )
    app.mount(
        "/static", CachedStaticFiles(directory=PROJECT_ROOT / "app" / "static"), name="static"
    )
    for router in (
        health_router, places_router, assets_router, feeds_router, hsds_router, home_router,
        search_pages_router, embed_router, detail_pages_router,
        print_router,  # before town pages: /towns/{slug}.pdf would match /towns/{slug}
        town_pages_router, agenda_pages_router, suggest_pages_router, newsletter_router,
        accounts_router, mapper_router, review_router, reports_router, gaps_api_router,
        geocode_router, venue_pages_router, newsletter_admin_router, sources_router,
    ):  # fmt: skip
        app.include_router(router)
    return app


app = create_app()
