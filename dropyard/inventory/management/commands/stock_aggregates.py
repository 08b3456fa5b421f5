"""``dropyard stock_aggregates --check | --rebuild``: the consistency check and the repair of the
per-product stock aggregates the catalog search reads (``inventory.aggregates``)."""

from django.core.management.base import BaseCommand, CommandError

from dropyard.inventory.aggregates import product_stock_mismatches, product_stock_rebuild


class Command(BaseCommand):
    help = "Check (--check) or rebuild (--rebuild) the per-product stock aggregates of the search."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="list drifted products")
        action.add_argument("--rebuild", action="store_true", help="recompute every product")

    def handle(self, *args, **options):
        if options["rebuild"]:
            product_stock_rebuild()
        drifted = product_stock_mismatches()
        if drifted:
            shown = ", ".join(str(pk) for pk in drifted[:20])
            more = " (first 100 checked)" if len(drifted) >= 100 else ""
            raise CommandError(
                f"{len(drifted)} products{more} have stock aggregates that differ from their "
                f"stock rows: {shown}; run stock_aggregates --rebuild"
            )
        self.stdout.write("stock aggregates are consistent with the stock rows")
