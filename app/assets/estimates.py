"""The planner's estimates of a shape's matches, kept by where the search is.

A count is shown as "about N" past the exact-count cap, and whether to count at all is decided
on the planner's estimate (app.assets.paging). Asking for it is an EXPLAIN: a second planning of
the search, in every distinct near search, for a number that barely moves when the point moves
a little. So a shape (app.assets.statements) asks once per cell of a grid an eighth of its
radius wide, at the cell's centre, and keeps the answer for a few minutes (the planner's
statistics change when the table is analysed, not with each edit). A shape without a point has
one cell. Shapes tested against the clock are made anew each minute, their estimates with them.
"""

import time
from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock
from typing import Any

# An eighth of the radius: the centre of a 5-mile search moves at most 0.7 km (of a 16 km
# square) and its estimate at most a few percent where entries thin out fastest.
CELLS_PER_RADIUS = 8
METRES_PER_DEGREE = 111_320.0  # of latitude; a degree of longitude is shorter, cells narrower
KEPT_S = 600.0
CELLS_KEPT = 4096  # a shape's last cells: a 5-mile shape's 4,096 are a metropolitan county
ONE_CELL: Hashable = ()


def cell_of(values: dict[str, Any], radius_m: float) -> tuple[Hashable, dict[str, Any]]:
    """The cell a search's values fall in, and the values the planner is asked with: the
    cell's centre (the same for every point in it)."""
    if "origin_longitude" not in values:
        return ONE_CELL, values
    step = max(radius_m, 1000.0) / CELLS_PER_RADIUS / METRES_PER_DEGREE
    lon, lat = round(values["origin_longitude"] / step), round(values["origin_latitude"] / step)
    return (lon, lat), {**values, "origin_longitude": lon * step, "origin_latitude": lat * step}


class KeptEstimates:
    """A shape's estimates by cell, each for KEPT_S, the last CELLS_KEPT cells."""

    def __init__(self) -> None:
        self._kept: OrderedDict[Hashable, tuple[int, float]] = OrderedDict()
        self._lock = Lock()

    def get(self, cell: Hashable) -> int | None:
        with self._lock:
            kept = self._kept.get(cell)
            if kept is None or time.monotonic() - kept[1] >= KEPT_S:
                return None
            self._kept.move_to_end(cell)
            return kept[0]

    def keep(self, cell: Hashable, estimate: int) -> int:
        with self._lock:
            self._kept[cell] = (estimate, time.monotonic())
            self._kept.move_to_end(cell)
            while len(self._kept) > CELLS_KEPT:
                self._kept.popitem(last=False)
        return estimate
