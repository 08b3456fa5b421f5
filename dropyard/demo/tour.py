"""The main pages of each demo role: what the screenshot tour (``scripts/screenshot_tour.py``)
photographs and what the accessibility browser tests check, so both walk the same pages."""

from dataclasses import dataclass

# The demo's published password and logins (``demo.loader``); repeated here so the tour script
# runs without setting Django up, and tested to agree with the loader.
PASSWORD = "dropyard-demo"


@dataclass(frozen=True)
class Stop:
    """One page of the tour: a slug for the file name, a title, and how to reach it."""

    slug: str
    title: str
    path: str  # a path, or "first:<path>|<regex>" to open the first link on path matching regex


@dataclass(frozen=True)
class Role:
    """A demo login and the pages it works on."""

    slug: str
    title: str
    email: str
    stops: tuple[Stop, ...]


ROLES: tuple[Role, ...] = (
    Role(
        "merchant",
        "Merchant (owner)",
        "owner@demodropship.example",
        (
            Stop("home", "Dashboard", "/home/"),
            Stop("catalog", "Catalog", "/catalog/"),
            Stop("orders", "Orders", "/orders/"),
            Stop("order", "An order", r"first:/orders/|^/orders/\d+/$"),
            Stop("new-order", "New order", "/orders/new/"),
            Stop("stores", "Stores", "/stores/"),
            Stop("wallet", "Wallet", "/wallet/"),
            Stop("after-sales", "AS service center", "/after-sales/?tab=all"),
            Stop(
                "dispute",
                "A dispute",
                r"first:/after-sales/?tab=all|^/after-sales/disputes/[^/]+/$",
            ),
            Stop("tickets", "Tickets", "/after-sales/tickets/"),
        ),
    ),
    Role(
        "admin",
        "Operator: admin",
        "admin@dropyard.example",
        (
            Stop("home", "Back office", "/ops/"),
            Stop("orders", "Orders across merchants", "/ops/orders/"),
            Stop("merchants", "Merchants", "/ops/accounts/merchants/"),
            Stop("jobs", "Jobs", "/system/ops/jobs/"),
        ),
    ),
    Role(
        "warehouse",
        "Operator: warehouse",
        "warehouse@dropyard.example",
        (
            Stop("home", "Back office", "/ops/"),
            Stop("work", "Warehouse work", "/ops/fulfillment/"),
        ),
    ),
    Role(
        "finance",
        "Operator: finance",
        "finance@dropyard.example",
        (
            Stop("home", "Back office", "/ops/"),
            Stop("finance", "Finance", "/ops/wallet/"),
        ),
    ),
    Role(
        "agent",
        "Operator: agent",
        "agent@dropyard.example",
        (
            Stop("home", "Back office", "/ops/"),
            Stop("messages", "Messages", "/messages/ops/"),
        ),
    ),
    Role(
        "support",
        "Operator: support",
        "support@dropyard.example",
        (
            Stop("home", "Back office", "/ops/"),
            Stop("orders", "Orders across merchants", "/ops/orders/"),
            Stop("trackings", "Trackings", "/ops/logistics/trackings/"),
            Stop("disputes", "Dispute desk", "/ops/after-sales/disputes/"),
            Stop(
                "dispute",
                "A dispute",
                r"first:/ops/after-sales/disputes/|^/ops/after-sales/disputes/[^/]+/$",
            ),
            Stop("tickets", "Ticket desk", "/ops/after-sales/tickets/?queue=mine"),
            Stop(
                "ticket",
                "A ticket",
                r"first:/ops/after-sales/tickets/?queue=mine|^/ops/after-sales/tickets/[^/]+/$",
            ),
        ),
    ),
)
