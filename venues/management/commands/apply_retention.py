from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from venues import retention


class Command(BaseCommand):
    help = ("Apply the retention rules (venues.retention): remove personal data that is no longer "
            "needed, keeping anonymous records for the statistics. Run it nightly.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Count what would be removed, and change nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            # Rolled back, nothing is removed; files go only on commit, so they stay too.
            with transaction.atomic():
                done = retention.apply_all(timezone.now())
                transaction.set_rollback(True)
        else:
            # Each record in a transaction of its own: the site goes on writing meanwhile.
            done = retention.apply_all(timezone.now())
        for rule in retention.RULES:
            period = retention.days(rule.key)
            self.stdout.write(f"{rule.key:<22} {period:>5} days  {done[rule.key]:>6}  {rule.label}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
