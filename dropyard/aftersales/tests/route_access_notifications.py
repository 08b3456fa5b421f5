"""Notification routes (the bell, accounts.views_notifications) for the route-permission matrix
(see route_access). Everyone logged in has notices of their own; opening another person's
answers 404 (tested in accounts/tests/test_views_notifications.py)."""

from typing import Any

from dropyard.accounts.notifications import notify
from dropyard.core.access import Access

EXPECTED_ACCESS: dict[str, Any] = {
    f"accounts:{name}": Access("login")
    for name in (
        "notifications",
        "notification_menu",
        "notifications_read_all",
        "notification_open",
    )
}
OBJECT_ROUTES: dict[str, Any] = {
    "accounts:notification_open": lambda w: {"pk": w.objects["notification"].pk},
}


def build_objects(world: Any) -> dict[str, Any]:
    (notice,) = notify(
        users=[world.owner_a], kind="matrix", title="Matrix notice", url="/", email=False
    )
    return {"notification": notice}
