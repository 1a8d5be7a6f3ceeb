"""The daily work: recompute risk levels and due dates (rules over dates change with the
calendar), then send the reminders that are due, and index the names of venues an older
release wrote (venues.name_search), and publish the scorecards of the month just closed
(venues.scorecards.freeze_closed_months: each month is frozen once), and repair the serious
integrity cases whose time of good conduct has passed (venues.workflows.cases.repair_due).
Safe to run as often as you like: each reminder goes once per due date. In production run it
from cron or a systemd timer, e.g.
``15 7 * * * cd /srv/portal && .venv/bin/python manage.py daily_jobs``."""

from django.core.management.base import BaseCommand

from venues import name_search, reminders, schedule, scorecards
from venues.workflows import cases


class Command(BaseCommand):
    help = "Recompute risk levels and self-check due dates, then send due reminders."

    def handle(self, *args, **options):
        changed = schedule.refresh()
        sent = reminders.send_reminders()
        named = name_search.fill_missing()
        frozen = scorecards.freeze_closed_months()
        repaired = cases.repair_due()
        self.stdout.write(f"venues updated: {changed}; reminders sent: {sent}; names indexed: {named}; "
                          f"scorecard months published: {frozen}; serious cases repaired: {repaired}")
