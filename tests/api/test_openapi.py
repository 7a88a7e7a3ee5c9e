"""The OpenAPI document tells the truth (issue 9 §16): the error body, decimals, the bearer token, and
Swagger UI served from this installation (npm's swagger-ui-dist, installed by scripts/run and scripts/test)."""

from pathlib import Path

import jsonschema_rs
import pytest

from tests.api.identity import as_

VENDOR = Path(__file__).resolve().parents[2] / "crm" / "console" / "static" / "vendor" / "swagger-ui-dist"


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").get_json()


def _resolved(spec, schema):
    """``schema`` with its ``$ref``s inlined (the document's are acyclic)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _resolved(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
        return {key: _resolved(spec, value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_resolved(spec, item) for item in schema]
    return schema


def _error_schema(spec, response):
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return _resolved(spec, response["content"]["application/json"]["schema"])


def test_every_documented_error_response_describes_the_body_actually_sent(client, spec, agent, admin):
    sent = [
        client.get("/api/v1/customers/12345", headers=as_(agent)).get_json(),  # 404
        client.get("/api/v1/staff", headers=as_(agent)).get_json(),  # 403
        client.get("/api/v1/staff/me").get_json(),  # 401
        client.post("/api/v1/customers", json={"name": ""}, headers=as_(agent)).get_json(),  # 422
    ]
    documented = 0
    for operations in spec["paths"].values():
        for operation in (op for op in operations.values() if isinstance(op, dict)):
            for status, response in operation.get("responses", {}).items():
                if status == "default" or status.startswith(("4", "5")):
                    validator = jsonschema_rs.validator_for(_error_schema(spec, response))
                    assert all(validator.is_valid(body) for body in sent), status
                    documented += 1
    assert documented > 100


def test_decimals_are_documented_as_the_strings_they_are(client, spec, make, agent):
    customer = make.customer(manager=agent)
    assets = spec["components"]["schemas"]["CustomerOut"]["properties"]["assets"]
    assert (assets["type"], assets["format"]) == ("string", "decimal")
    assert isinstance(client.get(f"/api/v1/customers/{customer.id}", headers=as_(agent)).get_json()["assets"], str)


def test_limits_are_numbers_and_every_operation_takes_the_bearer_token(spec):
    assert spec["security"] == [{"bearer": []}]
    per_page = next(p for p in spec["paths"]["/api/v1/customers"]["get"]["parameters"] if p["name"] == "per_page")[
        "schema"
    ]
    assert (per_page["minimum"], per_page["maximum"]) == (1, 200)
    customer_id = spec["paths"]["/api/v1/customers/{customer_id}"]["parameters"][0]["schema"]
    assert customer_id["maximum"] == 2**31 - 1


def test_swagger_ui_is_served_from_this_installation(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert 'src="/static/vendor/swagger-ui-dist/swagger-ui-bundle.js"' in page
    assert "cdn" not in page
    if not (VENDOR / "swagger-ui-bundle.js").exists():
        pytest.skip("swagger-ui-dist is not installed: scripts/test and scripts/run install it from npm")
    bundle = client.get("/static/vendor/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert b"SwaggerUIBundle" in bundle.data


def test_the_console_stylesheet_is_served(client):
    """/static/ is the console's: the app has no static folder of its own to shadow it."""
    assert client.get("/static/console.css").status_code == 200
