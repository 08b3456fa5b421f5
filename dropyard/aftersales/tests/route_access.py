"""After-sales routes for the route-permission matrix (core/tests/test_route_matrix.py).

Each area declares its rows in its own module (``route_access_<area>``); this one has the
signed file links, which are their own permission (``aftersales.links``)."""

from dropyard.core.access import Access

EXPECTED_ACCESS = {"aftersales_files:file": Access("public")}
OBJECT_ROUTES = {"aftersales_files:file": lambda w: {"token": "not-a-real-token"}}
