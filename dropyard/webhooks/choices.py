"""Webhook vocabularies: topics (what a merchant registers), message types and delivery states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WebhookTopic(models.TextChoices):
    """A callback topic of ``webhook/set`` (contract §4); one endpoint per merchant and topic."""

    PRODUCT = "product", _("Product")
    STOCK = "stock", _("Stock")
    ORDER = "order", _("Order")
    LOGISTICS = "logistics", _("Logistics")
    MAKEUP = "makeup", _("Supplementary bills")


class WebhookType(models.TextChoices):
    """The message's ``type`` field (contract §4)."""

    ORDER = "ORDER", _("Order")
    LOGISTIC = "LOGISTIC", _("Logistic")
    PRODUCT = "PRODUCT", _("Product")
    VARIANT = "VARIANT", _("Variant")
    STOCK = "STOCK", _("Stock")
    MAKEUP = "MAKEUP", _("Supplementary bill")
    # Not in the contract (§4 lists no dispute message): ours, sent on the order topic.
    DISPUTE = "DISPUTE", _("Dispute")
    # Contract §4: a sourcing request created or ended (the topic that carries it is unclear).
    SOURCINGCREATE = "SOURCINGCREATE", _("Sourcing request")


class WebhookMessageType(models.TextChoices):
    """The message's ``messageType`` (contract §4; ORDER_CONNNECTED is CJ's spelling)."""

    INSERT = "INSERT", _("Insert")
    UPDATE = "UPDATE", _("Update")
    DELETE = "DELETE", _("Delete")
    ORDER_CONNNECTED = "ORDER_CONNNECTED", _("Order connected")
    CANCEL = "CANCEL", _("Cancel")  # MAKEUP bills (contract §4)
    PAID = "PAID", _("Paid")  # MAKEUP bills


class DeliveryStatus(models.TextChoices):
    """Where one delivery of a message stands. DELIVERED and FAILED are final."""

    # A context of their own: a delivered webhook is not a delivered parcel (已签收).
    PENDING = "PENDING", pgettext_lazy("webhook delivery", "Pending")
    DELIVERED = "DELIVERED", pgettext_lazy("webhook delivery", "Delivered")
    FAILED = "FAILED", pgettext_lazy("webhook delivery", "Failed")


class CallbackAction(models.TextChoices):
    """``webhook/set``'s per-topic ``type``: ENABLE sets the URL, CANCEL turns the topic off."""

    ENABLE = "ENABLE", _("Enable")
    CANCEL = "CANCEL", _("Cancel")


# Which topic's endpoint receives each message type.
TOPIC_FOR_TYPE: dict[str, str] = {
    WebhookType.ORDER: WebhookTopic.ORDER,
    WebhookType.LOGISTIC: WebhookTopic.LOGISTICS,
    WebhookType.PRODUCT: WebhookTopic.PRODUCT,
    WebhookType.VARIANT: WebhookTopic.PRODUCT,
    WebhookType.STOCK: WebhookTopic.STOCK,
    WebhookType.MAKEUP: WebhookTopic.MAKEUP,
    # Disputes are about orders, and the contract has no dispute topic: a merchant who
    # registered an order callback gets them there (receivers ignore types they do not know).
    WebhookType.DISPUTE: WebhookTopic.ORDER,
    # A sourcing request ends in a catalog product: the product callback carries it.
    WebhookType.SOURCINGCREATE: WebhookTopic.PRODUCT,
}

# The message type the "send test message" button uses for each topic.
TEST_TYPE_FOR_TOPIC: dict[str, str] = {
    WebhookTopic.ORDER: WebhookType.ORDER,
    WebhookTopic.LOGISTICS: WebhookType.LOGISTIC,
    WebhookTopic.PRODUCT: WebhookType.PRODUCT,
    WebhookTopic.STOCK: WebhookType.STOCK,
    WebhookTopic.MAKEUP: WebhookType.MAKEUP,
}
