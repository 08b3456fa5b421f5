"""Browser test: a supplier creates a draft product through the form, submits it, an operator
approves it from the queue; at desktop (1440 px) and phone (390 px) width, nothing wider than
the viewport. Screenshots: ``/tmp/supplier-*-{desktop,phone}.png``."""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_operator
from dropyard.catalog.tests.factories import make_category_path
from dropyard.stores.tests.browser_steps import WIDTHS, screenshots

from ..choices import ReviewStatus
from ..models import SupplierProductReview
from .factories import make_submitted, make_supplier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, user):
    page = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))
    return page


def test_supplier_draft_to_approved(browser, live_server):
    supplier = make_supplier(company_name="Shenzhen Long Company Name Industrial Co., Ltd.")
    category = make_category_path("Home", "Kitchen", "Bottles")
    make_submitted(supplier=supplier, name="An earlier insulated steel water bottle 750 ml")

    page = _login(browser, live_server, supplier.user)
    page.goto(f"{live_server.url}/supplier/portal/")
    page.get_by_test_id("next-steps").wait_for()
    screenshots(page, "supplier-portal-home")

    page.goto(f"{live_server.url}/supplier/portal/products/new/")
    page.fill("input[name=name]", "Glass storage jar with bamboo lid")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=hs_code]", "701349")
    page.fill("input[name=variant-options]", "Size=L")
    page.fill("input[name=variant-weight_g]", "400")
    page.fill("input[name=variant-price_minor]", "7.25")
    screenshots(page, "supplier-product-form")
    page.get_by_test_id("supplier-product-form").locator("button[type=submit]").click()
    page.get_by_test_id("submit-review").click()
    page.get_by_test_id("review-history").wait_for()
    review = SupplierProductReview.objects.get(product__name="Glass storage jar with bamboo lid")
    assert review.status == ReviewStatus.SUBMITTED
    screenshots(page, "supplier-product")

    desk = _login(browser, live_server, make_operator(role="support"))
    desk.goto(f"{live_server.url}/ops/suppliers/reviews/")
    desk.get_by_test_id("review-table").wait_for()
    screenshots(desk, "supplier-review-queue")
    desk.goto(f"{live_server.url}/ops/suppliers/reviews/{review.pk}/approve/")
    desk.get_by_test_id("confirm-approve").locator("button[type=submit]").click()
    desk.get_by_test_id("decision").wait_for()
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    assert review.product.is_on_sale is True
