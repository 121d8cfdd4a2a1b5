import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts import pages
from app.accounts.auth import COOKIE
from app.accounts.models import Role, UserCreate
from app.accounts.service import create_user
from app.core.ratelimit import RateLimiter
from app.core.security import form_token


def login(client: TestClient, email: str, password: str) -> int:
    data = {"email": email, "password": password, "token": form_token(time.time() - 5)}
    return client.post("/login", data=data, follow_redirects=False).status_code


def test_login_logout_and_failed_login(client: TestClient, session: Session) -> None:
    create_user(session, data=UserCreate(email="jo@example.org", display_name="Jo",
                                         role=Role.mapper, password="a long password"))  # fmt: skip
    assert login(client, "jo@example.org", "wrong password!") == 401
    assert login(client, "JO@example.org", "a long password") == 303
    cookie = client.cookies.get(COOKIE)
    assert cookie and client.get("/mapper").status_code == 200
    csrf = client.get("/mapper").text.split('name="csrf" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    client.cookies.set(COOKIE, cookie)  # an old cookie no longer works after logout
    assert client.get("/mapper", follow_redirects=False).status_code == 303


def test_new_session_token_on_each_login(client: TestClient, session: Session) -> None:
    create_user(session, data=UserCreate(email="sam@example.org", display_name="Sam",
                                         role=Role.mapper, password="a long password"))  # fmt: skip
    login(client, "sam@example.org", "a long password")
    first = client.cookies.get(COOKIE)
    login(client, "sam@example.org", "a long password")
    assert client.cookies.get(COOKIE) != first


def test_brute_force_is_throttled(client: TestClient, session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pages, "LOGIN_LIMITER", RateLimiter(limit=5, window_s=900))
    codes = [login(client, "nobody@example.org", f"guess {i}") for i in range(6)]
    assert codes == [401] * 5 + [429]
    assert (
        "try again in"
        in client.post(
            "/login",
            data={
                "email": "nobody@example.org",
                "password": "x",
                "token": form_token(time.time() - 5),
            },
        ).text
    )


def test_csrf_is_required_on_every_form(
    client: TestClient, signed_in: Callable[[Role], str]
) -> None:
    signed_in(Role.admin)
    for path in ("/mapper/assets/new", "/logout", "/mapper/users", "/mapper/assets/1/verify"):
        response = client.post(path, data={"name": "x"}, follow_redirects=False)
        assert response.status_code == 403, path
        assert client.post(path, data={"csrf": "forged"}).status_code == 403, path


def test_permission_matrix(client: TestClient, session: Session) -> None:
    from tests.signin import sign_in

    pages_by_role = {
        "/mapper": (Role.mapper, Role.coordinator, Role.admin),
        "/mapper/assets/new": (Role.mapper, Role.coordinator, Role.admin),
        "/mapper/stale": (Role.mapper, Role.coordinator, Role.admin),
        "/mapper/gaps": (Role.mapper, Role.coordinator, Role.admin),
        "/mapper/review": (Role.mapper, Role.coordinator, Role.admin),
        "/mapper/users": (Role.admin,),
    }
    for path in pages_by_role:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    for role in Role:
        client.cookies.clear()
        sign_in(client, session, role)
        for path, allowed in pages_by_role.items():
            expected = 200 if role in allowed else 403
            assert client.get(path).status_code == expected, (role, path)
