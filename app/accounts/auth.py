"""Who is asking: the signed-in user from the session cookie, role checks and CSRF checks."""

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from app.accounts.models import Role, User
from app.accounts.sessions import UserSession, find_session
from app.core.db import get_session
from app.core.errors import DomainError

COOKIE = "waymark_session"
ROLE_RANK = {Role.mapper: 1, Role.coordinator: 2, Role.admin: 3}


class LoginRequiredError(DomainError):
    status_code = 401


class ForbiddenError(DomainError):
    status_code = 403


@dataclass
class SignedIn:
    user: User
    session: UserSession

    @property
    def user_id(self) -> int:
        assert self.user.id is not None
        return self.user.id

    def can(self, role: Role) -> bool:
        return ROLE_RANK[self.user.role] >= ROLE_RANK[role]


def optional_user(
    request: Request, session: Annotated[Session, Depends(get_session)]
) -> SignedIn | None:
    found = find_session(session, token=request.cookies.get(COOKIE))
    return SignedIn(user=found[1], session=found[0]) if found else None


def signed_in(
    request: Request, visitor: Annotated[SignedIn | None, Depends(optional_user)]
) -> SignedIn:
    if visitor is None:
        raise LoginRequiredError("please sign in")
    return visitor


def require(role: Role):  # type: ignore[no-untyped-def]
    """A dependency: signed in with at least this role."""

    def check(visitor: Annotated[SignedIn, Depends(signed_in)]) -> SignedIn:
        if not visitor.can(role):
            raise ForbiddenError(f"this needs a {role.value} account")
        return visitor

    return check


async def csrf_form(request: Request, visitor: Annotated[SignedIn, Depends(signed_in)]) -> FormData:
    """The posted form, after checking its CSRF token against the signed-in session."""
    form = await request.form()
    token = form.get("csrf")
    if not isinstance(token, str) or not hmac.compare_digest(token, visitor.session.csrf_token):
        raise ForbiddenError(
            "the form's security token is missing or out of date; go back and try again"
        )
    return form


Mapper = Annotated[SignedIn, Depends(require(Role.mapper))]
Coordinator = Annotated[SignedIn, Depends(require(Role.coordinator))]
Admin = Annotated[SignedIn, Depends(require(Role.admin))]
CheckedForm = Annotated[FormData, Depends(csrf_form)]
