"""Dropyard: an open-source, self-hosted dropshipping fulfillment platform."""

__version__ = "0.1.0"
