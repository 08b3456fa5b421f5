"""Route-permission matrix: every registered URL and API route, every kind of actor.

The test enumerates the URL resolver and the developer API, so a new route is covered the moment it
is registered. It fails when

- a dashboard view carries no access declaration (``core.access``), or
- a route takes URL arguments and has no entry in ``OBJECT_ROUTES`` (so the matrix can build an
  object of merchant A for it), or
- any actor gets something other than the expected answer:
  anonymous → login redirect (dashboard) or code 1600002 (API); a member of another merchant
  account → 404 on merchant-owned objects; staff without the area → 403; operators without the
  role → 403; the right people → a page (200, or 302/405 for POST-only endpoints).

Third-party routes (allauth's own pages, Django's admin) protect themselves and are listed in
``THIRD_PARTY_PREFIXES``.
"""

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dropyard.accounts import services as account_services
from dropyard.accounts.choices import Area, OperatorRole
from dropyard.accounts.tests.factories import (
    UserFactory,
    make_merchant,
    make_operator,
    make_staff,
)
from dropyard.catalog import services as catalog_services
from dropyard.catalog.models import ProductImage
from dropyard.catalog.tests.factories import CategoryFactory, make_product
from dropyard.config.api import api
from dropyard.core.access import Access
from dropyard.inventory import services as inventory_services
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.logistics.tests.factories import ShippingLineFactory

LOGIN_URL = "/accounts/login/"

# Modules whose views protect themselves (allauth checks login where needed; the admin checks
# is_staff). Everything else must declare its access.
THIRD_PARTY_PREFIXES = ("allauth.", "django.contrib.admin.", "django.views.static", "ninja.")


@dataclass
class Route:
    name: str  # "namespace:name"
    pattern: str
    callback: Callable[..., Any]
    arg_names: tuple[str, ...]

    @property
    def module(self) -> str:
        return getattr(self.callback, "__module__", "") or ""

    @property
    def access(self) -> Access | None:
        return getattr(self.callback, "dropyard_access", None)


def iter_routes(patterns=None, namespace: str = "", prefix: str = "") -> Iterator[Route]:
    """Every URL pattern under the root URLconf, with its namespaced name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_routes(entry.url_patterns, full_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            pattern = prefix + str(entry.pattern)
            yield Route(
                name=name,
                pattern=pattern,
                callback=entry.callback,
                arg_names=tuple(entry.pattern.regex.groupindex),
            )


def own_routes() -> list[Route]:
    """Dropyard's dashboard routes (not the API, not self-protecting third-party views)."""
    routes = []
    for route in iter_routes():
        if route.pattern.startswith(("api2.0/v1/", "django-admin/")):
            continue
        if route.module.startswith(THIRD_PARTY_PREFIXES):
            continue
        routes.append(route)
    return routes


def unprotected(routes: list[Route]) -> list[str]:
    return [f"{r.name or '(unnamed)'} {r.pattern}" for r in routes if r.access is None]


# --- The world every route is tried in --------------------------------------------------------


@dataclass
class World:
    merchant_a: Any
    owner_a: Any
    bare_staff_a: Any  # staff of A with no permission area at all
    owner_b: Any  # owner of another merchant account (every area, but of B)
    operators: dict[str, Any]  # role → user
    applicant: Any
    objects: dict[str, Any]
    supplier: Any = None  # an approved supplier's user (its portal objects are in objects)
    other_supplier: Any = None  # another approved supplier's user


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%demo\n", content_type="application/pdf")


def _ops_objects(merchant, reporter) -> dict[str, Any]:
    """Objects of the catalog, inventory and logistics back office (catalog_ops and friends)."""
    top = CategoryFactory(parent=None)
    leaf = CategoryFactory(parent=CategoryFactory(parent=top))
    product = make_product(variants=1, category=leaf)
    variant = product.variants.get()
    warehouse = WarehouseFactory()
    movement = inventory_services.stock_receive(
        variant=variant, warehouse=warehouse, quantity=5, actor=None, reason="matrix"
    )
    return {
        "ops_product": product,
        "ops_variant": variant,
        "ops_image": ProductImage.objects.create(product=product, image="products/matrix.png"),
        "ops_report": catalog_services.report_create(
            product=product, merchant=merchant, reporter=reporter, reason="other"
        ),
        "ops_warehouse": warehouse,
        "ops_stock": movement.stock,
        "ops_line": ShippingLineFactory(),
    }


