"""Test helpers (conformance API client, view-permission checks, task settings)."""

import pytest

# The shared check helpers assert; let pytest rewrite them so failures show the compared values.
pytest.register_assert_rewrite("dropyard.core.testing.views")
