"""Background work of the checkout (run by ``dropyard worker``): capturing approved PayPal
orders, whose capture may pay orders."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from dropyard.wallet.providers.base import ProviderError, ProviderNotConfigured

from . import provider_events

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 60


@task()
def paypal_order_capture(*, order_id: str, attempt: int = 1) -> str:
    """Capture an approved PayPal order and credit it (safe to run twice: PayPal captures once).

    Network trouble and PayPal 5xx/429 answers are retried with a doubling delay up to
    ``MAX_ATTEMPTS``; a refusal (a 4xx such as an unapproved order) ends the task.
    """
    try:
        event = provider_events.paypal_order_capture(order_id=order_id)
    except ProviderNotConfigured:
        return "paypal not configured"
    except ProviderError as exc:
        status = exc.extra.get("status")
        retryable = status is None or status >= 500 or status == 429
        if retryable and attempt < MAX_ATTEMPTS:
            delay = timedelta(seconds=BACKOFF_SECONDS * 2 ** (attempt - 1))
            paypal_order_capture.using(run_after=timezone.now() + delay).enqueue(
                order_id=order_id, attempt=attempt + 1
            )
            return f"retry {attempt + 1}: {exc.message}"
        return f"failed: {exc.message}"
    if event is None:
        return "no capture yet"
    return "processed" if event.processed_at else f"error: {event.error}"
