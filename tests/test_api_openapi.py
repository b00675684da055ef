"""GET /api/openapi.json: a valid OpenAPI 3 document describing every /api/v1 route."""

import re

import pytest

openapi_spec_validator = pytest.importorskip("openapi_spec_validator")


def _openapi_path(rule: str) -> str:
    """Flask's /api/v1/sessions/<int:session_id> -> OpenAPI's /api/v1/sessions/{session_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


@pytest.fixture
def spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_document_is_valid_openapi_3(spec):
    openapi_spec_validator.validate(spec)
    assert spec["openapi"].startswith("3.0")
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"]}
    error = spec["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]


def test_every_api_v1_rule_is_described_with_its_methods(app, spec):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    assert len(rules) >= 5  # sessions, session, roster, checkins, summary, ...
    for rule in rules:
        path = _openapi_path(rule.rule)
        assert path in spec["paths"], f"{rule.rule} is not in openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = spec["paths"][path].get(method.lower())
            assert operation is not None, f"{method} {rule.rule} is not described"
            statuses = set(operation["responses"])
            assert statuses & {"200", "201", "202"} and "401" in statuses, f"{method} {rule.rule}"


def test_described_paths_exist(app, spec):
    served = {_openapi_path(r.rule) for r in app.url_map.iter_rules()}
    assert set(spec["paths"]) <= served


def test_contract_fields_are_described(spec):
    schemas = spec["components"]["schemas"]
    assert {"id", "title", "starts_at"} <= set(schemas["SessionItem"]["properties"])
    assert schemas["Venue"]["properties"]["kind"]["enum"] == ["hall", "bridge_point"]
    assert {"nonce", "token", "venue_id", "scanned_at"} <= set(
        schemas["CheckinItem"]["properties"])
    assert schemas["CheckinResult"]["properties"]["outcome"]["enum"] == [
        "accepted", "duplicate", "rejected"]
    assert {"expected", "present", "late", "absent_excused", "absent_unexcused"} <= set(
        schemas["Figures"]["properties"])
