from django.core.management.base import BaseCommand

from dalil.audit.ledger import System, source
from dalil.search import indexing, services


class Command(BaseCommand):
    help = (
        "Search index tools: reindex (rebuild everything), status (records missing from the index)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("reindex", help="rebuild the whole index (existing data, after an upgrade)")
        sub.add_parser("status", help="count records without an index entry, per model")

    def handle(self, *args: object, **options: object) -> None:
        if options["sub"] == "reindex":
            with source("cli:search"):
                counts = services.reindex(actor=System("cli:search"))
            for key, n in counts.items():
                self.stdout.write(f"{key}: {n} indexed")
            self.stdout.write(
                self.style.SUCCESS(f"Search index rebuilt: {sum(counts.values())} records.")
            )
        else:
            gaps = indexing.missing()
            for key, n in gaps.items():
                self.stdout.write(f"{key}: {n} missing" if n else f"{key}: complete")
            if any(gaps.values()):
                self.stdout.write("Run `dalil search reindex`.")
