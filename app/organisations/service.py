"""Organisations: find by name or create."""

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from app.core.text import slugify
from app.organisations.models import Organisation, OrganisationCreate


def save_organisation(session: Session, *, data: OrganisationCreate) -> Organisation:
    slug = data.slug or slugify(data.name, 120)
    org = session.execute(
        select(Organisation).where(
            or_(col(Organisation.slug) == slug, func.lower(Organisation.name) == data.name.lower())
        )
    ).scalar_one_or_none()
    if org is None:
        org = Organisation(slug=slug, name=data.name)
    for field in ("name", "website", "public_phone", "public_email", "description"):
        value = getattr(data, field)
        if value is not None:
            setattr(org, field, value)
    session.add(org)
    session.flush()
    return org
