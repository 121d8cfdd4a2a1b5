from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from geoalchemy2 import alembic_helpers
from sqlalchemy import Engine
from sqlmodel import SQLModel

import app.models  # noqa: F401


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_object": alembic_helpers.include_object, "compare_type": True},
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_postgis_is_installed(engine: Engine) -> None:
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT postgis_lib_version()").scalar_one()
    assert version.startswith("3.")
