"""Test helpers (conformance API client, task settings). The permission-matrix helpers need
users, so they live in ``dropyard.accounts.testing``."""
