"""Order services: every write to orders goes through here, one module per sub-domain.

- ``lifecycle``: ``order_transition``, the one function that changes ``Order.status`` (with its
  ``OrderEvent`` row), ``order_note``, and the order row lock;
- ``creation``: ``order_create``, ``orders_create_batch`` (CSV import, benchmark),
  ``order_create_v2`` (creation plus the contract's payType flow); ``validation`` checks the
  items first;
- ``plan``: routing and pricing (``order_route`` / ``order_reroute``) over the pure
  ``orders.routing``;
- ``cart``: ``cart_add``, ``cart_confirm``, ``order_confirm``;
- ``payment``: ``parent_order_generate``, ``order_paid`` (THE "order paid" service),
  ``order_settle_free`` (a zero-total resend to the warehouse through it, no money),
  ``sandbox_pay``;
- ``changes``: ``order_cancel``, ``order_delete``, and before payment
  ``order_update_logistics``, ``order_change_warehouse``, ``order_update_address``;
- ``operator``: back-office ``order_hold`` / ``order_release`` (the ``on_hold`` flag the
  warehouse respects) and ``order_internal_note_add`` (operator-only notes);
- ``replan``: an operator's change of warehouse and / or shipping line, also after payment
  until picking starts (``order_replan_options``, ``order_replan``; the money of a paid
  order is ``checkout.replan``'s);
- ``parcel_sync``: ``order_sync_from_parcels`` (warehouse feedback);
- ``merge``: ``merge_candidates``, ``merge_preview``, ``orders_merge``, ``merge_undo``;
- ``reservations``: the stock reserved for an order's parcels (invariant in its docstring);
- ``sandbox``: who may use sandbox money;
- ``upcalls``: the ORDER webhook message (``webhooks``).

Webhooks: ORDER messages are published by the lifecycle services (on commit), not by
``order_transition``, which stays a pure record of the change.

The operations are re-exported here so that callers can use ``orders.services.<name>``;
helpers and constants are imported from their module.
"""

from .cart import CartResult, Intercept, cart_add, cart_confirm, order_confirm
from .changes import (
    order_cancel,
    order_change_warehouse,
    order_delete,
    order_update_address,
    order_update_logistics,
)
from .creation import (
    BatchItemResult,
    OrderCreateResult,
    order_create,
    order_create_v2,
    orders_create_batch,
)
from .lifecycle import order_note, order_transition
from .merge import (
    MergeGroup,
    MergePreview,
    merge_candidates,
    merge_preview,
    merge_undo,
    orders_merge,
)
from .operator import order_hold, order_internal_note_add, order_release
from .parcel_sync import order_sync_from_parcels
from .payment import (
    order_paid,
    order_settle_free,
    parent_order_generate,
    parent_order_pay_url,
    sandbox_pay,
)
from .plan import order_reroute, order_route
from .replan import order_replan, order_replan_options
from .sandbox import SandboxRefused, sandbox_allowed, sandbox_check, sandbox_trusted

__all__ = [
    "BatchItemResult",
    "CartResult",
    "Intercept",
    "MergeGroup",
    "MergePreview",
    "OrderCreateResult",
    "SandboxRefused",
    "cart_add",
    "cart_confirm",
    "merge_candidates",
    "merge_preview",
    "merge_undo",
    "order_cancel",
    "order_change_warehouse",
    "order_confirm",
    "order_create",
    "order_create_v2",
    "order_delete",
    "order_hold",
    "order_internal_note_add",
    "order_note",
    "order_paid",
    "order_release",
    "order_replan",
    "order_replan_options",
    "order_reroute",
    "order_route",
    "order_settle_free",
    "order_sync_from_parcels",
    "order_transition",
    "order_update_address",
    "order_update_logistics",
    "orders_create_batch",
    "orders_merge",
    "parent_order_generate",
    "parent_order_pay_url",
    "sandbox_allowed",
    "sandbox_check",
    "sandbox_pay",
    "sandbox_trusted",
]
