"""``dropyard picture_backfill``: make the srcset copies of images saved before they existed.

Images get their copies when they are saved; this catches up older ones (and, with ``--redo``,
rewrites every copy, e.g. after ``RENDITION_WIDTHS`` changed). Safe to interrupt and re-run.
"""

from django.core.management.base import BaseCommand

from dropyard.catalog.pictures import BACKFILL_BATCH, renditions_backfill


class Command(BaseCommand):
    help = "Make the 64–640 px JPEG copies of product images that have none."

    def add_arguments(self, parser):
        parser.add_argument("--redo", action="store_true", help="Rewrite every image's copies.")
        parser.add_argument("--batch-size", type=int, default=BACKFILL_BATCH)

    def handle(self, *args, redo: bool, batch_size: int, **options) -> None:
        def progress(done: int, total: int, unreadable: int) -> None:
            self.stderr.write(f"  {done}/{total} images ({unreadable} unreadable)")

        done, unreadable = renditions_backfill(
            redo=redo, batch_size=max(batch_size, 1), progress=progress
        )
        self.stdout.write(f"Made the copies of {done} image(s); {unreadable} unreadable (skipped).")
