"""Supplier portal models."""
