"""After-sales returns routes for the route-permission matrix (see route_access)."""

from typing import Any

EXPECTED_ACCESS: dict[str, Any] = {}
OBJECT_ROUTES: dict[str, Any] = {}
