"""Signing in through the real login form, for tests of the mapper area."""

import re
import secrets
import time

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, UserCreate
from app.accounts.service import create_user
from app.core.security import form_token

PASSWORD = "correct horse battery staple"


def sign_in(client: TestClient, session: Session, role: Role) -> str:
    """Create an account, sign in with it; returns the session's CSRF token."""
    email = f"{role.value}-{secrets.token_hex(4)}@example.org"
    create_user(session, data=UserCreate(email=email, display_name=f"Test {role.value}",
                                         role=role, password=PASSWORD))  # fmt: skip
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "token": form_token(time.time() - 5),
            "next": "/mapper",
        },  # fmt: skip
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    page = client.get("/mapper").text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)
