"""EXPLAIN as a statement SQLAlchemy can cache: the planner's estimate of a search's matches is
one planning with bound parameters, where compiling the search to literal SQL for each request
cost more than the planning."""

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.visitors import InternalTraversal


class ExplainJson(Executable, ClauseElement):
    """`EXPLAIN (FORMAT JSON) <statement>`; its cache key is the statement's."""

    inherit_cache = True
    _traverse_internals = [("statement", InternalTraversal.dp_clauseelement)]

    def __init__(self, statement: Any) -> None:
        self.statement = statement

    @property
    def _all_selected_columns(self) -> tuple[()]:
        return ()  # its one column is the plan, read by position


@compiles(ExplainJson, "postgresql")
def _explain(element: ExplainJson, compiler: SQLCompiler, **kw: Any) -> str:
    # As a nested statement: its columns are not taken for the result's (the plan is).
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, asfrom=True, **kw)


def estimated_rows(plan: Any) -> int:
    """The planner's estimate of how many rows the explained statement returns, from its plan
    (the one column of an ExplainJson's one row)."""
    return int(plan[0]["Plan"]["Plan Rows"])
