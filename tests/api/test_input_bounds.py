"""No 500 on bad input (issue 9 §11): integers past the database's, calendar edges, NUL and lone surrogates,
deep JSON and long lists are refused with 404, 422 or 400 and our error body, on every route they reach."""

import ast
import re
from pathlib import Path

import pytest

from tests.api.identity import as_

TOO_BIG = ("2147483648", "99999999999999999999")


def _int_path_routes(app):
    """(method, url template) of every API route with an ``<int:…>`` in its path."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and "<int:" in rule.rule:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


def _error(response):
    body = response.get_json()
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_an_id_past_the_integer_column_is_not_found_on_every_route(app, client, admin):
    routes = list(_int_path_routes(app))
    assert len(routes) > 20
    for method, template in routes:
        for value in TOO_BIG:
            url = re.sub(r"<int:\w+>", value, template)
            response = client.open(url, method=method, json={}, headers=as_(admin))
            assert response.status_code == 404, (method, url, response.status_code)
            assert _error(response)["code"] == "not_found"


def _integer_query_parameters(client):
    """(path, name) of every documented integer query parameter of a GET operation without path parameters."""
    spec = client.get("/api/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        for parameter in get.get("parameters", []):
            if parameter["in"] == "query" and parameter["schema"].get("type") == "integer":
                yield path, parameter["name"]


def test_an_integer_past_the_column_in_a_query_string_is_invalid(client, admin):
    parameters = list(_integer_query_parameters(client))
    assert len(parameters) > 8
    for path, name in parameters:
        for value in TOO_BIG:
            response = client.get(path, query_string={name: value}, headers=as_(admin))
            assert response.status_code == 422, (path, name, response.status_code)
            assert name in _error(response)["fields"]


@pytest.mark.parametrize("value", TOO_BIG)
def test_an_integer_past_the_column_in_a_body_is_invalid(client, admin, value):
    body = f'{{"kind": "inquiry", "channel": "phone", "subject": "x", "customer_id": {value}}}'
    response = client.post("/api/v1/cases", data=body, content_type="application/json", headers=as_(admin))
    assert response.status_code == 422
    assert "customer_id" in _error(response)["fields"]


@pytest.mark.parametrize("at", ["0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00"])
@pytest.mark.parametrize(
    ("path", "name"),
    [("/api/v1/cases", "due_before"), ("/api/v1/calls", "from"), ("/api/v1/greetings/preview", "at")],
)
def test_a_datetime_at_the_edge_of_the_calendar_is_invalid(client, admin, path, name, at):
    query = {name: at, "line": "hotline"} if name == "at" else {name: at}
    response = client.get(path, query_string=query, headers=as_(admin))
    assert response.status_code == 422
    assert name in _error(response)["fields"]


def test_a_visit_dated_at_the_edge_of_the_calendar_is_invalid(client, make, agent):
    customer = make.customer(manager=agent)
    body = {
        "customer_id": customer.id,
        "channel": "phone",
        "started_at": "0001-01-01T00:00+14:00",
        "purpose": "service",
        "summary": "回访",
    }
    response = client.post("/api/v1/visits", json=body, headers=as_(agent))
    assert response.status_code == 422
    assert "started_at" in _error(response)["fields"]


@pytest.mark.parametrize(
    "body",
    ['{"name": "a\\u0000b"}', '{"name": "a\\ud800b"}', '{"name": "x", "phones": [{"number": "\\udfff"}]}'],
    ids=["nul", "lone-high-surrogate", "nested-lone-low-surrogate"],
)
def test_nul_and_lone_surrogates_in_a_body_are_invalid_and_nothing_is_written(client, db, agent, body):
    response = client.post("/api/v1/customers", data=body, content_type="application/json", headers=as_(agent))
    assert response.status_code == 422
    assert _error(response)["code"] == "invalid"
    assert client.get("/api/v1/customers", headers=as_(agent)).get_json()["total"] == 0


def test_a_nul_in_a_query_string_is_invalid(client, agent):
    response = client.get("/api/v1/customers?q=a%00b", headers=as_(agent))
    assert response.status_code == 422
    assert "q" in _error(response)["fields"]


@pytest.mark.parametrize("depth", [17, 100_000])
def test_deeply_nested_json_is_a_bad_request(client, agent, depth):
    body = '{"name": "x", "phones": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/api/v1/customers", data=body, content_type="application/json", headers=as_(agent))
    assert response.status_code == 400
    assert "nested" in _error(response)["message"]


def test_a_customer_with_5000_phones_is_refused_and_the_limit_is_documented(client, agent):
    phones = [{"number": f"1380013{n:04d}"} for n in range(5000)]
    response = client.post("/api/v1/customers", json={"name": "张三", "phones": phones}, headers=as_(agent))
    assert response.status_code == 422
    assert "phones" in _error(response)["fields"]
    spec = client.get("/api/openapi.json").get_json()
    assert spec["components"]["schemas"]["CustomerIn"]["properties"]["phones"]["maxItems"] == 10


def test_every_schema_takes_its_field_types_from_the_bounded_module():
    """``crm.api.schemas.fields`` holds the bounds; a schema built on marshmallow's own fields escapes them."""
    api = Path(__file__).resolve().parents[2] / "crm" / "api"
    offenders = []
    for path in api.rglob("*.py"):
        if path.name == "fields.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("marshmallow"):
                continue
            if node.module == "marshmallow.fields" or any(alias.name == "fields" for alias in node.names):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_an_assessment_with_thousands_of_answers_is_refused_and_the_limit_is_documented(client, make, agent):
    customer = make.customer(manager=agent)
    answers = {f"x{n}": "A" for n in range(5000)}
    response = client.post(
        f"/api/v1/customers/{customer.id}/assessments", json={"answers": answers}, headers=as_(agent)
    )
    assert response.status_code == 422
    assert _error(response)["fields"] == {"answers": ["At most 20 answers."]}
    spec = client.get("/api/openapi.json").get_json()
    assert spec["components"]["schemas"]["AssessmentIn"]["properties"]["answers"]["maxProperties"] == 20


def test_a_nul_in_a_form_field_is_invalid(client, admin):
    response = client.post("/api/v1/scripts/1/audio", data={"note": "a\x00b"}, headers=as_(admin))
    assert response.status_code == 422
    assert "note" in _error(response)["fields"]
