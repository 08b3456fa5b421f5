"""Perceptual hashes of product pictures, for search by image (pure functions, no database).

The hash is imagehash's pHash (64 bits: the signs of the low frequencies of a 32×32 DCT of the
greyscale picture). Resizing and recompressing a photo move it by 0–2 bits; an unrelated
picture is 20+ bits away. Cropping moves it more (up to ~20 bits at 5% off each side), so
each stored image is hashed whole and at the centred crops of ``INDEX_CROPS``: a query that is
a slightly cropped copy is then within a few bits of one of them (measured on generated
pictures: symmetric crops of 3–5% ≤ 6 bits; uneven crops of 4% and 3% on two sides ≤ 10
bits, of 5% and 3% up to 12 bits, beyond ``MATCH_MAX_DISTANCE``).

Lookup without a scan: a 64-bit hash is cut into ``BANDS`` slices of 16 bits, each stored in
an indexed column. Two hashes within Hamming distance d differ in at most d bits spread over 4
bands, so (pigeonhole) some band differs in at most ⌊d/4⌋ bits. Probing every band value within
``PROBE_BITS`` bits of the query's band (1 + 16 + 120 = 137 values per band) therefore finds
every stored hash within ``GUARANTEED_DISTANCE`` = 4 × (PROBE_BITS + 1) − 1 = 11 bits with
indexed ``IN`` lookups; the candidates are then ranked by their exact distance.
"""

import io
import warnings
from itertools import combinations

import imagehash
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from dropyard.core.errors import DomainError

HASH_BITS = 64
BANDS = 4
BAND_BITS = HASH_BITS // BANDS
BAND_MASK = (1 << BAND_BITS) - 1
HASH_MASK = (1 << HASH_BITS) - 1
PROBE_BITS = 2
GUARANTEED_DISTANCE = BANDS * (PROBE_BITS + 1) - 1
# A match: at most this many differing bits (unrelated pictures measured 20+ apart).
MATCH_MAX_DISTANCE = 10
# Per mille trimmed from each side before hashing a stored image (0 = the whole picture).
INDEX_CROPS = (0, 40, 80)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Decoded size limits: a small file can declare a huge canvas (a decompression bomb).
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 12_000
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"})

# Every mask of at most PROBE_BITS set bits within one band.
_PROBE_MASKS: tuple[int, ...] = tuple(
    sum(1 << bit for bit in bits)
    for n in range(PROBE_BITS + 1)
    for bits in combinations(range(BAND_BITS), n)
)


class ImageRefused(DomainError):
    """The bytes are not a picture we can read (1600300; the message says why)."""


def image_decode(content: bytes, *, name: str = "image") -> Image.Image:
    """The decoded picture in ``content``; ``ImageRefused`` naming ``name`` otherwise.

    Refused: empty or over ``MAX_IMAGE_BYTES``, not an image (or a format outside
    ``ALLOWED_FORMATS``), a canvas over ``MAX_IMAGE_PIXELS`` / ``MAX_IMAGE_SIDE`` (checked from
    the header, before decoding), truncated or corrupt data.
    """
    if not content:
        raise ImageRefused(_("%(name)s is empty") % {"name": name})
    if len(content) > MAX_IMAGE_BYTES:
        raise ImageRefused(
            _("%(name)s is larger than %(mb)s MB")
            % {"name": name, "mb": MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.format not in ALLOWED_FORMATS:
                raise ImageRefused(
                    _("%(name)s is not a JPEG, PNG, GIF, WebP, BMP or TIFF picture")
                    % {"name": name}
                )
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
                raise ImageRefused(
                    _(
                        "%(name)s is too large: %(width)s×%(height)s pixels (at most "
                        "%(megapixels)s megapixels, %(side)s px a side)"
                    )
                    % {
                        "name": name,
                        "width": width,
                        "height": height,
                        "megapixels": MAX_IMAGE_PIXELS // 1_000_000,
                        "side": MAX_IMAGE_SIDE,
                    }
                )
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(_("%(name)s is too large to decode") % {"name": name}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, UnidentifiedImageError):
            raise ImageRefused(_("%(name)s is not an image") % {"name": name}) from exc
        raise ImageRefused(
            _("%(name)s is not a valid image (corrupt or truncated)") % {"name": name}
        ) from exc
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """The picture on a white background (transparent pixels would otherwise hash as black)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image


def centre_crop(image: Image.Image, permille: int) -> Image.Image:
    """The picture with ``permille``/1000 of its width and height trimmed from each side."""
    if not permille:
        return image
    width, height = image.size
    dx, dy = width * permille // 1000, height * permille // 1000
    return image.crop((dx, dy, width - dx, height - dy))


def phash64(image: Image.Image) -> int:
    """imagehash's 64-bit pHash of the picture as an unsigned integer."""
    return int(str(imagehash.phash(_flatten(image))), 16)


def index_hashes(image: Image.Image) -> list[tuple[int, int]]:
    """``(crop per mille, hash)`` for each of ``INDEX_CROPS`` (what is stored per image)."""
    flat = _flatten(image)
    return [(crop, phash64(centre_crop(flat, crop))) for crop in INDEX_CROPS]


def to_signed(value: int) -> int:
    """An unsigned 64-bit hash as the signed integer a BIGINT column holds."""
    return value - (1 << HASH_BITS) if value >= 1 << (HASH_BITS - 1) else value


def hash_bands(value: int) -> list[int]:
    """The four 16-bit slices of a hash (signed or unsigned), most significant first."""
    value &= HASH_MASK
    return [(value >> (BAND_BITS * (BANDS - 1 - i))) & BAND_MASK for i in range(BANDS)]


def band_probes(band: int) -> list[int]:
    """Every band value within ``PROBE_BITS`` bits of ``band`` (137 values)."""
    return [band ^ mask for mask in _PROBE_MASKS]


def hamming(a: int, b: int) -> int:
    """Differing bits between two hashes (signed or unsigned)."""
    return ((a ^ b) & HASH_MASK).bit_count()


def similarity(distance: int) -> float:
    """1.0 for identical hashes, falling linearly to 0.0 at 64 differing bits."""
    return round(1 - distance / HASH_BITS, 4)
