"""The extension's page reader (``extension/content/extract.js``) on several shop layouts.

Runs the script in Chromium on pages answered by Playwright's router under the shops' real
addresses (no server, no database): JSON-LD first, then Open Graph / product meta tags, then
each site's own selectors, field by field. The full click-to-request flow is
``test_browser_extension.py``.
"""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

EXTRACT_JS = Path(__file__).resolve().parents[3] / "extension" / "content" / "extract.js"
HTML = "text/html; charset=utf-8"
PAGES = Path(__file__).resolve().parent / "extension_pages"

TAOBAO = """<html><head><title>淘宝</title></head><body>
<h1 class="ItemHeader--mainTitle--3CIjqW5">纯棉短袖T恤 男款 夏季</h1>
<div class="PicGallery--mainPic--34u4Jrw"><img class="PicGallery--mainPic--34u4Jrw"
 src="//img.alicdn.com/imgextra/i1/tshirt.jpg"></div>
<span class="Price--priceText--2nLbVda">29.90</span></body></html>"""

TMALL_CLASSIC = """<html><head></head><body>
<div class="tb-detail-hd"><h1>  真皮钱包 短款  </h1></div>
<img id="J_ImgBooth" src="https://img.alicdn.com/bao/wallet_400x400.jpg">
<em class="tb-rmb">¥</em><em class="tb-rmb-num">1,299.00</em></body></html>"""

AMAZON = """<html><head><link rel="canonical" href="https://www.amazon.com/Garlic-Press/dp/B00HHLNRVE">
</head><body><span id="productTitle"> Garlic Press, Stainless Steel </span>
<img id="landingImage" src="https://m.media-amazon.com/images/I/small.jpg"
 data-old-hires="https://m.media-amazon.com/images/I/71large.jpg">
<span class="a-price"><span class="a-offscreen">$24.99</span></span></body></html>"""

AMAZON_DE = """<html><head></head><body><span id="productTitle">Knoblauchpresse</span>
<img id="imgBlkFront" src="https://m.media-amazon.com/images/I/de.jpg">
<div id="corePrice_feature_div"><span class="a-offscreen">1.234,56 €</span></div></body></html>"""

ALIEXPRESS_OG = """<html><head>
<meta property="og:title" content="Phone Holder for Car">
<meta property="og:image" content="/kf/relative.jpg">
<meta property="product:price:amount" content="3.05">
<meta property="product:price:currency" content="EUR">
</head><body><h1 data-pl="product-title">Ignored: meta tags come first</h1></body></html>"""


def _extract(browser, url: str, html: str) -> dict:
    page = browser.new_page()
    page.route(
        "**/*", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
    )
    page.goto(url)
    page.add_script_tag(path=str(EXTRACT_JS))
    product = page.evaluate("DropyardExtract.extract(document, window.location)")
    page.close()
    return product


@pytest.mark.parametrize(
    ("url", "html", "expected"),
    [
        (
            "https://detail.1688.com/offer/6543210987.html?spm=a26352",
            (PAGES / "1688_offer.html").read_text(),
            {
                "platform": "1688",
                "title": "2024新款不锈钢保温杯 500ml 户外便携水杯",
                "image": "https://cbu01.alicdn.com/img/ibank/O1CN01cupMain_!!2200.jpg",
                "price": "12.50",
                "currency": "CNY",
                "url": "https://detail.1688.com/offer/6543210987.html",
            },
        ),
        (
            "https://www.aliexpress.com/item/1005001234567890.html?spm=x",
            (PAGES / "aliexpress_item.html").read_text(),
            {
                "platform": "aliexpress",
                "title": "Wireless Earbuds Bluetooth 5.3 Noise Cancelling",
                "image": "https://ae01.alicdn.com/kf/S1earbudsMain.jpg",
                "price": "7.99",
                "currency": "USD",
                "url": "https://www.aliexpress.com/item/1005001234567890.html",
            },
        ),
        (
            "https://fr.aliexpress.com/item/1005009.html",
            ALIEXPRESS_OG,
            {
                "platform": "aliexpress",
                "title": "Phone Holder for Car",
                "image": "https://fr.aliexpress.com/kf/relative.jpg",
                "price": "3.05",
                "currency": "EUR",
                "url": "https://fr.aliexpress.com/item/1005009.html",
            },
        ),
        (
            "https://item.taobao.com/item.htm?spm=a1z10&id=7001&ns=1#detail",
            TAOBAO,
            {
                "platform": "taobao",
                "title": "纯棉短袖T恤 男款 夏季",
                "image": "https://img.alicdn.com/imgextra/i1/tshirt.jpg",
                "price": "29.90",
                "currency": "CNY",
                "url": "https://item.taobao.com/item.htm?id=7001",
            },
        ),
        (
            "https://detail.tmall.com/item.htm?id=8002",
            TMALL_CLASSIC,
            {
                "platform": "taobao",
                "title": "真皮钱包 短款",
                "image": "https://img.alicdn.com/bao/wallet_400x400.jpg",
                "price": "1299.00",
                "currency": "CNY",
                "url": "https://detail.tmall.com/item.htm?id=8002",
            },
        ),
        (
            "https://www.amazon.com/Garlic-Press/dp/B00HHLNRVE/ref=sr_1_1?keywords=garlic",
            AMAZON,
            {
                "platform": "amazon",
                "title": "Garlic Press, Stainless Steel",
                "image": "https://m.media-amazon.com/images/I/71large.jpg",
                "price": "24.99",
                "currency": "USD",
                "url": "https://www.amazon.com/Garlic-Press/dp/B00HHLNRVE",
            },
        ),
        (
            "https://www.amazon.de/gp/product/B00X?th=1",
            AMAZON_DE,
            {
                "platform": "amazon",
                "title": "Knoblauchpresse",
                "image": "https://m.media-amazon.com/images/I/de.jpg",
                "price": "1234.56",
                "currency": "EUR",
                "url": "https://www.amazon.de/gp/product/B00X",
            },
        ),
    ],
    ids=[
        "1688-selectors",
        "aliexpress-jsonld",
        "aliexpress-og",
        "taobao",
        "tmall",
        "amazon",
        "amazon-de",
    ],
)
def test_extract_reads_each_layout(browser, url, html, expected):
    assert _extract(browser, url, html) == expected


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("¥ 12.50 - 15.80", "12.50"),
        ("US $1,234.56", "1234.56"),
        ("1.234,56 €", "1234.56"),
        ("12,5 zł", "12.5"),
        ("1,299", "1299"),
        ("Price: 0", ""),
        ("free", ""),
        ("", ""),
    ],
)
def test_parse_price(browser, text, price):
    page = browser.new_page()
    page.add_script_tag(path=str(EXTRACT_JS))
    assert page.evaluate("(text) => DropyardExtract.parsePrice(text)", text) == price
    page.close()