def _application(applicant, company_name: str):
    return account_services.supplier_application_submit(
        applicant=applicant,
        company_name=company_name,
        country="CN",
        address="1 Road",
        contact_phone="+86 1",
        legal_representative="Li",
        business_licence=_pdf("licence.pdf"),
        legal_rep_id=_pdf("id.pdf"),
    )


def _supplier_user(company_name: str, reviewer):
    """A user whose supplier application was approved (``user.supplier`` exists)."""
    user = UserFactory()
    account_services.supplier_application_approve(
        application=_application(user, company_name), actor=reviewer
    )
    return user


@pytest.fixture
def world(db) -> World:
    merchant_a = make_merchant(business_name="Matrix A")
    owner_a = merchant_a.owner
    merchant_b = make_merchant(business_name="Matrix B")
    operators = {role: make_operator(role=role) for role in OperatorRole.values}
    account_services.merchant_agent_assign(
        merchant=merchant_a, agent=operators["agent"], actor=operators["admin"]
    )
    staff_with_orders = make_staff(merchant=merchant_a, permissions=[Area.ORDERS])
    membership = merchant_a.members.get(user=staff_with_orders)
    invitation, _token = account_services.member_invite(
        merchant=merchant_a, actor=owner_a, email="invitee@example.test", permissions=["orders"]
    )
    api_key, _plain = account_services.apikey_create(merchant=merchant_a, actor=owner_a, name="k")
    token, _access, _refresh = account_services.token_issue(api_key=_plain)
    applicant = UserFactory()
    application = _application(applicant, "Factory")
    from dropyard.core import services as core_services  # built by the jobs work

    job = core_services.job_create(
        kind="audit_export",
        title="Export",
        merchant=merchant_a,
        actor=owner_a,
        params={},
        task_path="dropyard.core.tasks.audit_export",
    )
    world = World(
        merchant_a=merchant_a,
        owner_a=owner_a,
        bare_staff_a=make_staff(merchant=merchant_a, permissions=[]),
        owner_b=merchant_b.owner,
        operators=operators,
        applicant=applicant,
        supplier=_supplier_user("Matrix Factory A", operators["support"]),
        other_supplier=_supplier_user("Matrix Factory B", operators["support"]),
        objects={
            "membership": membership,
            "invitation": invitation,
            "api_key": api_key,
            "api_token": token,
            "application": application,
            "job": job,
            **_ops_objects(merchant_a, owner_a),
            "product": make_product(variants=1, category=CategoryFactory(parent=None)),
        },
    )
    for module in _route_access_modules():
        build = getattr(module, "build_objects", None)
        if build is not None:
            world.objects.update(build(world))
    return world


