"""The Sandbox shop's public storefront: a shopper browses the listed products, fills a cart
(kept in the session), checks out with a shipping address and a fake "Pay", and follows the
order — with the tracking Dropyard pushed back — on a page only its unguessable token opens.

No login; every form carries Django's CSRF token. The pages say plainly that this is a Sandbox
store and that no money moves.
"""

import contextlib
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from dropyard.core.access import public_view
from dropyard.core.forms import BootstrapValidationFormMixin, country_choices
from dropyard.core.money import Money
from dropyard.orders.address import address_errors

from . import shop as shop_side
from .models import SandboxShop, SandboxShopOrder, SandboxShopProduct, SandboxShopVariant

MAX_QUANTITY = 20
MAX_CART_LINES = 30

# Checkout field → the Dropyard address field its validation is shared with.
_ADDRESS_FIELD = {
    "customer_name": "shipping_customer_name",
    "email": "email",
    "address": "shipping_address",
    "address2": "shipping_address2",
    "city": "shipping_city",
    "province": "shipping_province",
    "zip": "shipping_zip",
    "country_code": "shipping_country_code",
    "phone": "shipping_phone",
}


class CheckoutForm(BootstrapValidationFormMixin, forms.Form):
    """The shopper's contact and shipping address, validated with the rules Dropyard orders
    apply (so an order placed here is an order Dropyard can ship)."""

    email = forms.EmailField(max_length=254)
    customer_name = forms.CharField(label="Full name", max_length=100)
    address = forms.CharField(label="Address", max_length=200)
    address2 = forms.CharField(label="Apartment, suite (optional)", max_length=200, required=False)
    city = forms.CharField(max_length=80)
    province = forms.CharField(label="State / province", max_length=80, required=False)
    zip = forms.CharField(label="ZIP / postcode", max_length=20, required=False)
    country_code = forms.ChoiceField(label="Country", choices=country_choices)
    phone = forms.CharField(max_length=30, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = address_errors({_ADDRESS_FIELD[k]: v for k, v in data.items()})
        for field, dropyard_field in _ADDRESS_FIELD.items():
            # A field the form already refused (so absent from ``data``) keeps its one message.
            if dropyard_field in problems and field in data:
                message = problems[dropyard_field]
                self.add_error(field, f"{message[:1].upper()}{message[1:]}.")
        return data


def _shop(slug: str) -> SandboxShop:
    return get_object_or_404(SandboxShop, slug=slug)


def _cart_key(shop: SandboxShop) -> str:
    return f"sandbox_cart:{shop.slug}"


def _cart(request: HttpRequest, shop: SandboxShop) -> dict[int, int]:
    raw = request.session.get(_cart_key(shop), {})
    return {int(k): int(v) for k, v in raw.items()}


def _cart_save(request: HttpRequest, shop: SandboxShop, cart: dict[int, int]) -> None:
    request.session[_cart_key(shop)] = {str(k): v for k, v in cart.items()}


def _money(shop: SandboxShop, minor: int) -> Money:
    return Money(minor, shop.currency)


def _cart_lines(shop: SandboxShop, cart: dict[int, int]) -> tuple[list[dict], Money]:
    variants = SandboxShopVariant.objects.select_related("product").filter(
        shop=shop, pk__in=list(cart), product__listed=True
    )
    lines = [
        {
            "variant": v,
            "quantity": cart[v.pk],
            "price": _money(shop, v.price_minor),
            "subtotal": _money(shop, v.price_minor * cart[v.pk]),
        }
        for v in variants
    ]
    return lines, _money(shop, sum(v.price_minor * cart[v.pk] for v in variants))


@public_view
@require_GET
def storefront_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The shop's listed products with image and price."""
    shop = _shop(slug)
    products = [
        {
            "product": p,
            "price": _money(shop, min(v.price_minor for v in p.variants.all())),
            "image": p.image_url or next((v.image_url for v in p.variants.all()), ""),
        }
        for p in shop_side.listed_products(shop)
        if p.variants.all()
    ]
    context = {"shop": shop, "products": products, "cart_count": sum(_cart(request, shop).values())}
    return render(request, "stores/storefront/home.html", context)


@public_view
@require_GET
def storefront_product(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One product with its variants and an add-to-cart form."""
    shop = _shop(slug)
    product = get_object_or_404(SandboxShopProduct, shop=shop, pk=pk, listed=True)
    variants = [
        {"variant": v, "price": _money(shop, v.price_minor)} for v in product.variants.all()
    ]
    context = {
        "shop": shop,
        "product": product,
        "variants": variants,
        "cart_count": sum(_cart(request, shop).values()),
    }
    return render(request, "stores/storefront/product.html", context)


@public_view
@require_POST
def storefront_cart_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add ``quantity`` (1–20) of a listed ``variant`` to the cart."""
    shop = _shop(slug)
    try:
        variant_id, quantity = int(request.POST["variant"]), int(request.POST.get("quantity", 1))
    except (KeyError, ValueError):
        messages.error(request, "Choose a variant and a quantity.")
        return redirect("stores_public:storefront", slug=shop.slug)
    variant = SandboxShopVariant.objects.filter(
        shop=shop, pk=variant_id, product__listed=True
    ).first()
    if variant is None:
        raise Http404("no such product")
    cart = _cart(request, shop)
    if not 1 <= quantity <= MAX_QUANTITY:
        messages.error(request, f"The quantity must be between 1 and {MAX_QUANTITY}.")
        return redirect("stores_public:storefront_product", slug=shop.slug, pk=variant.product_id)
    if variant.pk not in cart and len(cart) >= MAX_CART_LINES:
        messages.error(request, "Your cart is full.")
        return redirect("stores_public:storefront_cart", slug=shop.slug)
    cart[variant.pk] = min(MAX_QUANTITY, cart.get(variant.pk, 0) + quantity)
    _cart_save(request, shop, cart)
    messages.success(request, f"Added {quantity} × {variant} to your cart.")
    return redirect("stores_public:storefront_cart", slug=shop.slug)


@public_view
def storefront_cart(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the cart and the checkout form. POST ``remove``: take a line out of the cart."""
    shop = _shop(slug)
    cart = _cart(request, shop)
    if request.method == "POST":
        with contextlib.suppress(ValueError):
            cart.pop(int(request.POST.get("remove", "")), None)
        _cart_save(request, shop, cart)
        return redirect("stores_public:storefront_cart", slug=shop.slug)
    return _cart_page(request, shop, cart, CheckoutForm())


def _cart_page(
    request: HttpRequest, shop: SandboxShop, cart: dict[int, int], form: CheckoutForm, status=200
) -> HttpResponse:
    lines, total = _cart_lines(shop, cart)
    context = {"shop": shop, "lines": lines, "total": total, "form": form}
    context["cart_count"] = sum(cart.values())
    return render(request, "stores/storefront/cart.html", context, status=status)


@public_view
@require_POST
def storefront_checkout(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Pay" (no money moves): the order is placed and the shop's webhook goes to Dropyard."""
    shop = _shop(slug)
    cart = _cart(request, shop)
    form = CheckoutForm(request.POST)
    if not cart:
        messages.error(request, "Your cart is empty.")
        return redirect("stores_public:storefront", slug=shop.slug)
    if not form.is_valid():
        return _cart_page(request, shop, cart, form, status=400)
    try:
        order = shop_side.order_place(shop=shop, quantities=cart, customer=form.cleaned_data)
    except shop_side.ShopRefused as exc:
        messages.error(request, exc.message)
        return _cart_page(request, shop, cart, form, status=400)
    _cart_save(request, shop, {})
    return redirect("stores_public:storefront_order", slug=shop.slug, token=order.token)


@public_view
@require_GET
def storefront_order(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The shopper's order: status, lines and, once shipped, the tracking number and link."""
    shop = _shop(slug)
    order = get_object_or_404(
        SandboxShopOrder.objects.prefetch_related("lines"), shop=shop, token=token
    )
    lines = [
        {"line": line, "subtotal": _money(shop, line.unit_price_minor * line.quantity)}
        for line in order.lines.all()
    ]
    context = {
        "shop": shop,
        "order": order,
        "lines": lines,
        "total": _money(shop, order.total_minor),
        "cart_count": sum(_cart(request, shop).values()),
    }
    return render(request, "stores/storefront/order.html", context)
