import pytest

from app.geocoding.postcodes import parse_postcode


@pytest.mark.parametrize(
    ("text", "code", "display"),
    [
        ("B69 3DE", "B693DE", "B69 3DE"),
        ("b693de", "B693DE", "B69 3DE"),
        ("  dy4  ", "DY4", "DY4"),
        ("WS10 7ZH", "WS107ZH", "WS10 7ZH"),
        ("EC1A 1BB", "EC1A1BB", "EC1A 1BB"),
    ],
)
def test_parses_postcodes_and_outcodes(text: str, code: str, display: str) -> None:
    parsed = parse_postcode(text)
    assert parsed is not None
    assert parsed.code == code
    assert parsed.display == display


@pytest.mark.parametrize("text", ["", "hello", "123", "B69 3DEX", "B69 3D", "'; drop table", "Q"])
def test_rejects_what_is_not_a_postcode(text: str) -> None:
    assert parse_postcode(text) is None
