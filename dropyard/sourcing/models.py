"""Messages between a merchant account and its personal agent."""

from django.conf import settings
from django.db import models

from dropyard.core.models import TimeStampedModel


class AgentMessage(TimeStampedModel):
    """One message in a merchant's thread with its personal agent.

    Invariants: the thread is the merchant (both sides read the same rows); ``from_agent`` is True
    when operator staff wrote it; messages are never edited. ``read_at`` is set when the other
    side first opens the thread.
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="agent_messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_agent = models.BooleanField(default=False)
    body = models.TextField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["merchant", "created_at"])]

    def __str__(self) -> str:
        return f"{self.sender} → {self.merchant}: {self.body[:40]}"
