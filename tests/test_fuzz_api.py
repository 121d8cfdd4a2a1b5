"""Schemathesis against our own OpenAPI: generated requests to every GET operation never
produce a server error, and every response matches its documented schema."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.core.config import get_settings
from app.main import create_app

get_settings().api_rate_limit_per_minute = 10_000_000  # fuzzing is not a flood
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, engine: object) -> None:
    case.call_and_validate(checks=(not_a_server_error, response_schema_conformance))
