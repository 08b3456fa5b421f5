"""The one outbound HTTP client factory for payment providers (httpx, always with timeouts).

Both adapters build their clients here, so tests swap only the transport (an
``httpx.MockTransport`` standing in for Stripe's or PayPal's servers) and every line of our
adapter code still runs.
"""

import httpx

TIMEOUT = httpx.Timeout(20.0, connect=5.0)

# Tests set this to an httpx.MockTransport (see the ``provider_http`` fixture); None = network.
TRANSPORT: httpx.BaseTransport | None = None


def provider_client(*, base_url: str = "") -> httpx.Client:
    """An httpx client for a provider API, with our timeouts (and the test transport if set)."""
    return httpx.Client(base_url=base_url, timeout=TIMEOUT, transport=TRANSPORT)
