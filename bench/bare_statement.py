"""A plain ASGI app, no framework and no middleware, that bench.ceiling serves beside Waymark
(`uvicorn bench.bare_statement:app`): /healthz and /readyz answer at once, and
/api/v1/assets?near=lat,lon[&kind=…] answers with the ids of the 20 nearest entries of its
kinds from bench.nearest_ids' least statement, on one connection of its own. Its search less
its /healthz is what asking PostgreSQL that statement costs a search and nothing else (the
query string read, the statement sent, its rows read, the ids written). Never served but by
the benchmark."""

import os
from typing import Any
from urllib.parse import parse_qs

import orjson
import psycopg

from app.core.backup import libpq_url
from bench.nearest_ids import nearest_ids

Scope = dict[str, Any]
_OK = b'{"status":"ok"}'
_connection: list[psycopg.Connection[Any]] = []  # this worker's, opened at its first search


def _connected() -> psycopg.Connection[Any]:
    if not _connection:
        url = libpq_url(os.environ["DATABASE_URL"])
        _connection.append(psycopg.connect(url, autocommit=True))
    return _connection[0]


def nearest(query_string: bytes, per_page: int = 20) -> list[int]:
    """The ids nearest `near` (lat,lon) of the query string's kinds (meetings by default)."""
    query = parse_qs(query_string.decode())
    latitude, longitude = map(float, query["near"][0].split(","))
    kinds = query.get("kind", ["meeting"])
    return nearest_ids(_connected(), kinds, latitude, longitude, per_page)


async def app(scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["path"] == "/api/v1/assets":
        body = orjson.dumps({"items": nearest(scope["query_string"])})
    else:
        body = _OK
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
