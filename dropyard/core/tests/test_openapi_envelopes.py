"""openapi.json describes the answers the API really sends: both envelopes on every operation,
the legacy ``{success, code: 0}`` body where an operation uses it, and the 500 answer."""

import pytest
from django.test import Client

LEGACY_OPERATIONS = {
    ("get", "/api2.0/v1/product/productComments"),
    ("get", "/api2.0/v1/product/globalWarehouseList"),
    ("get", "/api2.0/v1/shop/getShops"),
}
ERROR = {"$ref": "#/components/schemas/ErrorEnvelope"}


@pytest.fixture(scope="module")
def document():
    """The served document, fetched once (it reads no database)."""
    return Client().get("/api2.0/v1/openapi.json").json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_every_operation_documents_success_error_and_server_fault(document):
    shapes = {}
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        success, error = responses["200"]["content"]["application/json"]["schema"]["oneOf"]
        shapes[(method, path)] = (
            tuple(sorted(responses)),
            success["title"],
            error == ERROR,
            responses["500"]["content"]["application/json"]["schema"] == ERROR,
        )
    assert len(shapes) >= 60
    legacy = {key for key, shape in shapes.items() if shape[1] == "LegacySuccess"}
    assert legacy == LEGACY_OPERATIONS
    assert {(shape[0], shape[2], shape[3]) for shape in shapes.values()} == {
        (("200", "500"), True, True)
    }


def test_success_envelope_requires_result_true_and_code_200(document):
    operation = document["paths"]["/api2.0/v1/setting/get"]["get"]
    success, _ = operation["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]

    assert success["required"] == ["code", "result", "message", "data", "requestId"]
    assert success["properties"]["code"] == {"type": "integer", "enum": [200]}
    assert success["properties"]["result"] == {"type": "boolean", "enum": [True]}
    assert success["properties"]["data"] == {"$ref": "#/components/schemas/SettingsOut"}


def test_legacy_envelope_has_no_result_and_code_0(document):
    operation = document["paths"]["/api2.0/v1/product/globalWarehouseList"]["get"]
    legacy, _ = operation["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]

    assert legacy["required"] == ["success", "code", "message", "data", "requestId"]
    assert legacy["properties"]["success"] == {"type": "boolean", "enum": [True]}
    assert legacy["properties"]["code"] == {"type": "integer", "enum": [0]}
    assert "result" not in legacy["properties"]
    assert "x-dropyard-envelope" not in operation


def test_error_envelope_has_null_data_and_result_false(document):
    schema = document["components"]["schemas"]["ErrorEnvelope"]

    assert schema["required"] == ["code", "result", "message", "data", "requestId"]
    assert schema["properties"]["data"] == {"type": "null"}
    assert schema["properties"]["result"] == {"type": "boolean", "enum": [False]}
    assert schema["properties"]["code"] == {"type": "integer", "not": {"enum": [200]}}


def test_integer_parameters_document_the_range_the_boundary_holds_them_to(document):
    parameters = {
        prm["name"]: prm["schema"]
        for prm in document["paths"]["/api2.0/v1/product/productComments"]["get"]["parameters"]
    }

    assert (parameters["pageNum"]["minimum"], parameters["pageNum"]["maximum"]) == (
        -(2**31),
        2**31 - 1,
    )
    assert parameters["score"]["anyOf"][0] == {
        "type": "integer",
        "minimum": -(2**31),
        "maximum": 2**31 - 1,
    }
