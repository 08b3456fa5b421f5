"""``dropyard imagehash_backfill``: index product images saved before search by image existed.

Images are indexed when they are saved; this catches up older ones (and, with ``--redo``,
recomputes every image, e.g. after ``INDEX_CROPS`` changed). Safe to interrupt and re-run.
"""

from django.core.management.base import BaseCommand

from dropyard.catalog.image_index import BACKFILL_BATCH, image_hashes_backfill
from dropyard.core.text import counted


class Command(BaseCommand):
    help = "Compute the perceptual hashes (search by image) of product images that have none."

    def add_arguments(self, parser):
        parser.add_argument("--redo", action="store_true", help="Recompute every image.")
        parser.add_argument("--batch-size", type=int, default=BACKFILL_BATCH)

    def handle(self, *args, redo: bool, batch_size: int, **options) -> None:
        def progress(done: int, total: int, unreadable: int) -> None:
            self.stderr.write(f"  {done}/{total} images ({unreadable} unreadable)")

        indexed, unreadable = image_hashes_backfill(
            redo=redo, batch_size=max(batch_size, 1), progress=progress
        )
        self.stdout.write(
            f"Indexed {counted(indexed, 'image')}; {unreadable} unreadable (skipped)."
        )
