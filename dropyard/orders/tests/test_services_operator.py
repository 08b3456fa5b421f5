"""Back-office order actions without money: hold / release and internal notes
(``orders.services.operator``)."""

import pytest

from dropyard.core.models import AuditEvent
from dropyard.orders import services
from dropyard.orders.exceptions import InvalidTransition, OrderInvalid
from dropyard.orders.models import Order, OrderEvent, OrderNote
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(merchant, owner):
    world = make_order_world()
    return services.order_create(merchant=merchant, actor=owner, **order_item((world.red, 1)))


def test_hold_sets_the_flag_writes_history_and_audit(order, support):
    services.order_hold(order=order, actor=support, reason="  address looks fake ")

    row = Order.objects.get(pk=order.pk)
    assert (row.on_hold, row.hold_reason, row.status) == (True, "address looks fake", "CREATED")
    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert (event.kind, event.note, event.actor) == ("held", "on hold: address looks fake", support)
    audit = AuditEvent.objects.filter(action="order.changed").latest("pk")
    assert audit.details == {"code": order.code, "what": "hold", "reason": "address looks fake"}


def test_hold_twice_and_empty_reason_are_refused_and_change_nothing(order, support):
    with pytest.raises(OrderInvalid, match="give a reason"):
        services.order_hold(order=order, actor=support, reason="   ")
    assert Order.objects.get(pk=order.pk).on_hold is False
    services.order_hold(order=order, actor=support, reason="check")
    events = OrderEvent.objects.filter(order=order).count()

    with pytest.raises(InvalidTransition, match="already on hold"):
        services.order_hold(order=order, actor=support, reason="again")

    assert OrderEvent.objects.filter(order=order).count() == events
    assert Order.objects.get(pk=order.pk).hold_reason == "check"


def test_cancelled_order_cannot_be_held(order, support, owner):
    services.order_cancel(order=order, actor=owner, reason="x")

    with pytest.raises(InvalidTransition, match="is CANCELLED: it cannot be held"):
        services.order_hold(order=order, actor=support, reason="late")

    assert Order.objects.get(pk=order.pk).on_hold is False


def test_release_clears_the_hold_and_writes_history(order, support):
    services.order_hold(order=order, actor=support, reason="check")

    services.order_release(order=order, actor=support, note="checked with the buyer")

    row = Order.objects.get(pk=order.pk)
    assert (row.on_hold, row.hold_reason) == (False, "")
    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert (event.kind, event.note) == ("released", "released: checked with the buyer")
    audit = AuditEvent.objects.filter(action="order.changed").latest("pk")
    assert audit.details["what"] == "release"
    assert audit.details["hold_reason"] == "check"


def test_release_of_an_order_not_held_is_refused(order, support):
    with pytest.raises(InvalidTransition, match="is not on hold"):
        services.order_release(order=order, actor=support)

    assert not OrderEvent.objects.filter(order=order, kind="released").exists()


def test_internal_note_is_stored_apart_from_the_history(order, agent):
    events = OrderEvent.objects.filter(order=order).count()

    note = services.order_internal_note_add(order=order, actor=agent, body=" call back Monday ")

    assert (note.body, note.author, note.order_id) == ("call back Monday", agent, order.pk)
    assert OrderEvent.objects.filter(order=order).count() == events
    assert AuditEvent.objects.filter(action="order.changed").latest("pk").details == {
        "code": order.code,
        "what": "note",
        "note": note.pk,
    }


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_empty_or_long_notes_are_refused(order, agent, body):
    with pytest.raises(OrderInvalid):
        services.order_internal_note_add(order=order, actor=agent, body=body)

    assert not OrderNote.objects.exists()
