"""Application factory."""

from fastapi import FastAPI

from app.assets.api import router as assets_router
from app.core.errors import install_error_handlers
from app.health import router as health_router
from app.places.api import router as places_router


def create_app() -> FastAPI:
    app = FastAPI(
        title="Waymark",
        summary="Recovery asset directory: meetings, volunteering, bumping spaces, clubs, courses.",
        version="0.1.0",
    )
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(places_router)
    app.include_router(assets_router)
    return app


app = create_app()
