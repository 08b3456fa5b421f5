"""Invoice PDFs (``wallet.invoice_pdf``): the same bytes every time, names outside Latin-1 never
break rendering, long documents run over several pages."""

import pytest

from dropyard.wallet import invoice_pdf as invoice_pdf_module
from dropyard.wallet.invoice_pdf import invoice_pdf
from dropyard.wallet.models import Invoice

from .invoice_helpers import issue_invoice, pdf_text, two_paid_orders

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orders(merchant):
    return two_paid_orders(merchant)


def test_the_pdf_is_rendered_identically_every_time(merchant, two_orders):
    invoice = issue_invoice(merchant, two_orders)

    assert invoice_pdf(invoice) == invoice_pdf(Invoice.objects.get(pk=invoice.pk))


def test_a_long_invoice_runs_over_several_pages(merchant, two_orders):
    lines = [
        {"description": f"Supplementary bill BT{i:04d}", "amount_minor": 100} for i in range(90)
    ]

    invoice = issue_invoice(
        merchant,
        [],
        breakdown={"products_minor": 9000, "freight_minor": 0, "total_minor": 9000},
        lines=lines,
        reference="BT-MANY",
    )
    text = pdf_text(invoice_pdf(invoice))

    assert "Page 1/3" in text
    assert "Page 3/3" in text
    assert "Supplementary bill BT0089 1 1.00 1.00" in text
    assert "Total paid 90.00 USD" in text


# --- Fonts: names outside Latin-1 never break rendering -------------------------------------------


NAME = "深圳贸易 Ünïcödé Ωmega 😀"


def test_non_latin_names_render_with_the_unicode_font(merchant, two_orders):
    if invoice_pdf_module._dejavu() is None:
        pytest.skip("DejaVu Sans is not installed (Debian fonts-dejavu-core)")
    merchant.business_name = NAME
    merchant.save(update_fields=["business_name"])

    text = pdf_text(invoice_pdf(issue_invoice(merchant, two_orders)))

    # DejaVu Sans covers Latin, Greek and this emoji but no Chinese: those print as "?".
    assert "???? Ünïcödé Ωmega 😀" in text
    assert "Total paid 70.07 USD" in text


def test_without_dejavu_rendering_falls_back_to_latin1(merchant, two_orders, monkeypatch):
    monkeypatch.setattr(invoice_pdf_module, "DEJAVU_DIRS", ())
    merchant.business_name = NAME
    merchant.save(update_fields=["business_name"])

    text = pdf_text(invoice_pdf(issue_invoice(merchant, two_orders)))

    assert "???? Ünïcödé ?mega ?" in text
    assert "DY1001 · MUG-RED Red Mug 2 10.00 20.00" in text
    assert "Total paid 70.07 USD" in text


def test_a_missing_fallback_font_is_skipped(merchant, two_orders, settings):
    settings.DROPYARD_INVOICE_FALLBACK_FONTS = ["/nonexistent/NotoSansCJK.ttf"]

    text = pdf_text(invoice_pdf(issue_invoice(merchant, two_orders)))

    assert "Total paid 70.07 USD" in text
