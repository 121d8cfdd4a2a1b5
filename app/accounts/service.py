"""Accounts: create and look up users."""

from functools import lru_cache

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.accounts.models import User, UserCreate
from app.accounts.sessions import end_all_sessions
from app.core.errors import ConflictError, InvalidInputError
from app.core.security import hash_password, verify_password

MIN_PASSWORD_LENGTH = 10


@lru_cache
def _dummy_hash() -> str:
    """Verifying against this when there is no such user keeps the timing the same."""
    return hash_password("not-a-real-password-0")


def create_user(session: Session, *, data: UserCreate) -> User:
    email = data.email.lower()
    taken = session.execute(select(col(User.id)).where(func.lower(User.email) == email)).first()
    if taken:
        raise ConflictError(f"an account for {email} already exists")
    user = User(
        email=email,
        display_name=data.display_name,
        role=data.role,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    user = session.execute(
        select(User).where(func.lower(col(User.email)) == email.strip().lower())
    ).scalar_one_or_none()
    if user is None or not user.active:
        verify_password(password, _dummy_hash())  # same work either way: no user enumeration
        return None
    return user if verify_password(password, user.password_hash) else None


def set_password(session: Session, *, user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(f"use at least {MIN_PASSWORD_LENGTH} characters", field="password")
    user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    assert user.id is not None
    end_all_sessions(session, user_id=user.id)


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(col(User.email))).scalars())
