"""The app as bench.ceiling serves it for the floor of any design that asks PostgreSQL once a
search (`uvicorn --factory bench.nearest_ids:served`): the API's search answers with nothing
but the ids of the page's nearest entries of its kinds, from the least statement such a page
needs — one KNN walk of the kind's index, prepared, one plan for every point, no radius test,
no venues, schedules, counts or entries — written as JSON. Middleware, routing, parameters and
the answers' cache run as in the app. Never served but by the benchmark."""

from functools import lru_cache
from typing import Any
from weakref import WeakSet

import orjson
from fastapi import FastAPI
from fastapi.responses import Response
from psycopg import Connection, sql
from starlette.requests import Request

import app.assets.api as api_module
from app.assets.search_params import SearchParams
from app.core.db import SessionFactory
from app.core.geo import parse_latlon

# The partial index of each kind is only chosen with the kind written in the statement (a
# parameter could be any kind), so there is one statement a set of kinds.
_NEAREST = (
    "SELECT id FROM asset WHERE status = 'published' AND kind = ANY({kinds})"
    " ORDER BY grid <-> ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 27700)"
    " LIMIT %s"
)
# The app's connections plan each statement for its values (app.core.db); this one's plan is
# the same for every point, so it is planned once (as app.core.fixed plans a page's entries).
_ONE_PLAN = "SET plan_cache_mode = force_generic_plan"
_PLANNED_ONCE: WeakSet[Connection[Any]] = WeakSet()  # connections set so


@lru_cache(maxsize=64)
def nearest_ids_statement(kinds: tuple[str, ...]) -> str:
    """The statement for `kinds`, written in it as literals; composed once for each."""
    listed = sql.SQL("ARRAY[{}]::varchar[]").format(sql.SQL(", ").join(map(sql.Literal, kinds)))
    return sql.SQL(_NEAREST).format(kinds=listed).as_string()


def nearest_ids(
    connection: Connection[Any], kinds: list[str], latitude: float, longitude: float, limit: int
) -> list[int]:
    """The ids of the `limit` entries of `kinds` nearest the point, nearest first."""
    if connection not in _PLANNED_ONCE:
        connection.execute(_ONE_PLAN)
        _PLANNED_ONCE.add(connection)
    values = (longitude, latitude, limit)
    statement = nearest_ids_statement(tuple(kinds))
    rows = connection.execute(statement, values, prepare=True)
    return [row[0] for row in rows]


def ids_answer(
    request: Request, params: SearchParams, sessions: SessionFactory, geojson: bool
) -> Response:
    """In place of app.assets.api._search_answer: the page's ids, nearest first."""
    point = parse_latlon(params.near or "")
    if point is None:
        return Response(b'{"detail": "near: lat,lon only here"}', 422)
    kinds = [k.value for k in params.kind] or ["meeting"]
    with sessions() as session:
        driver: Any = session.connection().connection.driver_connection
        ids = nearest_ids(driver, kinds, point.latitude, point.longitude, params.per_page)
    return Response(orjson.dumps({"items": ids}), media_type="application/json")


def served() -> FastAPI:
    """The app with its API search answered so (a factory: importing this module changes
    nothing, so the tests can)."""
    from app.main import app

    patched: Any = api_module
    patched._search_answer = ids_answer
    return app
