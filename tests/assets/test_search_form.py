"""Shareable query strings: a search's filters with some changed, read once for many links."""

from urllib.parse import parse_qsl

from app.assets.search_form import query_string, query_strings
from app.assets.search_params import SearchParams


def test_links_change_what_they_say_and_keep_the_rest_in_order() -> None:
    params = SearchParams.model_validate(
        {"near": "B69 3DE", "radius": 10, "kind": ["meeting", "club"], "q": "café club",
         "sort": "next", "page": 3}
    )  # fmt: skip
    link = query_strings(params)
    assert parse_qsl(link(page=4)) == [
        ("near", "B69 3DE"), ("radius", "10.0"), ("kind", "meeting"), ("kind", "club"),
        ("q", "café club"), ("page", "4"), ("sort", "next"),
    ]  # fmt: skip
    assert ("kind", "course") in parse_qsl(link(kind=["course"]))
    assert "kind" not in dict(parse_qsl(link(kind=None))), "None removes a filter"
    assert dict(parse_qsl(link(sort="name")))["sort"] == "name"
    assert link(q=None) == query_string(params, q=None), "the one and the many alike"
    assert "page" not in dict(parse_qsl(link())), "paging is the link's own"