# URL name → function(world) returning URL kwargs for an object that belongs to merchant A (or,
# for back-office and supplier routes, an object the right people may open).
OBJECT_ROUTES: dict[str, Callable[[World], dict[str, Any]]] = {
    "media": lambda w: {"path": "products/none.jpg"},
    "accounts:member_edit": lambda w: {"pk": w.objects["membership"].pk},
    "accounts:member_remove": lambda w: {"pk": w.objects["membership"].pk},
    "accounts:invitation_revoke": lambda w: {"pk": w.objects["invitation"].pk},
    "accounts:apikey_revoke": lambda w: {"pk": w.objects["api_key"].pk},
    "accounts:token_revoke": lambda w: {"pk": w.objects["api_token"].pk},
    "accounts:invitation_accept": lambda w: {"token": "not-a-real-token"},
    "supplier:document": lambda w: {"pk": w.objects["application"].pk, "which": "licence"},
    "accounts_ops:supplier_detail": lambda w: {"pk": w.objects["application"].pk},
    "accounts_ops:supplier_approve": lambda w: {"pk": w.objects["application"].pk},
    "accounts_ops:supplier_reject": lambda w: {"pk": w.objects["application"].pk},
    "accounts_ops:merchant_detail": lambda w: {"pk": w.merchant_a.pk},
    "accounts_ops:merchant_agent": lambda w: {"pk": w.merchant_a.pk},
    "accounts_ops:staff_edit": lambda w: {"pk": w.operators["finance"].pk},
    "accounts_ops:staff_deactivate": lambda w: {"pk": w.operators["finance"].pk},
    "core:job_detail": lambda w: {"pk": w.objects["job"].pk},
    "core:job_download": lambda w: {"pk": w.objects["job"].pk},
    "core:ops_job_detail": lambda w: {"pk": w.objects["job"].pk},
    "core:ops_job_download": lambda w: {"pk": w.objects["job"].pk},
    "sourcing:ops_thread": lambda w: {"pk": w.merchant_a.pk},
    "catalog_ops:product_edit": lambda w: {"pid": w.objects["ops_product"].public_id},
    "catalog_ops:product_sale": lambda w: {"pid": w.objects["ops_product"].public_id},
    "catalog_ops:variant_add": lambda w: {"pid": w.objects["ops_product"].public_id},
    "catalog_ops:image_add": lambda w: {"pid": w.objects["ops_product"].public_id},
    "catalog_ops:variant_edit": lambda w: {"vid": w.objects["ops_variant"].public_id},
    "catalog_ops:variant_sale": lambda w: {"vid": w.objects["ops_variant"].public_id},
    "catalog_ops:image_remove": lambda w: {"pk": w.objects["ops_image"].pk},
    "catalog_ops:report_detail": lambda w: {"pk": w.objects["ops_report"].pk},
    "catalog_ops:report_dismiss": lambda w: {"pk": w.objects["ops_report"].pk},
    "catalog_ops:report_take_off_sale": lambda w: {"pk": w.objects["ops_report"].pk},
    "inventory_ops:warehouse_stock": lambda w: {"public_id": w.objects["ops_warehouse"].public_id},
    "inventory_ops:warehouse_edit": lambda w: {"public_id": w.objects["ops_warehouse"].public_id},
    "inventory_ops:warehouse_active": lambda w: {"public_id": w.objects["ops_warehouse"].public_id},
    "inventory_ops:stock_receive": lambda w: {"public_id": w.objects["ops_warehouse"].public_id},
    "inventory_ops:movement_list": lambda w: {"public_id": w.objects["ops_warehouse"].public_id},
    "inventory_ops:stock_adjust": lambda w: {"pk": w.objects["ops_stock"].pk},
    "logistics_ops:ratecard_list": lambda w: {"pk": w.objects["ops_line"].pk},
    "logistics_ops:line_edit": lambda w: {"pk": w.objects["ops_line"].pk},
    "logistics_ops:line_active": lambda w: {"pk": w.objects["ops_line"].pk},
    "logistics_ops:ratecard_export": lambda w: {"pk": w.objects["ops_line"].pk},
    "catalog:product": lambda w: {"pid": w.objects["product"].public_id},
    "catalog:product_freight": lambda w: {"pid": w.objects["product"].public_id},
    "catalog:report": lambda w: {"pid": w.objects["product"].public_id},
}

# Routes whose URL object is shared by every merchant (catalog products): another merchant
# opens them like merchant A does, so they are left out of the "other merchant → 404" check.
SHARED_OBJECT_ROUTES = {
    "catalog:product",
    "catalog:product_freight",
    "catalog:report",
}


