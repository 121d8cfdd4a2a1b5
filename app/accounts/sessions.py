"""Server-side login sessions: the cookie holds a random token, the database its hash.

A new token on every login (no session fixation); logout deletes the row, so a copied cookie
stops working at once. Each session carries its own CSRF token."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import delete, select
from sqlmodel import Field, Session, SQLModel, col

from app.accounts.models import User
from app.core.timestamps import utcnow

SESSION_LIFETIME = timedelta(days=14)


class UserSession(SQLModel, table=True):
    __tablename__ = "user_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True), index=True)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, *, user: User) -> tuple[str, UserSession]:
    """Returns the cookie value (only ever seen here) and the stored session."""
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    stored = UserSession(
        token_hash=_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(24),
        expires_at=utcnow() + SESSION_LIFETIME,
    )
    session.add(stored)
    session.flush()
    return token, stored


def find_session(session: Session, *, token: str | None) -> tuple[UserSession, User] | None:
    if not token or len(token) > 100:
        return None
    row = session.execute(
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(
            col(UserSession.token_hash) == _hash(token),
            col(UserSession.expires_at) > utcnow(),
            col(User.active).is_(True),
        )
    ).first()
    return (row[0], row[1]) if row else None


def end_session(session: Session, *, token: str | None) -> None:
    if token:
        session.execute(delete(UserSession).where(col(UserSession.token_hash) == _hash(token)))
        session.flush()


def end_all_sessions(session: Session, *, user_id: int) -> None:
    """After a password reset or deactivation."""
    session.execute(delete(UserSession).where(col(UserSession.user_id) == user_id))
    session.flush()
