"""Demo product pictures drawn with Pillow: a simple drawing of the product itself (a phone
mount, a mug, earbuds…) in the variant's colour, on a soft studio background.

No downloads (the machines have no internet) and no stock art to license: each drawing is a few
shapes with a highlight and a floor shadow, recognisable at 64 px and clean at 640 px (drawn at
twice the size, then downsampled, because ``ImageDraw`` does not antialias).

``picture_jpeg(drawing, colour)`` is deterministic, so a picture is identified by its content key
``(drawing, colour, DRAWING_VERSION)``: the loader writes each key once under MEDIA_ROOT and
keeps a copy in a cache folder shared by test sessions (``picture_cached``).
"""

import functools
import io
import os
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from PIL import Image, ImageDraw, ImageFilter

from dropyard.catalog.imagehashing import index_hashes
from dropyard.catalog.pictures import rendition_name, rendition_widths, renditions_make

from .drawings import DRAWINGS, Pen, ink_for

SIZE = 640
SUPERSAMPLE = 2
DRAWING_VERSION = 2  # bump when a drawing changes: the cache key changes with it
BACKGROUND = ((248, 246, 242), (228, 231, 236))  # top, bottom of the studio gradient
# --- rendering and the on-disk cache ----------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _background(pixels: int) -> Image.Image:
    top, bottom = BACKGROUND
    gradient = Image.linear_gradient("L").resize((pixels, pixels))
    image = Image.composite(Image.new("RGB", (pixels, pixels), bottom),
                            Image.new("RGB", (pixels, pixels), top), gradient)  # fmt: skip
    shadow = Image.new("L", (pixels // 8, pixels // 8), 0)
    ImageDraw.Draw(shadow).ellipse(
        [round(v * pixels / 8000) for v in (220, 800, 780, 900)], fill=90
    )
    shadow = shadow.filter(ImageFilter.GaussianBlur(3)).resize((pixels, pixels))
    return Image.composite(Image.new("RGB", (pixels, pixels), (150, 150, 156)), image, shadow)


def picture_jpeg(drawing: str, colour: str, size: int = SIZE) -> bytes:
    """The ``drawing`` (a ``DRAWINGS`` key) of a product in ``colour`` (a ``COLOURS`` key, other
    values fall back to ``DEFAULT_COLOUR``), ``size`` px square, as JPEG bytes (quality 90: the
    srcset copies are encoded from it)."""
    pixels = size * SUPERSAMPLE
    image = _background(pixels).copy()
    DRAWINGS[drawing](Pen(ImageDraw.Draw(image), pixels), ink_for(colour))
    image = image.reduce(SUPERSAMPLE)  # box-filter downsample: the antialiasing
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, optimize=True)
    return out.getvalue()


def picture_key(drawing: str, colour: str) -> str:
    """A picture's file stem: its content key (what is drawn, in which colour, which version)."""
    return f"{drawing}-{colour.lower()}-v{DRAWING_VERSION}"


def cache_dir() -> Path | None:
    """Where pictures are kept between runs (``DROPYARD_DEMO_PICTURE_CACHE``; unset: no cache)."""
    value = os.environ.get("DROPYARD_DEMO_PICTURE_CACHE", "").strip()
    return Path(value) if value else None


def picture_cached(drawing: str, colour: str) -> bytes:
    """``picture_jpeg`` through the cache folder, when one is configured."""
    folder = cache_dir()
    path = folder / f"{picture_key(drawing, colour)}.jpg" if folder else None
    if path is not None and path.is_file():
        return path.read_bytes()
    content = picture_jpeg(drawing, colour)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(content)
        os.replace(partial, path)
    return content


@dataclass(frozen=True)
class PictureFiles:
    """A demo picture stored under MEDIA_ROOT: the original's name and size, its srcset copies
    (``ProductImage.renditions``) and the search-by-image hashes of the original."""

    name: str
    width: int
    height: int
    renditions: dict[str, str]
    hashes: list[tuple[int, int]]


def picture_files_ensure(
    keys: set[tuple[str, str]], *, folder: str, storage: Storage
) -> dict[tuple[str, str], PictureFiles]:
    """Store the picture of each ``(drawing, colour)`` once under ``folder`` (a file that is
    already there is kept: products share pictures, and a second demo run writes nothing), with
    its srcset copies; the stored files by key.

    The drawing is deterministic, so the files are identified by ``picture_key`` and may come from
    the cache folder (``picture_cached``) instead of being drawn again."""
    out = {}
    for drawing, colour in sorted(keys):
        name = f"{folder}/{picture_key(drawing, colour)}.jpg"
        if storage.exists(name):
            with storage.open(name, "rb") as stored:
                content = stored.read()
        else:
            content = picture_cached(drawing, colour)
            _save_as(storage, name, content)
        image = Image.open(io.BytesIO(content))
        image.load()
        # The full-size copy is the picture itself (already a 640 px JPEG): no second file.
        smaller = [w for w in rendition_widths(image.width) if w < image.width]
        missing = [w for w in smaller if not storage.exists(rendition_name(name, w))]
        if missing:
            for rendition in renditions_make(image, widths=missing):
                _save_as(storage, rendition_name(name, rendition.width), rendition.content)
        renditions = {str(w): rendition_name(name, w) for w in smaller}
        renditions[str(image.width)] = name
        out[(drawing, colour)] = PictureFiles(
            name=name, width=image.width, height=image.height, renditions=renditions,
            hashes=index_hashes(image),
        )  # fmt: skip
    return out


def _save_as(storage: Storage, name: str, content: bytes) -> None:
    # Another process (a parallel test worker, a second `dropyard demo`) may write the same
    # file: whichever lands, the bytes are the same (deterministic drawing).
    if storage.exists(name):
        return
    stored = storage.save(name, ContentFile(content))
    if stored != name:  # lost a race: the storage renamed ours; keep the first one
        storage.delete(stored)
