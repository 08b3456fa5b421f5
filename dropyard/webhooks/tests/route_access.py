"""Webhook routes for the route-permission matrix (dropyard/core/tests/test_route_matrix.py)."""

from typing import Any

from dropyard.core.access import Access
from dropyard.webhooks import services
from dropyard.webhooks.services import CallbackSetting

DEVELOPER = Access("merchant", area="developer")
ADMIN = Access("operator", roles=frozenset({"admin"}))

EXPECTED_ACCESS = {
    "webhooks:settings": DEVELOPER,
    "webhooks:endpoint_set": DEVELOPER,
    "webhooks:endpoint_resume": DEVELOPER,
    "webhooks:endpoint_test": DEVELOPER,
    "webhooks:message_list": DEVELOPER,
    "webhooks:message_detail": DEVELOPER,
    "webhooks:message_replay": DEVELOPER,
    "webhooks_ops:failed_deliveries": ADMIN,
}

OBJECT_ROUTES = {
    "webhooks:message_detail": lambda w: {"pk": w.objects["webhook_message"].pk},
    "webhooks:message_replay": lambda w: {"pk": w.objects["webhook_message"].pk},
}


def build_objects(world) -> dict[str, Any]:
    """A message of merchant A on its order topic."""
    merchant = world.merchant_a
    services.webhook_set(
        merchant=merchant,
        actor=world.owner_a,
        settings_by_topic=[
            CallbackSetting(topic="order", action="ENABLE", urls=("https://hooks.example.com/a",))
        ],
    )
    message = services.webhook_publish(
        merchant=merchant, type="ORDER", message_type="UPDATE", params={"orderId": "1"}
    )
    return {"webhook_message": message}
