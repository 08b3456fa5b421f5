"""shopping/mergeOrder/* through the full stack (synchronous tasks, §2.4)."""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.orders.models import Order, OrderMerge
from dropyard.orders.tests.api_fixtures import authed, other_cj, world  # noqa: F401
from dropyard.orders.tests.test_api import CREATE, body

pytestmark = pytest.mark.django_db

MATCH = "shopping/mergeOrder/autoMatchMergeOrderListV3"
MATCH_PROGRESS = "shopping/mergeOrder/autoMergeQueryProgress"
MATCH_RESULT = "shopping/mergeOrder/autoMergeQueryResult"
SUBMIT = "shopping/mergeOrder/submitMergeOrderBatchV3"
SUBMIT_PROGRESS = "shopping/mergeOrder/submitProgress"
SUBMIT_RESULT = "shopping/mergeOrder/submitResult"


def create(authed, world, number, **overrides):
    return authed.post(CREATE, body(world, number, **overrides)).ok()["orderId"]


def test_match_finds_orders_to_the_same_door_with_the_freight_saved(authed, world):
    first, second = create(authed, world, "M-1"), create(authed, world, "M-2")
    create(authed, world, "M-3", shippingAddress="9 Other Road")

    started = authed.post(MATCH, {"orderStatus": 100}).ok()
    progress = authed.post(MATCH_PROGRESS, {"taskId": started["taskId"]}).ok()
    result = authed.post(MATCH_RESULT, {"taskId": started["taskId"]}).ok()

    assert (started["progress"], started["status"]) == (10000, "FINISHED")
    assert progress == {"taskId": started["taskId"], "progress": 10000, "status": "FINISHED"}
    assert result["total"] == 1
    [group] = result["groups"]
    assert group["orderIds"] == [first, second]
    assert group["orderCount"] == 2
    assert group["orderStatus"] == 100
    assert group["mergeable"] is True
    # Two parcels of 500 g at $5.00 each, or one of 1 kg: $5.00 + $1.50.
    assert (group["postageBefore"], group["postageAfter"], group["savedAmount"]) == (
        "10.00",
        "6.50",
        "3.50",
    )
    assert OrderMerge.objects.count() == 0  # matching changes nothing


def test_match_filters_by_status_and_ids(authed, world):
    create(authed, world, "M-1")
    create(authed, world, "M-2")
    third = create(authed, world, "M-3")

    confirmed = authed.post(MATCH, {"orderStatus": 101}).ok()["taskId"]
    only = authed.post(MATCH, {"filterOrder": [third, "M-1"]}).ok()["taskId"]

    assert authed.post(MATCH_RESULT, {"taskId": confirmed}).ok()["groups"] == []
    [group] = authed.post(MATCH_RESULT, {"taskId": only}).ok()["groups"]
    assert group["orderCount"] == 2
    assert third in group["orderIds"]
    authed.post(MATCH, {"orderStatus": 102}).error(1600300)


def test_submit_merges_each_group(authed, world):
    first, second = create(authed, world, "M-1"), create(authed, world, "M-2")

    started = authed.post(SUBMIT, {"groups": [{"orderIds": [first, second]}]}).ok()
    progress = authed.post(SUBMIT_PROGRESS, {"taskId": started["taskId"]}).ok()
    result = authed.post(SUBMIT_RESULT, {"taskId": started["taskId"]}).ok()

    merge = OrderMerge.objects.get()
    assert progress["progress"] == 10000
    assert result == {
        "taskId": started["taskId"],
        "successCount": 1,
        "failCount": 0,
        "results": [
            {
                "groupIndex": 0,
                "orderIds": [first, second],
                "success": True,
                "mergeId": merge.public_id,
                "postageBefore": "10.00",
                "postageAfter": "6.50",
            }
        ],
    }
    assert set(Order.objects.values_list("merge_id", flat=True)) == {merge.pk}


def test_submit_reports_refused_groups_and_merges_the_others(authed, other_cj, world):
    first, second = create(authed, world, "M-1"), create(authed, world, "M-2")
    elsewhere = create(authed, world, "M-3", shippingAddress="9 Other Road")
    theirs = other_cj.post(CREATE, body(world, "T-1")).ok()["orderId"]

    started = authed.post(
        SUBMIT,
        {
            "groups": [
                {"orderIds": [first]},
                {"orderIds": [second, theirs]},
                {"orderIds": [second, elsewhere]},
                {"orderIds": [first, second]},
            ]
        },
    ).ok()
    result = authed.post(SUBMIT_RESULT, {"taskId": started["taskId"]}).ok()

    codes = [(r["success"], r.get("code")) for r in result["results"]]
    assert codes == [(False, 11003), (False, 1603100), (False, 11100), (True, None)]
    assert (result["successCount"], result["failCount"]) == (1, 3)
    assert Order.objects.get(public_id=elsewhere).merge_id is None
    assert Order.objects.get(public_id=theirs).merge_id is None


def test_submit_input_errors(authed):
    assert authed.post(SUBMIT, {"groups": []}).error(11002) == "groups is empty"
    authed.post(SUBMIT, {"groups": [{"orderIds": ["a", "b"]}] * 101}).error(11005)
    authed.post(SUBMIT, {}).error(1600300)
    assert OrderMerge.objects.count() == 0


def test_task_ids_are_the_callers_and_of_their_kind(authed, other_cj, world):
    create(authed, world, "M-1")
    match_task = authed.post(MATCH, {}).ok()["taskId"]

    other_cj.post(MATCH_RESULT, {"taskId": match_task}).error(11001)
    authed.post(SUBMIT_RESULT, {"taskId": match_task}).error(11001)
    authed.post(MATCH_PROGRESS, {"taskId": "forged"}).error(11001)
    authed.post(SUBMIT_PROGRESS, {"taskId": match_task[:-2]}).error(11001)
