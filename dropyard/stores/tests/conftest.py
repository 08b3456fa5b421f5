"""Fixtures of the stores tests: the fake Shopify (``fake``) on its simulated ``clock``."""

from dropyard.stores.tests.shopify_world import clock, fake

__all__ = ["clock", "fake"]
