import pytest

from dropyard.accounts.models import User
from dropyard.demo import loader as demo
from dropyard.suppliers import shipping
from dropyard.wallet.choices import AccountKind
from dropyard.wallet.models import Account

pytestmark = pytest.mark.django_db


def test_demo_supplier_has_one_parcel_to_pack_and_one_shipped_with_its_earning():
    demo.demo_load(products=6)
    demo.demo_load(products=6)  # a second run adds no order

    supplier = User.objects.get(email=demo.SUPPLIER_EMAIL).supplier
    counts = shipping.supplier_parcel_counts(supplier=supplier)
    assert (counts["to_pack"], counts["to_ship"], counts["shipped"]) == (1, 0, 1)
    payable = Account.objects.get(kind=AccountKind.SUPPLIER_PAYABLE, supplier=supplier)
    assert payable.balance_minor > 0
