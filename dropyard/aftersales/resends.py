"""Resend outcome: a zero-price resend order for a dispute's lines (built by a helper)."""

from typing import Any

from dropyard.orders.models import Order


def dispute_resend(*, dispute: Any, actor: Any) -> Order:
    raise NotImplementedError("resend orders are being built")
