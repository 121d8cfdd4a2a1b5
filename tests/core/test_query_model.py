"""A model read from the query string (app.core.query_model) reads, refuses and documents the
search parameters exactly as FastAPI's own query model does."""

from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Query
from fastapi.testclient import TestClient

from app.assets.search_params import SEARCH_PARAMETERS, SearchParams, search_params_from_query


def _apps() -> tuple[TestClient, TestClient]:
    fastapis, ours = FastAPI(), FastAPI()

    @fastapis.get("/s")
    def by_fastapi(params: Annotated[SearchParams, Query()]) -> dict[str, Any]:
        return params.model_dump(mode="json")

    @ours.get("/s", openapi_extra=SEARCH_PARAMETERS)
    def by_us(params: Annotated[SearchParams, Depends(search_params_from_query)]) -> dict[str, Any]:
        return params.model_dump(mode="json")

    return TestClient(fastapis), TestClient(ours)


QUERIES = [
    "",
    "near=B69+3DE&radius=2.5&kind=meeting&kind=club&day=mon&day=fri&time=evening",
    "town=tipton&town=oldbury&page=3&per_page=50&unknown=1&interest=walking",
    "q=caf%C3%A9&starts_after=18:30&ends_before=21:00&age=30&sort=next&when=today",
    "modified_after=2026-11-01T10:00:00Z&access=step_free&access=parking&mode=online",
    "kind=",  # an empty value of a list
    "radius=-3",
    "radius=abc&kind=pub&day=someday",
    "per_page=1000&page=0",
    "starts_after=18:30%2B01:00",  # a time with an offset (the model's own check)
    "near=" + "x" * 101,
    "age=121&modified_after=yesterday",
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_query_reads_and_fails_as_fastapis_query_model(query: str) -> None:
    fastapis, ours = _apps()
    expected, got = fastapis.get(f"/s?{query}"), ours.get(f"/s?{query}")
    assert got.status_code == expected.status_code
    assert got.json() == expected.json()


def _resolved(schema: Any, components: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _resolved(components[schema["$ref"].rsplit("/", 1)[-1]], components)
        return {k: _resolved(v, components) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolved(v, components) for v in schema]
    return schema


def test_the_parameters_are_documented_as_fastapi_documents_them() -> None:
    specs = [client.get("/openapi.json").json() for client in _apps()]
    fastapis, ours = (
        {
            p["name"]: _resolved(p, spec.get("components", {}).get("schemas", {}))
            for p in spec["paths"]["/s"]["get"]["parameters"]
        }
        for spec in specs
    )
    assert list(ours) == list(SearchParams.model_fields)
    assert ours == fastapis
