"""Shopify's published Admin GraphQL schema, as graphql-core's ``GraphQLSchema``.

The schema ships in npm ``@shopify/dev-mcp`` (pinned in ``peers/shopify-schema``, installed by
``./run test``): ``data/admin_schema_<version>.json.gz``, an introspection result. Its version
is the one ``DROPYARD_SHOPIFY_API_VERSION`` pins. Tests that need it skip when it is not
installed, except with ``CI=true`` where its absence fails them.
"""

import gzip
import json
import os
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from graphql import GraphQLSchema, build_client_schema

PACKAGE = (
    Path(__file__).resolve().parents[3] / "peers/shopify-schema/node_modules/@shopify/dev-mcp/data"
)


def schema_path() -> Path:
    return PACKAGE / f"admin_schema_{settings.DROPYARD_SHOPIFY_API_VERSION}.json.gz"


@cache
def _load(path: Path) -> GraphQLSchema:
    with gzip.open(path) as handle:
        return build_client_schema(json.load(handle)["data"])


def admin_schema() -> GraphQLSchema:
    """The schema; skips the calling test when it is not installed (fails it under CI)."""
    path = schema_path()
    if not path.exists():
        message = f"Shopify's schema is not installed ({path}): cd peers/shopify-schema && npm ci"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return _load(path)
