"""A shape asks the planner for its estimate once per cell of a grid around where it is
searched, at the cell's centre, and keeps it for a while."""

import pytest
from sqlmodel import Session

from app.assets import estimates, paging
from app.assets.estimates import cell_of
from app.core.geo import miles_to_metres
from tests.searches import OLDBURY, TIPTON, found
from tests.statements import sent_statements

FIVE_MILES = miles_to_metres(5)


def _values(point: str) -> dict[str, float]:
    lat, lon = (float(x) for x in point.split(","))
    return {"origin_longitude": lon, "origin_latitude": lat}


def _moved(point: str, metres_north: float) -> str:
    lat, lon = (float(x) for x in point.split(","))
    return f"{lat + metres_north / estimates.METRES_PER_DEGREE:.6f},{lon}"


def _in_the_cell_of(point: str, radius_m: float) -> str:
    """A point of `point`'s cell other than it: its cell's centre, a metre off."""
    _, centre = cell_of(_values(point), radius_m)
    return f"{centre['origin_latitude'] + 1e-5:.6f},{centre['origin_longitude'] + 1e-5:.6f}"


def test_points_of_one_cell_are_estimated_at_its_centre() -> None:
    cell, centre = cell_of(_values(OLDBURY), FIVE_MILES)
    near_cell, near_centre = cell_of(_values(_in_the_cell_of(OLDBURY, FIVE_MILES)), FIVE_MILES)
    assert (near_cell, near_centre) == (cell, centre)
    step_m = FIVE_MILES / estimates.CELLS_PER_RADIUS
    assert cell_of(_values(_moved(OLDBURY, 2 * step_m)), FIVE_MILES)[0] != cell
    assert (
        abs(centre["origin_latitude"] - _values(OLDBURY)["origin_latitude"])
        * (estimates.METRES_PER_DEGREE)
        <= step_m / 2
    )
    # A smaller radius, smaller cells: two points one cell apart at 5 miles, more at 1.
    one_mile = miles_to_metres(1)
    assert (
        cell_of(_values(_moved(OLDBURY, step_m)), one_mile)[0]
        != cell_of(_values(OLDBURY), one_mile)[0]
    )


def test_a_search_without_a_point_has_one_cell() -> None:
    assert cell_of({}, 0.0) == (estimates.ONE_CELL, {})


def _explains(session: Session, point: str) -> tuple[int, int]:
    """How many EXPLAINs a 5-mile near search of `point` sent, and its total."""
    with sent_statements(session) as sent:
        _, _, total, exact = found(session, near=point, radius=5, kind=["meeting"])
    assert not exact, "past the cap, the total is the estimate"
    return sum(s.startswith("EXPLAIN") for s in sent), total


@pytest.mark.parametrize("with_first", [False, True], ids=["counted path", "with first page"])
def test_a_shape_asks_once_a_cell(
    session: Session, monkeypatch: pytest.MonkeyPatch, with_first: bool
) -> None:
    if with_first:  # the shape expects more than are counted: the page read with it
        monkeypatch.setattr(paging, "TRUST_ESTIMATE_ABOVE", 0)
    monkeypatch.setattr(paging, "EXACT_COUNT_UP_TO", 0)  # the demo's few: not counted
    asked, total = _explains(session, OLDBURY)
    assert asked == 1
    assert _explains(session, _in_the_cell_of(OLDBURY, FIVE_MILES)) == (0, total)
    assert _explains(session, TIPTON)[0] == 1, "another cell: asked there"


def test_every_point_of_a_cell_is_given_the_estimate_at_its_centre(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "EXACT_COUNT_UP_TO", 0)
    _, at_a_point = _explains(session, _in_the_cell_of(TIPTON, FIVE_MILES))
    from app.assets import statements

    monkeypatch.setattr(statements, "_SHAPES", statements._Kept())  # nothing kept
    _, centre = cell_of(_values(TIPTON), FIVE_MILES)
    assert _explains(session, f"{centre['origin_latitude']},{centre['origin_longitude']}") == (
        1,
        at_a_point,
    )


def test_an_estimate_is_asked_again_once_it_is_old(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "EXACT_COUNT_UP_TO", 0)
    assert _explains(session, OLDBURY)[0] == 1
    monkeypatch.setattr(estimates, "KEPT_S", 0.0)
    assert _explains(session, OLDBURY)[0] == 1
