"""The one NinjaAPI, served under /api2.0/v1/ (CJ API 2.0 compatible). Built in core/api.py."""

from dropyard.core.api import build_api

api = build_api()
