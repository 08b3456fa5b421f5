import pytest

from dropyard.sourcing.platforms import platform_of, url_key


@pytest.mark.parametrize(
    ("url", "platform", "key"),
    [
        ("https://detail.1688.com/offer/624523847261.html?spm=a26", "1688", "1688:624523847261"),
        ("https://m.1688.com/offer/624523847261.html", "1688", "1688:624523847261"),
        (
            "https://item.taobao.com/item.htm?id=6723456789&ali_refid=x",
            "taobao",
            "taobao:6723456789",
        ),
        ("https://detail.tmall.com/item.htm?id=6723456789", "tmall", "taobao:6723456789"),
        (
            "https://www.aliexpress.com/item/1005006123456789.html?spm=1",
            "aliexpress",
            "aliexpress:1005006123456789",
        ),
        ("https://www.amazon.com/Some-Name/dp/B0C1234567/ref=sr_1", "amazon", "amazon:B0C1234567"),
        ("https://www.amazon.co.uk/gp/product/b0c1234567", "amazon", "amazon:B0C1234567"),
        (
            "https://shop.example.com/Products/Lamp/?utm=1#top",
            "other",
            "shop.example.com/products/lamp",
        ),
        ("", "none", ""),
        (
            "https://notamazon.com.evil.example/dp/B0C1234567",
            "other",
            "notamazon.com.evil.example/dp/b0c1234567",
        ),
    ],
)
def test_platform_and_duplicate_key_from_the_url(url, platform, key):
    assert (platform_of(url), url_key(url)) == (platform, key)
