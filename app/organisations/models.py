"""Organisations: who runs things. Only public contact data lives here."""

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from app.core.timestamps import Timestamped


class OrganisationBase(SQLModel):
    name: str = Field(min_length=2, max_length=200)
    website: str | None = Field(default=None, max_length=500)
    public_phone: str | None = Field(default=None, max_length=40)
    public_email: str | None = Field(default=None, max_length=254)
    description: str | None = Field(default=None, max_length=4000)


class OrganisationCreate(OrganisationBase):
    slug: str | None = None


class Organisation(OrganisationBase, Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)


class OrganisationPublic(BaseModel):
    id: int
    slug: str
    name: str
    website: str | None
    public_phone: str | None
    public_email: str | None
