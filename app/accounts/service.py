"""Accounts: create and look up users."""

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.accounts.models import User, UserCreate
from app.core.errors import ConflictError
from app.core.security import hash_password


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
