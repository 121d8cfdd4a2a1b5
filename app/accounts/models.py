"""Accounts for mappers, coordinators and admins."""

from enum import StrEnum

from pydantic import BaseModel, EmailStr
from sqlmodel import Field, SQLModel

from app.core.timestamps import Timestamped
from app.core.types import enum_type


class Role(StrEnum):
    mapper = "mapper"
    coordinator = "coordinator"
    admin = "admin"


class UserBase(SQLModel):
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=120)
    role: Role = Field(default=Role.mapper, sa_type=enum_type(Role))
    active: bool = True


class User(UserBase, Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)


class UserCreate(BaseModel):
    email: EmailStr
    display_name: str
    role: Role = Role.mapper
    password: str = Field(min_length=10, max_length=200)
