"""schemathesis over every operation of ``/api/openapi.json``, in-process (WSGI), as an admin and as an agent.

Fails on any 5xx and on any response the document does not describe: an undocumented status code, a body
that does not match its schema, a wrong content type. A fixed seed (``derandomize``) and a bounded number of
examples per operation keep it repeatable and within about a minute and a half per backend.
"""

import importlib

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crm import API_RESOURCES
from crm.services.calls.default_scripts import ensure_default_scripts
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.api.identity import as_

# The fuzzing exercises the API's contract, not the database: scripts/test runs it once.
pytestmark = pytest.mark.once

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation: valid requests (they must be answered as documented), and invalid ones (refused
# with a documented 4xx, never a 5xx).
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 8}


@pytest.fixture
def callers(make, db):
    """A small world for the generated requests to land in, and the two callers: an admin and an agent.

    A second admin exists so that no generated request can leave the installation without one.
    """
    branch = make.branch()
    agent = make.staff(role="agent", branch=branch)
    make.staff(role="supervisor", branch=branch)
    make.staff(role="admin")
    admin = make.staff(role="admin")
    customer = make.customer(manager=agent)
    make.visit(agent, customer)
    make.product()
    ensure_default_scripts(db.session)
    ensure_default_surveys(db.session)
    db.session.commit()
    return {"admin": admin, "agent": agent}


# Requests that would take the run's own credentials away, skipped for that caller only: a new token for
# oneself ends the one the run signs with, and an admin deactivating or demoting themself would turn every
# later request of the run into a 401 or 403. The same operations on anyone else are generated as usual.
SELF_DESTRUCTIVE = {("POST", "/api/v1/staff/{staff_id}/token"), ("PATCH", "/api/v1/staff/{staff_id}")}


def _takes_own_credentials(case, caller):
    return (case.method, case.path) in SELF_DESTRUCTIVE and case.path_parameters.get("staff_id") == caller.id


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def operations_of(api_schema, resource):
    """The document's operations of ``crm/api/<resource>.py`` (tagged with its blueprint's name)."""
    tag = importlib.import_module(f"crm.api.{resource}").blp.name
    operations = [result.ok() for result in api_schema.get_all_operations()]
    return [operation for operation in operations if tag in operation.definition.raw.get("tags", [])]


def test_every_operation_belongs_to_a_resource(api_schema):
    tagged = sum(len(operations_of(api_schema, resource)) for resource in API_RESOURCES)
    assert tagged == len(list(api_schema.get_all_operations()))


@pytest.mark.parametrize("resource", API_RESOURCES)
def test_every_operation_answers_as_documented(api_schema, callers, resource):
    for operation in operations_of(api_schema, resource):
        for mode, examples in EXAMPLES.items():
            _fuzz(operation, mode, examples, callers)


def _fuzz(operation, mode, examples, callers):
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for caller in callers.values():
            if not _takes_own_credentials(case, caller):
                case.call_and_validate(headers=as_(caller), checks=CHECKS)

    run()
