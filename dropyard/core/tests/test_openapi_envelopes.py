"""openapi.json describes the answers the API really sends: both envelopes on every operation,
the legacy ``{success, code: 0}`` body where an operation uses it, and the 500 answer."""

from typing import get_args

import pydantic
import pytest
from django.test import Client

from dropyard.config.api import api
from dropyard.core.api import api_operations
from dropyard.core.testing.openapi import undocumented_operations

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
    areas = {"$ref": "#/components/schemas/WarehouseAreaOut"}
    assert legacy["properties"]["data"]["items"] == areas
    assert "areaId" in document["components"]["schemas"]["WarehouseAreaOut"]["properties"]
    assert [key for key in operation if key.startswith("x-dropyard")] == []


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


def test_every_operation_documents_its_success_data(document):
    # A new operation needs ``response=`` (or, in the legacy body, ``legacy_envelope_openapi``).
    assert undocumented_operations(document) == []


def _schema_classes(annotation, found):
    """Every pydantic model reachable from ``annotation`` (fields, lists, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _schema_classes(field.annotation, found)
        return
    for arg in get_args(annotation):
        _schema_classes(arg, found)


def test_schema_names_are_unique_so_no_component_hides_another():
    # openapi.json keys components by class name: two schemas of one name would document one
    # operation's body or answer with the other's fields.
    found: set[type] = set()
    for _method, _path, operation in api_operations(api):
        for model in [*operation.models, *operation.response_models.values()]:
            _schema_classes(model, found)
    names = [cls.__name__ for cls in found if cls.__module__.startswith("dropyard.")]

    assert sorted(n for n in set(names) if names.count(n) > 1) == []