# The independent truth the matrix checks against: URL name → expected Access. A route missing
# here fails the suite, and a view whose declaration drifts from this table fails both the table
# test and the behaviour tests below (they use this table, not the view's own declaration).
ANY_OPERATOR = frozenset({"admin", "agent", "warehouse", "finance", "support"})
CATALOG_OPS = Access("operator", roles=frozenset({"admin", "support"}))
INVENTORY_OPS = Access("operator", roles=frozenset({"admin", "warehouse"}))
LOGISTICS_OPS = Access("operator", roles=frozenset({"admin"}))
EXPECTED_ACCESS: dict[str, Access] = {
    "media": Access("public"),
    "favicon": Access("public"),
    "dashboard:root": Access("login"),
    "dashboard:home": Access("merchant"),
    "dashboard:ops_home": Access("operator", roles=ANY_OPERATOR),
    "accounts:profile": Access("merchant", area="settings"),
    "accounts:switch_merchant": Access("login"),
    "accounts:language": Access("login"),
    "accounts:team": Access("merchant", area="settings"),
    "accounts:member_edit": Access("merchant", area="settings"),
    "accounts:member_remove": Access("merchant", area="settings"),
    "accounts:invitation_revoke": Access("merchant", area="settings"),
    "accounts:invitation_accept": Access("public"),
    "accounts:apikeys": Access("merchant", area="developer"),
    "accounts:apikey_revoke": Access("merchant", area="developer"),
    "accounts:token_revoke": Access("merchant", area="developer"),
    "supplier:apply": Access("login"),
    "supplier:document": Access("login"),
    "accounts_ops:supplier_list": Access("operator", roles=frozenset({"admin", "support"})),
    "accounts_ops:supplier_detail": Access("operator", roles=frozenset({"admin", "support"})),
    "accounts_ops:supplier_approve": Access("operator", roles=frozenset({"admin", "support"})),
    "accounts_ops:supplier_reject": Access("operator", roles=frozenset({"admin", "support"})),
    "accounts_ops:merchants": Access("operator", roles=frozenset({"admin", "agent", "support"})),
    "accounts_ops:merchant_detail": Access(
        "operator", roles=frozenset({"admin", "agent", "support"})
    ),
    "accounts_ops:merchant_agent": Access("operator", roles=frozenset({"admin"})),
    "accounts_ops:staff": Access("operator", roles=frozenset({"admin"})),
    "accounts_ops:staff_edit": Access("operator", roles=frozenset({"admin"})),
    "accounts_ops:staff_deactivate": Access("operator", roles=frozenset({"admin"})),
    "sourcing:messages": Access("merchant"),
    "sourcing:ops_threads": Access("operator", roles=frozenset({"admin", "agent"})),
    "sourcing:ops_thread": Access("operator", roles=frozenset({"admin", "agent"})),
    "core:audit_list": Access("merchant", area="settings"),
    "core:audit_export": Access("merchant", area="settings"),
    "core:job_list": Access("merchant"),
    "core:job_detail": Access("merchant"),
    "core:job_download": Access("merchant"),
    "core:ops_audit_list": Access("operator", roles=frozenset({"admin"})),
    "core:ops_audit_export": Access("operator", roles=frozenset({"admin"})),
    "core:ops_job_list": Access("operator", roles=frozenset({"admin"})),
    "core:ops_job_detail": Access("operator", roles=frozenset({"admin"})),
    "core:ops_job_download": Access("operator", roles=frozenset({"admin"})),
    "core:ops_task_failed_list": Access("operator", roles=frozenset({"admin"})),
    "core:ops_rq_failed_list": Access("operator", roles=frozenset({"admin"})),
    "core:ops_rq_failed_requeue": Access("operator", roles=frozenset({"admin"})),
    "core:ops_rq_failed_delete": Access("operator", roles=frozenset({"admin"})),
    "catalog_ops:product_list": CATALOG_OPS,
    "catalog_ops:product_create": CATALOG_OPS,
    "catalog_ops:product_edit": CATALOG_OPS,
    "catalog_ops:product_sale": CATALOG_OPS,
    "catalog_ops:variant_add": CATALOG_OPS,
    "catalog_ops:image_add": CATALOG_OPS,
    "catalog_ops:variant_edit": CATALOG_OPS,
    "catalog_ops:variant_sale": CATALOG_OPS,
    "catalog_ops:image_remove": CATALOG_OPS,
    "catalog_ops:category_list": CATALOG_OPS,
    "catalog_ops:report_list": CATALOG_OPS,
    "catalog_ops:report_detail": CATALOG_OPS,
    "catalog_ops:report_dismiss": CATALOG_OPS,
    "catalog_ops:report_take_off_sale": CATALOG_OPS,
    "inventory_ops:warehouse_list": INVENTORY_OPS,
    "inventory_ops:warehouse_create": INVENTORY_OPS,
    "inventory_ops:warehouse_stock": INVENTORY_OPS,
    "inventory_ops:warehouse_edit": INVENTORY_OPS,
    "inventory_ops:warehouse_active": INVENTORY_OPS,
    "inventory_ops:stock_receive": INVENTORY_OPS,
    "inventory_ops:movement_list": INVENTORY_OPS,
    "inventory_ops:stock_adjust": INVENTORY_OPS,
    "logistics_ops:line_list": LOGISTICS_OPS,
    "logistics_ops:line_create": LOGISTICS_OPS,
    "logistics_ops:ratecard_list": LOGISTICS_OPS,
    "logistics_ops:line_edit": LOGISTICS_OPS,
    "logistics_ops:line_active": LOGISTICS_OPS,
    "logistics_ops:ratecard_export": LOGISTICS_OPS,
    "logistics_ops:ratecard_import": LOGISTICS_OPS,
    "catalog:search": Access("merchant", area="products"),
    "catalog:image_search": Access("merchant", area="products"),
    "catalog:product": Access("merchant", area="products"),
    "catalog:product_freight": Access("merchant", area="products"),
    "catalog:report": Access("merchant", area="products"),
    "catalog:my_products": Access("merchant", area="products"),
    "catalog:my_product_add": Access("merchant", area="products"),
    "catalog:my_product_remove": Access("merchant", area="products"),
    "logistics:freight_calculator": Access("merchant", area="products"),
    "logistics:default_lines": Access("merchant", area="settings"),
    "logistics:default_line_clear": Access("merchant", area="settings"),
    "logistics:cannot_ship": Access("merchant", area="settings"),
}


