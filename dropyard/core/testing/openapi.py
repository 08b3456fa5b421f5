"""The served ``openapi.json`` as tests read it: which operations still leave their success
``data`` undocumented, and whether a real answer matches what its operation documents.

    document = openapi_document()
    undocumented_operations(document)  # [("POST", "shopping/order/list"), …]
    assert answer_problems(document, "POST", "shopping/order/addCart", response.body) == []

Paths are relative to ``/api2.0/v1/`` as ``CJClient`` takes them. The check validates the whole
body (envelope and ``data``) against the operation's *success* body only (the first ``oneOf``
branch that ``core.api._documented_responses`` writes), with the document's components, so a
refusal or a wrong ``data`` fails it. The validator is ``jsonschema_rs`` (JSON Schema 2020-12,
the dialect of OpenAPI 3.1), which schemathesis brings.

Run as a script to list the undocumented operations and their count::

    DJANGO_SETTINGS_MODULE=dropyard.config.settings_test \
        .venv/bin/python -m dropyard.core.testing.openapi
"""

from typing import Any

import jsonschema_rs
from django.test import Client

API_PREFIX = "/api2.0/v1/"
DOCUMENT_URL = f"{API_PREFIX}openapi.json"


def openapi_document(client: Client | None = None) -> dict[str, Any]:
    """The document the API serves (public; it reads no database)."""
    return (client or Client()).get(DOCUMENT_URL).json()


def _operations(document: dict[str, Any]):
    for full_path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), full_path.removeprefix(API_PREFIX), operation


def success_schema(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The success body ``method path`` documents (normal or legacy envelope)."""
    operation = document["paths"][API_PREFIX + path][method.lower()]
    return operation["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"][0]


def undocumented_operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    """Every ``(METHOD, path)`` whose success ``data`` is any value (an empty schema)."""
    return [
        (method, path)
        for method, path, operation in _operations(document)
        if not success_schema(document, method, path)["properties"]["data"]
    ]


def answer_problems(document: dict[str, Any], method: str, path: str, body: Any) -> list[str]:
    """Why ``body`` (a whole answer) is not the success body ``method path`` documents: one
    line per violation, naming where in the body it is; ``[]`` when it matches."""
    schema = {**success_schema(document, method, path), "components": document["components"]}
    validator = jsonschema_rs.Draft202012Validator(schema)
    return [
        f"{'/'.join(str(p) for p in error.instance_path) or '(body)'}: {error.message}"
        for error in validator.iter_errors(body)
    ]


if __name__ == "__main__":
    import django

    django.setup()
    found = undocumented_operations(openapi_document())
    for method, path in found:
        print(method, path)  # noqa: T201 (a script's output)
    print(len(found), "operations answer undocumented data")  # noqa: T201
