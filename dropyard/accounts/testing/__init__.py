"""Test helpers that need accounts' users: the operator back-office permission matrices."""

import pytest

# The shared check helpers assert; let pytest rewrite them so failures show the compared values.
pytest.register_assert_rewrite("dropyard.accounts.testing.views")
