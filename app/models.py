"""Every table model, imported once so metadata (Alembic, tests) sees them all."""

from app.accounts.models import User
from app.accounts.sessions import UserSession
from app.assets.models import Asset, AssetInterest, Interest, Schedule, WeekSpan
from app.geocoding.models import Postcode
from app.imports.models import ImportRun, ImportSource
from app.mapping.models import EmptySearch, PendingChange, Revision, Suggestion
from app.organisations.models import Organisation
from app.places.models import Place
from app.printing.models import NewsletterEdition
from app.venues.models import Venue

__all__ = [
    "Asset",
    "AssetInterest",
    "EmptySearch",
    "ImportRun",
    "ImportSource",
    "Interest",
    "NewsletterEdition",
    "Organisation",
    "PendingChange",
    "Place",
    "Postcode",
    "Revision",
    "Schedule",
    "Suggestion",
    "User",
    "UserSession",
    "Venue",
    "WeekSpan",
]
