"""A migration file loaded as a module, for tests that run its SQL (a backfill) directly."""

import importlib.util
from pathlib import Path
from types import ModuleType

VERSIONS = Path(__file__).parents[1] / "alembic" / "versions"


def migration(filename: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(filename.removesuffix(".py"), VERSIONS / filename)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
