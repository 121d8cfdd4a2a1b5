"""Every route of the mapper area, for every role: who may look, and who may act."""

import re
from collections.abc import Callable

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.accounts.models import Role
from app.main import create_app

COORDINATOR_ACTIONS = ("/review/", "/merge", "/archive", "/mapper/newsletter")
ADMIN_PAGES = ("/mapper/users", "/mapper/sources")
ADMIN_ACTIONS = ("/restore/", "/mapper/users", "/mapper/sources")


def _all_routes(routes: list[object]) -> list[APIRoute]:
    """Flatten included routers (FastAPI keeps them nested)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _all_routes(route.original_router.routes)
    return found


def mapper_routes() -> list[tuple[str, str]]:
    routes = []
    for route in _all_routes(create_app().routes):
        if route.path.startswith(("/mapper", "/logout")):
            path = re.sub(
                r"\{(\w+)\}", lambda m: "oldbury" if m.group(1) == "slug" else "1", route.path
            )
            for method in sorted(route.methods - {"HEAD"}):
                routes.append((method, path))
    return routes


ROUTES = mapper_routes()


def test_the_route_list_is_complete() -> None:
    assert len(ROUTES) >= 30


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in_or_refused(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, follow_redirects=False)
    if method == "GET" and path.endswith((".csv", ".pdf")):
        assert response.status_code == 401  # files: no page to send anyone to
    elif method == "GET":
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    else:
        assert response.status_code in (303, 403), (method, path, response.status_code)


def _needs(method: str, path: str) -> Role:
    if method == "GET":
        return Role.admin if path.startswith(ADMIN_PAGES) else (
            Role.coordinator if path.startswith("/mapper/newsletter") else Role.mapper
        )  # fmt: skip
    if any(part in path for part in ADMIN_ACTIONS):
        return Role.admin
    if any(part in path for part in COORDINATOR_ACTIONS):
        return Role.coordinator
    return Role.mapper


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_allowed_exactly_its_routes(
    client: TestClient, signed_in: Callable[[Role], str], role: Role
) -> None:
    csrf = signed_in(role)
    rank = {Role.mapper: 1, Role.coordinator: 2, Role.admin: 3}
    for method, path in ROUTES:
        if path == "/logout":
            continue
        response = client.request(method, path, data={"csrf": csrf}, follow_redirects=False)
        allowed = rank[role] >= rank[_needs(method, path)]
        if allowed:
            assert response.status_code != 403 or "security token" in response.text, (method, path)
        else:
            assert response.status_code == 403, (role, method, path, response.status_code)
