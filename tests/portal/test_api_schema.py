"""schemathesis against the API's own OpenAPI schema: generated requests, valid and not,
never get a 5xx nor an answer that breaks the schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from portal.api import api
from portal.wsgi import application

# No 5xx, answers of the documented status, type and shape. (A request the schema allows
# may still be refused with a 400 the schema lists, such as a latitude of 95.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = application


@pytest.fixture(autouse=True)
def generous_limits(settings):
    """Hundreds of requests from one client: the limit itself has its own test."""
    settings.API_RATE_PER_IP = settings.API_BATCH_RATE_PER_IP = "1000000/m"


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI application closes the database connection after each request, which would
    end the test's transaction; Django's own test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema_whatever_it_is_sent(case):
    case.call_and_validate(app=application, checks=CHECKS)
