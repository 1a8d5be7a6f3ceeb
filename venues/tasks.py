"""Background tasks, on the "background" task backend (the database queue; inline in tests)."""

from django.db import transaction
from django.utils import timezone

from django_tasks import task

from . import sms
from .models import Message, SmsStatus


@task(backend="background")
def send_message_sms(message_id):
    """Send a message's text message once; a rerun after success sends nothing."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().select_related("recipient").filter(pk=message_id).first()
        )
        if message is None or message.sms_status != SmsStatus.QUEUED:
            return
        try:
            sms.send_sms(message.recipient.mobile, message.sms_template, message.sms_params)
        except sms.SmsError as error:
            message.sms_status, message.sms_error = SmsStatus.FAILED, str(error)[:200]
        else:
            message.sms_status, message.sms_sent_at = SmsStatus.SENT, timezone.now()
        message.save(update_fields=["sms_status", "sms_error", "sms_sent_at"])


@task(backend="background")
def refresh_schedules():
    """Recompute every venue's risk level and due date after the rules changed."""
    from . import schedule

    schedule.refresh()


@task(backend="background")
def deliver_notice(version_id):
    """Tell the owners a notice version concerns (venues.acknowledgements.deliver)."""
    from . import acknowledgements
    from .models import NoticeVersion

    version = NoticeVersion.objects.filter(pk=version_id).first()
    if version is not None:
        acknowledgements.deliver(version)
