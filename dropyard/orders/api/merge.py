"""Merging orders: ``shopping/mergeOrder/*``.

Decisions where the contract is open or contradicts itself (§7):

- **Merge** (``shopping/mergeOrder/*``): the contract's asynchronous tasks run synchronously:
  the call that starts a task does the work, its ``taskId`` is a signed token (ours, opaque),
  and the progress operations answer ``progress: 10000`` (100.00 %) and ``status: FINISHED``.
  ``autoMatchMergeOrderListV3`` ``orderStatus`` 100 = unconfirmed (CREATED / IN_CART), 101 =
  confirmed unpaid (UNPAID), none = both; ``filterOrder`` (optional) either a list of order
  ids to consider, or a boolean (CJ's clients send ``filterOrder: true``; the contract names
  the field without a type): ``true`` = answer only the groups that can be merged now (the
  merge preview passes: ``mergeable`` true; groups a merge would refuse, e.g. too little
  stock or no shipping line for the merged parcel, are filtered out), ``false`` or absent =
  every candidate group, refused ones with their ``reasons``. Its result
  (``autoMergeQueryResult``) is computed when read: the groups with the freight before and
  after and the saving. ``submitMergeOrderBatchV3`` merges each group of
  ``groups[].orderIds`` on its own; ``submitResult`` lists per group ``success``, ``mergeId``
  or ``code``/``message``. Our codes: 11001 taskId unknown or not the caller's; 11002 no
  groups; 11003 a group with fewer than 2 orders; 11005 more than ``MAX_MERGE_GROUPS`` groups;
  11100 a group the merge refused (per group; other groups still merge); 1603100 in a group
  with an unknown order.
"""

from typing import Any, Literal

from django.core import signing
from django.http import HttpRequest
from ninja import Router
from pydantic import StrictBool

from dropyard.accounts.models import MerchantAccount
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.errors import DomainError
from dropyard.core.money import Money

from .. import selectors, services
from ..exceptions import OrderNotFound
from .wire import ReasonOut, S, _ids, _merchant, _stores, reasons_out

router = Router(tags=["Shopping"])

MAX_MERGE_GROUPS = 100
MERGE_PROGRESS_DONE = 10000  # the contract's progress scale (≤ 10000 = 100.00 %)
# Unchanged when the API became a package: task ids handed out before stay valid.
MERGE_TASK_SALT = "dropyard.orders.api.merge-task"
MERGE_UNCONFIRMED, MERGE_CONFIRMED = 100, 101


class MergeTaskError(DomainError):
    """A merge task request the contract's merge codes (11001–11007, 11100) refuse."""


def _task_id(request: HttpRequest, kind: str, data: dict[str, Any]) -> str:
    payload = {"m": _merchant(request).pk, "k": kind, **data}
    return signing.dumps(payload, salt=MERGE_TASK_SALT, compress=True)


def _task(request: HttpRequest, task_id: str, kind: str) -> dict[str, Any]:
    try:
        payload = signing.loads((task_id or "").strip(), salt=MERGE_TASK_SALT)
    except signing.BadSignature:
        payload = None
    if not payload or payload.get("m") != _merchant(request).pk or payload.get("k") != kind:
        raise MergeTaskError("taskId not found", code=11001)
    return payload


class TaskOut(CamelSchema):
    """A task's state: always done (``progress`` 10000 = 100.00 %, ``status`` FINISHED)."""

    task_id: str
    progress: int
    status: str


class AutoMatchIn(CamelSchema):
    order_status: int | None = None
    # A JSON boolean only (StrictBool): "yes" or 2 are not silently read as true.
    filter_order: list[str] | StrictBool | None = None


@router.post("shopping/mergeOrder/autoMatchMergeOrderListV3", response=TaskOut)
def merge_auto_match(request: HttpRequest, payload: AutoMatchIn) -> dict:
    """Start finding mergeable groups (runs at once; read them with autoMergeQueryResult)."""
    if payload.order_status not in (None, MERGE_UNCONFIRMED, MERGE_CONFIRMED):
        raise ParamError("orderStatus must be 100 (unconfirmed) or 101 (confirmed, unpaid)")
    filter_order = payload.filter_order
    eligible = filter_order is True
    only = [] if isinstance(filter_order, bool) else _ids(filter_order)
    task = {"s": payload.order_status, "o": only, "e": eligible}
    task_id = _task_id(request, "match", task)
    return {"taskId": task_id, "progress": MERGE_PROGRESS_DONE, "status": "FINISHED"}


class TaskIn(CamelSchema):
    task_id: str


@router.post("shopping/mergeOrder/autoMergeQueryProgress", response=TaskOut)
def merge_auto_progress(request: HttpRequest, payload: TaskIn) -> dict:
    _task(request, payload.task_id, "match")
    return {"taskId": payload.task_id, "progress": MERGE_PROGRESS_DONE, "status": "FINISHED"}


class MergeGroupOut(CamelSchema):
    """A group of orders to one door (``_group_out``); amounts decimal strings, ``postageAfter``
    null when the merge would be refused (``mergeable`` false, ``reasons`` say why)."""

    group_id: str
    order_ids: list[str]
    order_count: int
    order_status: int
    shipping_customer_name: str
    shipping_country_code: str
    mergeable: bool
    postage_before: str
    postage_after: str | None
    saved_amount: str
    reasons: list[ReasonOut]


class MergeResultOut(CamelSchema):
    task_id: str
    total: int
    groups: list[MergeGroupOut]


