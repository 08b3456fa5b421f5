"""The warehouse pages in the clerk's language: Simplified Chinese for a clerk who chose it,
English otherwise (``User.language``, activated by ``UserLanguageMiddleware``)."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.fulfillment import services
from dropyard.fulfillment.tests.factories import make_carrier_serving, make_parcel, make_variants
from dropyard.inventory.tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(merchant):
    """A warehouse with one parcel being picked (its pick list and pack page) and one packed."""
    warehouse = WarehouseFactory(code="SZ09", name="Shenzhen 9")
    (variant,) = make_variants(1, weight_g=250)
    picking = make_parcel(merchant=merchant, warehouse=warehouse, items=[(variant, 2)])
    packed = make_parcel(merchant=merchant, warehouse=warehouse, items=[(variant, 1)])
    make_carrier_serving(warehouse, name="Yun Express")
    clerk = make_operator(role="warehouse")
    services.parcel_start_picking(parcels=[picking, packed], actor=clerk)
    services.parcel_pack(parcel=packed, actor=clerk, measured_weight_g=260, confirm_weight=False)
    return clerk, warehouse, picking, packed


def _pages(warehouse, picking, packed) -> dict[str, str]:
    return {
        "pick_list": reverse("fulfillment_ops:pick_list", args=[warehouse.public_id]),
        "pack": reverse("fulfillment_ops:parcel_pack", args=[picking.public_id]),
        "ship": reverse("fulfillment_ops:parcel_ship", args=[packed.public_id]),
        "detail": reverse("fulfillment_ops:parcel_detail", args=[picking.public_id]),
        "ops_home": reverse("dashboard:ops_home"),
        "queue": reverse("fulfillment_ops:queue", args=[warehouse.public_id]),
    }


CHINESE = {
    "pick_list": [
        "拣货单 · SZ09 Shenzhen 9",
        "1 个包裹，2 件商品，按 SKU 排序。",
        "拣货人：",
        '<html lang="zh-hans">',
    ],
    "pack": ["核对包裹内容", "扫描或输入 SKU 进行核对", "实测重量（克）", "打包完成", "拣货中"],
    "ship": ["承运商和运单号", "运单号", "核对发货信息", "本次发货", "已打包"],
    "detail": ["包裹内容", "操作记录", "收件人", "计算重量 500 克"],
    "ops_home": ["运营后台", "仓库作业", "待拣货", "待打包", "待发货"],
    "queue": [
        "作业队列 · SZ09",
        "今日已发货",
        "所有拣货中包裹的拣货单",
        "包裹号、订单号或店铺订单号",
        # The generic list's own words: the count's noun, the filter buttons.
        '<div class="text-secondary small" data-testid="result-count">0 个包裹</div>',
        ">筛选</button>",
        ">清除</a>",
    ],
}
ENGLISH = {
    "pick_list": [
        "Pick list · SZ09 Shenzhen 9",
        "1 parcel, 2 units, sorted by SKU.",
        "Picked by:",
        '<html lang="en">',
    ],
    "pack": [
        "Check the contents",
        "Scan or type a SKU to check it off",
        "Measured weight (g)",
        ">Packed</button>",
        ">Picking</span>",
    ],
    "ship": [
        "Carrier and tracking",
        "Tracking number",
        "Review shipment",
        "Ships now",
        ">Packed</span>",
    ],
    "detail": ["Contents", "History", "Recipient", "500 g computed"],
    "ops_home": [
        '<h1 class="h3">Back office</h1>',
        'id="warehouses-title">Warehouse work</h2>',
        "To pick",
        "To pack",
        "To ship",
    ],
    "queue": [
        "Work queue · SZ09",
        "Shipped today",
        "Pick list of all parcels being picked",
        '<div class="text-secondary small" data-testid="result-count">0 parcels</div>',
        ">Filter</button>",
    ],
}


@pytest.mark.parametrize("page", sorted(CHINESE))
def test_a_clerk_who_chose_chinese_gets_the_warehouse_pages_in_chinese(client, floor, page):
    clerk, warehouse, picking, packed = floor
    clerk.language = "zh-hans"
    clerk.save(update_fields=["language"])
    client.force_login(clerk)
    response = client.get(_pages(warehouse, picking, packed)[page])
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert [text for text in CHINESE[page] if text not in html] == []
    assert [text for text in ENGLISH[page] if text in html] == []


@pytest.mark.parametrize("page", sorted(ENGLISH))
def test_a_clerk_without_a_language_gets_english(client, floor, page):
    clerk, warehouse, picking, packed = floor
    client.force_login(clerk)
    response = client.get(_pages(warehouse, picking, packed)[page])
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert [text for text in ENGLISH[page] if text not in html] == []


def test_chinese_flash_messages_and_form_errors(client, floor):
    clerk, warehouse, picking, packed = floor
    clerk.language = "zh-hans"
    clerk.save(update_fields=["language"])
    client.force_login(clerk)
    ship = reverse("fulfillment_ops:parcel_ship", args=[packed.public_id])
    refused = client.post(ship, {"carrier": packed.line.carrier_id or "", "tracking_number": ""})
    assert refused.status_code == 400
    assert "请输入运单号，或向承运商获取。" in refused.content.decode()

    pack = reverse("fulfillment_ops:parcel_pack", args=[picking.public_id])
    warned = client.post(pack, {"measured_weight_g": "2000"})
    assert warned.context["weight_warning"] == (
        "实测 2000 克，但包裹内容应约为 500 克（偏差超过 50%）："
        "请核对包裹内容并重新称重，然后确认重量。"
    )
    packed_now = client.post(pack, {"measured_weight_g": "510"}, follow=True)
    assert f"包裹 {picking.code} 已打包。" in packed_now.content.decode()


def test_the_packing_slip_stays_in_english_for_a_chinese_clerk(client, floor):
    """The slip goes into the box, to the customer: only the Print button is the clerk's."""
    clerk, warehouse, picking, packed = floor
    clerk.language = "zh-hans"
    clerk.save(update_fields=["language"])
    client.force_login(clerk)
    html = client.get(reverse("fulfillment_ops:packing_slip", args=[picking.public_id])).content
    text = html.decode()
    assert ("Packing slip" in text, "Ship to" in text, "打印" in text) == (True, True, True)
    assert '<html lang="en">' in text


def test_a_chinese_packer_without_the_required_photo_is_refused_in_chinese(client, floor):
    clerk, warehouse, picking, packed = floor
    warehouse.parcel_photos_required = True
    warehouse.save(update_fields=["parcel_photos_required"])
    clerk.language = "zh-hans"
    clerk.save(update_fields=["language"])
    client.force_login(clerk)

    pack = reverse("fulfillment_ops:parcel_pack", args=[picking.public_id])
    response = client.post(pack, {"measured_weight_g": "500"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "SZ09 要求打包前拍摄包裹照片：请先拍照" in html
    assert "requires a photo" not in html
    picking.refresh_from_db()
    assert picking.status == "picking"
