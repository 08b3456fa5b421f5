"""Webhook vocabularies: topics (what a merchant registers), message types and delivery states."""

from django.db import models


class WebhookTopic(models.TextChoices):
    """A callback topic of ``webhook/set`` (contract §4); one endpoint per merchant and topic."""

    PRODUCT = "product", "Product"
    STOCK = "stock", "Stock"
    ORDER = "order", "Order"
    LOGISTICS = "logistics", "Logistics"
    MAKEUP = "makeup", "Supplementary bills"


class WebhookType(models.TextChoices):
    """The message's ``type`` field (contract §4)."""

    ORDER = "ORDER", "Order"
    LOGISTIC = "LOGISTIC", "Logistic"
    PRODUCT = "PRODUCT", "Product"
    VARIANT = "VARIANT", "Variant"
    STOCK = "STOCK", "Stock"
    MAKEUP = "MAKEUP", "Supplementary bill"


class WebhookMessageType(models.TextChoices):
    """The message's ``messageType`` (contract §4; ORDER_CONNNECTED is CJ's spelling)."""

    INSERT = "INSERT", "Insert"
    UPDATE = "UPDATE", "Update"
    DELETE = "DELETE", "Delete"
    ORDER_CONNNECTED = "ORDER_CONNNECTED", "Order connected"
    CANCEL = "CANCEL", "Cancel"  # MAKEUP bills (contract §4)
    PAID = "PAID", "Paid"  # MAKEUP bills


class DeliveryStatus(models.TextChoices):
    """Where one delivery of a message stands. DELIVERED and FAILED are final."""

    PENDING = "PENDING", "Pending"
    DELIVERED = "DELIVERED", "Delivered"
    FAILED = "FAILED", "Failed"


class CallbackAction(models.TextChoices):
    """``webhook/set``'s per-topic ``type``: ENABLE sets the URL, CANCEL turns the topic off."""

    ENABLE = "ENABLE", "Enable"
    CANCEL = "CANCEL", "Cancel"


# Which topic's endpoint receives each message type.
TOPIC_FOR_TYPE: dict[str, str] = {
    WebhookType.ORDER: WebhookTopic.ORDER,
    WebhookType.LOGISTIC: WebhookTopic.LOGISTICS,
    WebhookType.PRODUCT: WebhookTopic.PRODUCT,
    WebhookType.VARIANT: WebhookTopic.PRODUCT,
    WebhookType.STOCK: WebhookTopic.STOCK,
    WebhookType.MAKEUP: WebhookTopic.MAKEUP,
}

# The message type the "send test message" button uses for each topic.
TEST_TYPE_FOR_TOPIC: dict[str, str] = {
    WebhookTopic.ORDER: WebhookType.ORDER,
    WebhookTopic.LOGISTICS: WebhookType.LOGISTIC,
    WebhookTopic.PRODUCT: WebhookType.PRODUCT,
    WebhookTopic.STOCK: WebhookType.STOCK,
    WebhookTopic.MAKEUP: WebhookType.MAKEUP,
}