def _group_out(group: services.MergeGroup, merchant: MerchantAccount) -> dict[str, Any]:
    preview = services.merge_preview(merchant=merchant, orders=group.orders)
    money = lambda minor: Money(int(minor), preview.currency).wire()  # noqa: E731
    return {
        "groupId": group.address_key[:16],
        "orderIds": [o.public_id for o in group.orders],
        "orderCount": len(group.orders),
        "orderStatus": MERGE_CONFIRMED if group.orders[0].status == S.UNPAID else MERGE_UNCONFIRMED,
        "shippingCustomerName": group.orders[0].shipping_customer_name,
        "shippingCountryCode": group.orders[0].shipping_country_code,
        "mergeable": preview.ok,
        "postageBefore": money(preview.postage_before_minor),
        "postageAfter": money(preview.postage_after_minor) if preview.ok else None,
        "savedAmount": money(preview.saved_minor),
        "reasons": reasons_out(preview.reasons),
    }


@router.post("shopping/mergeOrder/autoMergeQueryResult", response=MergeResultOut)
def merge_auto_result(request: HttpRequest, payload: TaskIn) -> dict:
    """The mergeable groups (same recipient and address), with the freight each merge saves."""
    task = _task(request, payload.task_id, "match")
    merchant = _merchant(request)
    only = set(task.get("o") or ())
    groups = []
    for group in services.merge_candidates(merchant=merchant):
        if only:
            members = [o for o in group.orders if {o.public_id, o.order_number, o.code} & only]
            if len(members) < 2:
                continue
            group = services.MergeGroup(address_key=group.address_key, orders=members)
        confirmed = group.orders[0].status == S.UNPAID
        wanted = task.get("s")
        if wanted is not None and confirmed != (wanted == MERGE_CONFIRMED):
            continue
        out = _group_out(group, merchant)
        if task.get("e") and not out["mergeable"]:
            continue  # filterOrder: true answers only the groups that can be merged
        groups.append(out)
    return {"taskId": payload.task_id, "total": len(groups), "groups": groups}


class MergeGroupIn(CamelSchema):
    order_ids: list[str]


class SubmitMergeIn(CamelSchema):
    groups: list[MergeGroupIn]


class MergedGroupOut(CamelSchema):
    """A group merged (``_merge_one``): the merge's id and the freight before and after."""

    group_index: int
    order_ids: list[str]
    success: Literal[True]
    merge_id: str
    postage_before: str
    postage_after: str


class RefusedGroupOut(CamelSchema):
    """A group not merged: the contract's code (11003, 11100, 1603100) and why."""

    group_index: int
    order_ids: list[str]
    success: Literal[False]
    code: int
    message: str


class SubmitResultOut(CamelSchema):
    task_id: str
    success_count: int
    fail_count: int
    # Each result has only its own form's keys, as ``_merge_one`` builds it.
    results: list[MergedGroupOut | RefusedGroupOut]


def _merge_one(request: HttpRequest, index: int, ids: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"groupIndex": index, "orderIds": ids}
    if len(ids) < 2:
        return {**out, "success": False, "code": 11003, "message": "a group needs 2 orders"}
    merchant = _merchant(request)
    found, missing = selectors.orders_get_many(
        merchant=merchant, keys=ids, store_ids=_stores(request)
    )
    if missing:
        message = f"order not found: {', '.join(missing)}"
        return {**out, "success": False, "code": OrderNotFound.default_code, "message": message}
    try:
        merge = services.orders_merge(merchant=merchant, orders=found, actor=None)
    except OrderNotFound as exc:
        return {**out, "success": False, "code": exc.code, "message": exc.message}
    except DomainError as exc:
        return {**out, "success": False, "code": 11100, "message": exc.message}
    return {
        **out,
        "orderIds": [o.public_id for o in found],
        "success": True,
        "mergeId": merge.public_id,
        "postageBefore": Money(merge.postage_before_minor, merge.currency).wire(),
        "postageAfter": Money(merge.postage_after_minor, merge.currency).wire(),
    }


@router.post("shopping/mergeOrder/submitMergeOrderBatchV3", response=TaskOut)
def merge_submit(request: HttpRequest, payload: SubmitMergeIn) -> dict:
    """Merge each group of orders on its own (runs at once; see submitResult)."""
    if not payload.groups:
        raise MergeTaskError("groups is empty", code=11002)
    if len(payload.groups) > MAX_MERGE_GROUPS:
        raise MergeTaskError(f"at most {MAX_MERGE_GROUPS} groups per batch", code=11005)
    results = [
        _merge_one(request, index, _ids(group.order_ids))
        for index, group in enumerate(payload.groups)
    ]
    task_id = _task_id(request, "submit", {"r": results})
    return {"taskId": task_id, "progress": MERGE_PROGRESS_DONE, "status": "FINISHED"}


@router.post("shopping/mergeOrder/submitProgress", response=TaskOut)
def merge_submit_progress(request: HttpRequest, payload: TaskIn) -> dict:
    _task(request, payload.task_id, "submit")
    return {"taskId": payload.task_id, "progress": MERGE_PROGRESS_DONE, "status": "FINISHED"}


@router.post("shopping/mergeOrder/submitResult", response=SubmitResultOut)
def merge_submit_result(request: HttpRequest, payload: TaskIn) -> dict:
    task = _task(request, payload.task_id, "submit")
    results = task.get("r") or []
    ok = sum(1 for r in results if r.get("success"))
    return {
        "taskId": payload.task_id,
        "successCount": ok,
        "failCount": len(results) - ok,
        "results": results,
    }