# Later apps declare their rows next to their code, in ``dropyard.<app>.tests.route_access``:
# ``EXPECTED_ACCESS`` and ``OBJECT_ROUTES`` (same shapes as above), optionally
# ``SHARED_OBJECT_ROUTES`` and ``build_objects(world) -> dict`` (merged into ``world.objects``).
ROUTE_ACCESS_MODULES = (
    "dropyard.orders.tests.route_access",
    "dropyard.fulfillment.tests.route_access",
    "dropyard.webhooks.tests.route_access",
    "dropyard.logistics.tests.route_access",
    "dropyard.wallet.tests.route_access",
    "dropyard.stores.tests.route_access",
    "dropyard.stores.tests.route_access_public",
    "dropyard.inventory.tests.route_access_private",
    "dropyard.aftersales.tests.route_access",
    "dropyard.aftersales.tests.route_access_disputes",
    "dropyard.aftersales.tests.route_access_desk",
    "dropyard.aftersales.tests.route_access_returns",
    "dropyard.aftersales.tests.route_access_tickets",
    "dropyard.aftersales.tests.route_access_notifications",
    "dropyard.sourcing.tests.route_access_requests",
    "dropyard.sourcing.tests.route_access_desk",
    "dropyard.sourcing.tests.route_access_prices",
    "dropyard.suppliers.tests.route_access_portal",
    "dropyard.suppliers.tests.route_access_ops",
)


def _route_access_modules() -> list[Any]:
    modules = []
    for name in ROUTE_ACCESS_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules


for _module in _route_access_modules():
    for _name, _access in _module.EXPECTED_ACCESS.items():
        assert _name not in EXPECTED_ACCESS, f"{_name} declared twice"
        EXPECTED_ACCESS[_name] = _access
    OBJECT_ROUTES.update(getattr(_module, "OBJECT_ROUTES", {}))
    SHARED_OBJECT_ROUTES.update(getattr(_module, "SHARED_OBJECT_ROUTES", set()))


def expected(route: Route) -> Access:
    return EXPECTED_ACCESS[route.name]


def matrix_routes() -> list[Route]:
    """Routes the behaviour tests can exercise (declared, listed and with buildable arguments)."""
    return [
        r
        for r in own_routes()
        if r.access is not None
        and r.name in EXPECTED_ACCESS
        and (not r.arg_names or r.name in OBJECT_ROUTES)
    ]


def route_kwargs(route: Route, world: World) -> dict[str, Any] | None:
    if not route.arg_names:
        return {}
    builder = OBJECT_ROUTES.get(route.name)
    return None if builder is None else builder(world)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ALLOWED_OK = {200, 302, 405}


def _check(client: Client, url: str, expected: set[int], label: str, failures: list[str]) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code not in expected:
            failures.append(f"{label}: {method.upper()} {url} → {response.status_code}")


def _check_login_redirect(client: Client, url: str, label: str, failures: list[str]) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        location = response.get("Location", "")
        if response.status_code != 302 or not location.startswith(LOGIN_URL):
            failures.append(f"{label}: anonymous {method.upper()} {url} → {response.status_code}")


# --- Tests ------------------------------------------------------------------------------------


def test_every_dashboard_route_declares_its_access():
    assert unprotected(own_routes()) == []


def test_every_route_with_arguments_has_an_object_builder():
    missing = [r.name for r in own_routes() if r.arg_names and r.name not in OBJECT_ROUTES]

    assert missing == []


def test_every_route_is_in_the_expected_table():
    assert sorted(r.name for r in own_routes() if r.name not in EXPECTED_ACCESS) == []


def test_declared_access_matches_the_expected_table():
    drift = [
        f"{r.name}: declared {r.access}, expected {expected(r)}"
        for r in own_routes()
        if r.name in EXPECTED_ACCESS and r.access != expected(r)
    ]

    assert drift == []


def test_unmarked_view_is_reported():
    def naked_view(request):  # a route someone forgot to protect
        return None

    route = Route(name="x:naked", pattern="naked/", callback=naked_view, arg_names=())

    assert unprotected([route]) == ["x:naked naked/"]


