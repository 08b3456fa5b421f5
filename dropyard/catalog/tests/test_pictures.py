"""Product pictures at the sizes pages show them (``catalog.pictures``, ``picture_backfill``) and
the ``product_picture`` template tag."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import Context, Template
from PIL import Image

from dropyard.catalog import services
from dropyard.catalog.models import ProductImage
from dropyard.catalog.pictures import picture_of, rendition_widths, renditions_backfill
from dropyard.catalog.tests.factories import make_product, png_bytes

pytestmark = pytest.mark.django_db


def _sizes(image: ProductImage) -> dict[str, tuple[int, int]]:
    out = {}
    for width, name in image.renditions.items():
        with default_storage.open(name, "rb") as stored, Image.open(stored) as copy:
            assert copy.format == "JPEG"
            out[width] = copy.size
    return out


def _upload(size, fmt="PNG", mode="RGB") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else "red").save(out, format=fmt)
    return SimpleUploadedFile(f"p.{fmt.lower()}", out.getvalue(), content_type="image/png")


def test_saving_an_image_makes_a_copy_at_each_width():
    product = make_product()

    image = services.product_image_add(product=product, upload=_upload((1000, 800)), actor=None)

    image.refresh_from_db()
    assert (image.width, image.height) == (1000, 800)
    assert _sizes(image) == {
        "64": (64, 51),
        "160": (160, 128),
        "320": (320, 256),
        "640": (640, 512),
    }
    stem = Path(image.image.name).stem
    assert image.renditions["160"] == f"products/{product.public_id}/{stem}_w160.jpg"


def test_a_small_image_is_not_upscaled_and_transparency_becomes_white():
    product = make_product()

    image = services.product_image_add(
        product=product, upload=_upload((100, 50), mode="RGBA"), actor=None
    )

    assert _sizes(image) == {"64": (64, 32), "100": (100, 50)}
    with default_storage.open(image.renditions["100"], "rb") as stored:
        corner = Image.open(stored).convert("RGB").getpixel((0, 0))
    assert all(abs(a - b) < 12 for a, b in zip(corner, (227, 142, 142), strict=True))


def test_rendition_widths():
    assert rendition_widths(2000) == [64, 160, 320, 640]
    assert rendition_widths(640) == [64, 160, 320, 640]
    assert rendition_widths(200) == [64, 160, 200]
    assert rendition_widths(30) == [30]
    assert rendition_widths(0) == []


def test_removing_an_image_deletes_its_copies(django_capture_on_commit_callbacks):
    product = make_product()
    image = services.product_image_add(product=product, upload=_upload((700, 700)), actor=None)
    names = list(image.renditions.values())
    assert all(default_storage.exists(n) for n in names)

    with django_capture_on_commit_callbacks(execute=True):
        services.product_image_remove(image=image, actor=None)

    assert [n for n in names if default_storage.exists(n)] == []


def _bare_image(product, name: str, content: bytes, position: int = 0) -> ProductImage:
    """An image row as saved before the copies existed (no renditions)."""
    stored = default_storage.save(name, ContentFile(content))
    return ProductImage.objects.create(product=product, image=stored, position=position)


def test_backfill_makes_the_missing_copies_once_per_file(capsys):
    product = make_product()
    shared = _bare_image(product, "legacy/shared.png", png_bytes((800, 400)))
    twin = ProductImage.objects.create(product=product, image=shared.image.name, position=1)
    broken = _bare_image(product, "legacy/broken.png", b"not a picture", position=2)

    call_command("picture_backfill")

    shared.refresh_from_db()
    twin.refresh_from_db()
    broken.refresh_from_db()
    assert _sizes(shared) == {
        "64": (64, 32),
        "160": (160, 80),
        "320": (320, 160),
        "640": (640, 320),
    }
    assert twin.renditions == shared.renditions
    assert (twin.width, twin.height) == (800, 400)
    assert broken.renditions == {}
    assert "Made the copies of 2 image(s); 1 unreadable (skipped)." in capsys.readouterr().out
    assert renditions_backfill() == (0, 1)  # only the unreadable one is still pending


def _render(text: str, **context) -> str:
    return Template("{% load catalog_pictures %}" + text).render(Context(context))


def test_tag_lists_every_copy_in_srcset_with_the_box_size():
    product = make_product()
    image = services.product_image_add(product=product, upload=_upload((1000, 1000)), actor=None)
    url = default_storage.url

    html = _render("{% product_picture image 48 css='x' %}", image=image)

    assert html == (
        f'<img src="{url(image.renditions["64"])}" srcset="{url(image.renditions["64"])} 64w, '
        f"{url(image.renditions['160'])} 160w, {url(image.renditions['320'])} 320w, "
        f'{url(image.renditions["640"])} 640w" sizes="48px" width="48" height="48" alt="" '
        'class="product-picture x" loading="lazy" decoding="async" '
        'data-testid="product-picture">'
    )


def test_tag_takes_a_variant_or_product_and_escapes_alt():
    product = make_product(variants=2)
    first = services.product_image_add(product=product, upload=_upload((300, 300)), actor=None)
    second = services.product_image_add(product=product, upload=_upload((300, 300)), actor=None)
    own, plain = product.variants.order_by("position")
    own.image = second
    own.save(update_fields=["image"])

    assert picture_of(own) == second
    assert picture_of(plain) == first
    assert picture_of(product) == first
    html = _render(
        "{% product_picture v 160 alt=name sizes='50vw' eager=True %}", v=plain, name='A "b" <c>'
    )
    assert 'alt="A &quot;b&quot; &lt;c&gt;"' in html
    assert 'sizes="50vw"' in html
    assert 'loading="eager"' in html
    assert f'src="{default_storage.url(first.renditions["160"])}"' in html


def test_tag_shows_a_placeholder_without_a_picture():
    product = make_product()

    for subject in (product, product.variants.first(), None, ""):
        html = _render("{% product_picture s 64 %}", s=subject)

        assert html == (
            '<img src="/static/dropyard/img/no-picture.svg" width="64" height="64" alt="" '
            'class="product-picture product-picture-empty" loading="lazy" '
            'data-testid="no-picture">'
        )


def test_tag_falls_back_to_the_original_before_the_backfill():
    product = make_product()
    image = _bare_image(product, "legacy/old.png", png_bytes((200, 200)))

    html = _render("{% product_picture image 64 %}", image=image)

    assert f'src="{image.image.url}"' in html
    assert "srcset" not in html
