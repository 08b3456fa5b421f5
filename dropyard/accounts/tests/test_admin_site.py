"""The Django admin (/django-admin/) for the operator admin role: reachable, every registered
model visible and the stateful ones read-only; refused to other operators and merchants."""

import pytest
from django.contrib import admin
from django.urls import reverse

from dropyard.accounts.backends import is_operator_admin
from dropyard.accounts.tests.factories import make_operator
from dropyard.orders.models import Order

pytestmark = pytest.mark.django_db


def test_admin_role_reaches_the_admin_index_and_sees_the_models(client, operator_admin):
    client.force_login(operator_admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "have permission to view or edit anything" not in html
    apps = {
        app["app_label"]: {m["object_name"] for m in app["models"]}
        for app in response.context["app_list"]
    }
    assert {"Order", "OrderEvent", "OrderNote", "ParentOrder"} <= apps["orders"]
    assert {"Refund", "Payment", "LedgerTransaction"} <= apps["wallet"]
    assert client.get(reverse("admin:orders_order_changelist")).status_code == 200


def test_stateful_models_are_read_only_for_the_admin_role(rf, operator_admin):
    request = rf.get("/django-admin/")
    request.user = operator_admin
    model_admin = admin.site._registry[Order]

    assert model_admin.has_view_permission(request) is True
    assert (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request),
        model_admin.has_delete_permission(request),
    ) == (False, False, False)


def test_admin_role_cannot_add_an_order_through_the_admin(client, operator_admin):
    client.force_login(operator_admin)

    assert client.get(reverse("admin:orders_order_add")).status_code == 403


@pytest.mark.parametrize("role", ["warehouse", "finance", "support", "agent"])
def test_other_operator_roles_are_sent_to_login(client, role):
    client.force_login(make_operator(role=role))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_merchant_user_is_sent_to_login(client, merchant):
    client.force_login(merchant.owner)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert not merchant.owner.has_perm("orders.view_order")


def test_an_admin_whose_role_was_removed_keeps_no_permission(operator_admin):
    operator_admin.operator_role = ""

    assert is_operator_admin(operator_admin) is False
    assert not operator_admin.has_perm("orders.view_order")