def test_anonymous_is_sent_to_login(world):
    failures: list[str] = []
    client = _client()
    for route in matrix_routes():
        kwargs = route_kwargs(route, world)
        if expected(route).kind == "public":
            continue
        _check_login_redirect(client, reverse(route.name, kwargs=kwargs), route.name, failures)

    assert failures == []


def test_merchant_routes_by_actor(world):
    failures: list[str] = []
    owner_a, bare_staff = _client(world.owner_a), _client(world.bare_staff_a)
    owner_b = _client(world.owner_b)
    operator = _client(world.operators["admin"])
    for route in matrix_routes():
        access = expected(route)
        kwargs = route_kwargs(route, world)
        if access.kind != "merchant":
            continue
        url = reverse(route.name, kwargs=kwargs)
        _check(operator, url, {403}, f"{route.name} operator", failures)
        if access.area is not None:
            _check(bare_staff, url, {403}, f"{route.name} staff without {access.area}", failures)
        if route.arg_names and route.name not in SHARED_OBJECT_ROUTES:
            _check(owner_b, url, {404}, f"{route.name} other merchant", failures)
        response = owner_a.get(url)
        if response.status_code not in ALLOWED_OK:
            failures.append(f"{route.name} owner GET {url} → {response.status_code}")

    assert failures == []


def test_operator_routes_by_role(world):
    failures: list[str] = []
    merchant_owner = _client(world.owner_a)
    for route in matrix_routes():
        access = expected(route)
        kwargs = route_kwargs(route, world)
        if access.kind != "operator":
            continue
        url = reverse(route.name, kwargs=kwargs)
        _check(merchant_owner, url, {403}, f"{route.name} merchant owner", failures)
        for role, user in world.operators.items():
            client = _client(user)
            if role in access.roles:
                response = client.get(url)
                if response.status_code not in ALLOWED_OK:
                    failures.append(f"{route.name} {role} GET {url} → {response.status_code}")
            else:
                _check(client, url, {403}, f"{route.name} {role}", failures)

    assert failures == []


def test_supplier_routes_by_actor(world):
    failures: list[str] = []
    supplier, other_supplier = _client(world.supplier), _client(world.other_supplier)
    refused = {
        "merchant owner": _client(world.owner_a),
        "operator": _client(world.operators["admin"]),
        "applicant": _client(world.applicant),
    }
    for route in matrix_routes():
        if expected(route).kind != "supplier":
            continue
        url = reverse(route.name, kwargs=route_kwargs(route, world))
        for label, client in refused.items():
            _check(client, url, {403}, f"{route.name} {label}", failures)
        if route.arg_names and route.name not in SHARED_OBJECT_ROUTES:
            _check(other_supplier, url, {404}, f"{route.name} other supplier", failures)
        response = supplier.get(url)
        if response.status_code not in ALLOWED_OK:
            failures.append(f"{route.name} supplier GET {url} → {response.status_code}")

    assert failures == []


def test_login_routes_answer_every_logged_in_user(world):
    failures: list[str] = []
    users = [world.owner_a, world.bare_staff_a, world.applicant, world.operators["warehouse"]]
    for route in matrix_routes():
        kwargs = route_kwargs(route, world)
        if expected(route).kind != "login":
            continue
        url = reverse(route.name, kwargs=kwargs)
        for user in users:
            response = _client(user).get(url)
            if response.status_code >= 500:
                failures.append(f"{route.name} {user.email} GET {url} → {response.status_code}")

    assert failures == []


# --- Developer API ----------------------------------------------------------------------------


def api_routes() -> list[tuple[str, str]]:
    """(method, path) of every developer API operation, read from the NinjaAPI itself."""
    from dropyard.core.api import api_operations

    return [(method, path) for method, path, _operation in api_operations(api)]


def test_every_api_operation_requires_a_token_unless_public():
    from dropyard.core.api import PUBLIC_API_OPERATIONS

    failures = []
    client = Client()
    for method, path in api_routes():
        if path in PUBLIC_API_OPERATIONS:
            continue
        url = f"/api2.0/v1/{path}"
        response = client.generic(method, url, b"{}", content_type="application/json")
        body = (
            response.json()
            if response.get("Content-Type", "").startswith("application/json")
            else {}
        )
        if response.status_code != 200 or body.get("code") != 1600002:
            failures.append(f"{method} {path} → {response.status_code} {body.get('code')}")

    assert api_routes() != []
    assert failures == []
