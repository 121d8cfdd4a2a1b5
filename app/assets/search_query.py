"""A search's statements as its shape made them, and those made from them, kept to be run
again: the matches (`SearchQuery.stmt`), what the planner is asked to estimate, the orders
capped walks take. Reading pages and counts from them is app.assets.paging's."""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select
from sqlmodel import Session

from app.assets.estimates import KeptEstimates
from app.core.fixed import FixedStatement, fix, run_together, settings_for


class Made:
    """Statements made from a search's, kept with it to be run again: SQLAlchemy keeps a
    statement's cache key on the statement, so one run again is not traversed again (a near
    search's statement cost ~0.1 ms of Python to traverse each time it was made anew)."""

    def __init__(self) -> None:
        self._made: dict[Hashable, Any] = {}
        # Whether every search of a shape shares these (app.assets.statements): then a kept
        # statement is also compiled once and run on the driver's cursor (app.core.fixed),
        # which cost 0.04 ms of Python a run where SQLAlchemy's execution of it cost 0.10.
        self.shared = False
        # Whether the shape's last search was expected to match more than are counted: its
        # next first page is then read nearest first with the estimate (paging.page_counted).
        self.many = False
        # The planner's estimates of the shape's matches, by where it was searched.
        self.estimates = KeptEstimates()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        made = self._made.get(key)
        if made is None:  # two threads may both make it: either is kept, both are the same
            made = self._made[key] = make()
        return made

    def rows(
        self,
        session: Session,
        statement: Any,
        values: dict[str, Any],
        key: Hashable = None,
        settings: dict[str, str] | None = None,
    ) -> Sequence[Any]:
        """The rows of `statement` run with `values`, under `settings` for it alone; `key`: the
        one it is kept under."""
        if key is None or not self.shared:
            with settings_for(session, settings or {}):
                return session.connection().execute(statement, values).all()
        return self._fixed(session, statement, key).run(session, settings=settings, **values)

    def rows_together(
        self, session: Session, kept: Sequence[tuple[Any, Hashable, dict[str, Any]]]
    ) -> list[Sequence[Any]]:
        """The rows of each (statement, the key it is kept under, its values), sent in one
        round trip (shared statements only)."""
        assert self.shared
        runs = [(self._fixed(session, statement, key), values) for statement, key, values in kept]
        return list(run_together(session, runs, plan_once=False))

    def _fixed(self, session: Session, statement: Any, key: Hashable) -> FixedStatement:
        fixed: FixedStatement = self.get(
            ("fixed", key), lambda: fix(statement, session.get_bind().dialect)
        )
        return fixed


@dataclass
class SearchQuery:
    stmt: Select[Any]
    computed: bool  # ordered by computed occurrences (sort=next)
    # The matches without the tests the planner cannot estimate (filters.time_probe), for
    # its estimate of how many there are (the search builds both).
    unprobed: Select[Any]
    # How the capped count walks the matches: nearest first for a place (a KNN index scan
    # that stops at the cap), in no order otherwise.
    count_order: list[Any] = field(default_factory=list)
    knn: bool = False  # nearest first from the index; ties put in id order afterwards
    # Nearest first with nothing but kinds to filter by: its walk takes the same plan for
    # every point (paging._nearest).
    plain: bool = False
    order: list[Any] = field(default_factory=list)  # the page's order
    # Implied conditions that let a walk nearest first use a smaller index (filters.day_walk).
    walk_hint: list[Any] = field(default_factory=list)
    keyed: bool = False  # the area keys find the matches (app.assets.area): few of them
    # Around a postcode or point: it on the British National Grid, and the radius in metres.
    origin: Any = None
    radius_m: float = 0.0
    # The unprobed statement's matches are the statement's when their next occurrence starts
    # before this (filters.time_kept; None: they are the same).
    kept_before: datetime | None = None
    # Around a place, the unprobed matches without the distance test: the planner gives such
    # a test a third of the rows (a default), where a circle holds π/4 of its square, so near
    # searches were estimated 2.3–3.1 times too few (DY4 5 mi at a million: 10,731 for
    # 24,880). The square is estimated from the column's statistics, then scaled
    # (paging.expected_matches).
    square: Select[Any] | None = None
    # The values of the statements' own parameters (the origin's coordinates: one statement
    # serves every point, app.assets.statements), passed to every run of them and of the
    # statements made from them.
    values: dict[str, Any] = field(default_factory=dict)
    # Statements made from these, kept to be run again (shared by the searches of one shape).
    made: Made = field(default_factory=Made, compare=False, repr=False)

    @property
    def estimated(self) -> Select[Any]:
        """What the planner is asked how many rows it expects of: the matches, maybe more
        (around a place, the square round the circle: see paging.expected_matches)."""
        return (self.unprobed if self.square is None else self.square).order_by(None)

    @property
    def counted(self) -> Select[Any]:
        """The matches in the order the capped count walks them."""
        return cast(Select[Any], self.made.get("counted", self._counted))

    def _counted(self) -> Select[Any]:
        return self.stmt.order_by(None).order_by(*self.count_order)

    @property
    def walks_nearest(self) -> bool:
        """Whether capped walks over the matches go nearest first (around a place)."""
        return bool(self.count_order)

    @property
    def walked(self) -> Select[Any]:
        """The matches as capped walks read them: nearest first with the walk's hint around a
        place (the capped count, sort=next's first matches), as counted otherwise."""
        return self.counted.where(*self.walk_hint) if self.walks_nearest else self.counted
