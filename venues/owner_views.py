"""The owner site under /owner/: signing up and in with a mobile number, the owner's home
(their venues and what to do next), the message box, claiming a census record, the account.
Every venue shown passes through venues.access."""

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import acknowledgements, audit, mydata
from .access import is_back_office, venues_for
from .masking import mask_mobile
from .models import (
    ANSWER_WITHIN_DAYS,
    AuditEntry,
    CodePurpose,
    CorrectionRequest,
    CorrectionStatus,
    Message,
    ReportKind,
    VenueStatus,
)
from .owner_forms import (
    ChangeMobileForm,
    ClaimForm,
    CorrectionForm,
    LoginForm,
    MobileOnlyForm,
    ReportForm,
    ResetForm,
    SignUpForm,
    SignUpStartForm,
)
from .workflows import claims, codes, corrections, reports

BACKEND = "venues.auth.MobileBackend"
SESSION_MOBILE = "owner_pending_mobile"


def _client_address(request):
    return request.META.get("REMOTE_ADDR")


def _page(request, template, title, **context):
    return render(request, template, {"title": title, **context})


def _owner_required(view):
    """Signed in, and an owner: staff have the back office instead."""
    @login_required
    def wrapped(request, *args, **kwargs):
        if is_back_office(request.user):
            return _page(request, "owner/staff_here.html", _("This is the owners' site"), hide_owner_nav=True)
        return view(request, *args, **kwargs)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _send(request, mobile, purpose, next_url):
    """Send a code and go on to ``next_url``; a limit shows its message on the form."""
    try:
        codes.send_code(mobile, purpose, _client_address(request))
    except codes.CodeError as error:
        return str(error)
    request.session[SESSION_MOBILE] = {"mobile": mobile, "purpose": purpose}
    messages.success(request, _("A 6-digit code has been sent to %(mobile)s.")
                     % {"mobile": mask_mobile(mobile)})
    return redirect(next_url)


def _pending(request, purpose):
    pending = request.session.get(SESSION_MOBILE) or {}
    return pending.get("mobile") if pending.get("purpose") == purpose else None


def link_operated_venues(user):
    """A person who proved a mobile number named as a venue's operator operates that venue."""
    from .models import Venue

    newly = Venue.objects.filter(operator_mobile=user.mobile).exclude(owner=user).exclude(operators=user)
    for venue in newly:
        venue.operators.add(user)
        acknowledgements.ask_for_venue(venue)  # the notices it must confirm, if approved


# Signing up, in and out ------------------------------------------------------------------

def _resend_data(request, purpose):
    """A "send the code again" button posts no number: it is the one in the session."""
    if request.method == "POST" and request.POST.get("resend") and _pending(request, purpose):
        return {"mobile": _pending(request, purpose)}
    return request.POST or None


@never_cache
def signup(request):
    form = SignUpStartForm(_resend_data(request, CodePurpose.SIGN_UP))
    if request.method == "POST" and form.is_valid():
        sent = _send(request, form.cleaned_data["mobile"], CodePurpose.SIGN_UP, "owner:signup_confirm")
        if not isinstance(sent, str):
            return sent
        form.add_error("mobile", sent)
    return _page(request, "owner/form.html", _("Sign up"), form=form, submit=_("Send me a code"),
                 intro=_("Sign up with your mobile number. We send a 6-digit code to it by text message."),
                 after=[(reverse("owner:login"), _("I have an account: sign in")), *_privacy_link(request)])


def _privacy_link(request):
    """The privacy notice, for the pages where we start collecting personal data."""
    from home.models import SiteSettings

    page = SiteSettings.for_request(request).live_privacy_page
    if page is None:
        return []
    return [(page.get_url(request), _("How we use your information (privacy notice)"))]


@never_cache
def signup_confirm(request):
    mobile = _pending(request, CodePurpose.SIGN_UP)
    if mobile is None:
        return redirect("owner:signup")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes.check_code(mobile, CodePurpose.SIGN_UP, form.cleaned_data["code"])
        except codes.CodeError as error:
            form.add_error("code", str(error))
        else:
            with transaction.atomic():
                if get_user_model().objects.filter(mobile=mobile).exists():
                    messages.error(request, _("This number already has an account. Please sign in."))
                    return redirect("owner:login")
                user = get_user_model().objects.create_user(
                    username=f"owner-{uuid.uuid4().hex[:12]}", password=form.cleaned_data["password1"],
                    mobile=mobile, full_name=form.cleaned_data["full_name"],
                )
                link_operated_venues(user)
            del request.session[SESSION_MOBILE]
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("owner:home")
    return _page(request, "owner/form.html", _("Sign up"), form=form, submit=_("Create my account"),
                 intro=_("Enter the code sent to %(mobile)s, your name and a password.")
                 % {"mobile": mask_mobile(mobile)},
                 resend=reverse("owner:signup"))


@never_cache
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() takes anything without a slash for a URL name.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
            next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend=BACKEND)
        return redirect(next_url or "owner:home")
    # A TemplateResponse, so that a lockout (venues.security.lockout_response) shows its
    # message on this same page, beside the form.
    return TemplateResponse(request, "owner/form.html", {
        "title": _("Sign in"), "form": form, "submit": _("Sign in"), "next": next_url,
        "after": [(reverse("owner:signup"), _("No account yet: sign up")),
                  (reverse("owner:reset"), _("Forgot the password?")),
                  ("/admin/", _("Staff sign in here"))],
    })


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("owner:login")


@never_cache
def reset(request):
    form = MobileOnlyForm(_resend_data(request, CodePurpose.RESET_PASSWORD))
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        from .auth import owners

        if not owners().filter(mobile=mobile).exists():
            form.add_error("mobile", _("No account uses this number. Please sign up."))
        else:
            sent = _send(request, mobile, CodePurpose.RESET_PASSWORD, "owner:reset_confirm")
            if not isinstance(sent, str):
                return sent
            form.add_error("mobile", sent)
    return _page(request, "owner/form.html", _("Reset the password"), form=form, submit=_("Send me a code"),
                 intro=_("We send a 6-digit code to the mobile number of your account."))


@never_cache
def reset_confirm(request):
    from .auth import owners

    mobile = _pending(request, CodePurpose.RESET_PASSWORD)
    user = owners().filter(mobile=mobile).first() if mobile else None
    if user is None:
        return redirect("owner:reset")
    form = ResetForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        # The code is used up only together with the new password and its audit entry. A
        # wrong code leaves the block normally, so its counted try is kept.
        with transaction.atomic():
            try:
                codes.check_code(mobile, CodePurpose.RESET_PASSWORD, form.cleaned_data["code"])
            except codes.CodeError as error:
                form.add_error("code", str(error))
            else:
                user.set_password(form.cleaned_data["password1"])
                user.save(update_fields=["password"])
                AuditEntry.objects.create(actor=user, action="owner.reset_password", object_type="user",
                                          object_id=str(user.pk))
        if not form.errors:
            del request.session[SESSION_MOBILE]
            messages.success(request, _("Your new password is set. Please sign in with it."))
            return redirect("owner:login")
    return _page(request, "owner/form.html", _("Reset the password"), form=form,
                 submit=_("Set the new password"),
                 intro=_("Enter the code sent to %(mobile)s and a new password.")
                 % {"mobile": mask_mobile(mobile)},
                 resend=reverse("owner:reset"))


# The owner's pages ------------------------------------------------------------------------

NEXT_STEPS = {
    VenueStatus.DRAFT: lambda: _("Finish the registration and submit it."),
    VenueStatus.RETURNED: lambda: _("Staff asked for changes: correct the registration and submit it again."),
    VenueStatus.SUBMITTED: lambda: _("Waiting for the staff of your village to review it."),
    VenueStatus.RESUBMITTED: lambda: _("Waiting for the staff of your village to review it."),
    VenueStatus.APPROVED: lambda: _("Registered. Put the door card up by the door."),
    VenueStatus.REJECTED: lambda: _("Not accepted; see the reason in your messages."),
    VenueStatus.CLOSED: lambda: _("Recorded as closed."),
}


@_owner_required
@never_cache
def home(request):
    from home import selfcheck
    from home.registration import registration_page, start_url, step_url

    page = registration_page()
    # What is due, overdue and open at each approved venue (home.selfcheck), in a constant
    # number of queries however many venues the owner holds.
    venues = list(selfcheck.with_standing_facts(venues_for(request.user).select_related("kind", "area"))
                  .order_by("-updated_at"))
    standings = selfcheck.standings([venue for venue in venues if venue.status == VenueStatus.APPROVED],
                                    selfcheck.selfcheck_page())
    rows = [{"venue": venue, "next": NEXT_STEPS[venue.status](),
             "url": step_url(venue, page) if page else None,  # without a page, no lookup per venue
             "operated": venue.owner_id != request.user.pk, "standing": standings.get(venue.pk)}
            for venue in venues]
    register_url = start_url()
    latest = Message.objects.filter(recipient=request.user)[:3]
    return _page(request, "owner/home.html", _("My venues"), rows=rows, latest=latest,
                 register_url=register_url, to_confirm=acknowledgements.pending_messages(request.user),
                 may_report=any(venue.status != VenueStatus.REJECTED for venue in venues))


@_owner_required
@never_cache
def message_list(request):
    return _page(request, "owner/messages.html", _("Messages"),
                 items=Message.objects.filter(recipient=request.user).select_related("venue"))


@_owner_required
@never_cache
def message_detail(request, message_id):
    message = get_object_or_404(Message.objects.filter(recipient=request.user)
                                .select_related("venue", "notice_version", "report"), pk=message_id)
    notice = _notice_of(request, message) if message.notice_version_id else None
    if message.read_at is None and not (notice and notice["waiting"]):
        # A notice to confirm stays unread until it is confirmed.
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return _page(request, "owner/message.html", message.subject, item=message, notice=notice)


def _notice_of(request, message):
    """What the message box shows of a notice to acknowledge: the notice itself while it is
    current, the owner's venues still to confirm it; or that it was replaced or withdrawn."""
    version = message.notice_version
    page = acknowledgements.current_pages([version]).get(version.pk)
    if page is None:
        return {"version": version, "page": None, "waiting": []}
    return {"version": version, "page": page, "url": page.get_url(request),
            "waiting": list(acknowledgements.waiting_for(request.user, version, page))}


@_owner_required
@require_POST
def message_acknowledge(request, message_id):
    message = get_object_or_404(Message.objects.filter(recipient=request.user, notice_version__isnull=False)
                                .select_related("notice_version"), pk=message_id)
    venues = acknowledgements.confirm(request.user, message.notice_version)
    if venues is None:
        messages.error(request, _("This notice has been replaced or withdrawn: nothing was recorded. "
                                  "A newer version reaches your messages if it concerns you."))
    elif venues:
        messages.success(request, _("Thank you: you have confirmed that you read “%(title)s”.")
                         % {"title": message.notice_version.title})
    return redirect("owner:message", message_id=message.pk)


@_owner_required
@never_cache
def claim(request):
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = claims.claim(form.cleaned_data["code"], request.user)
        except claims.ClaimRefused as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, _("%(venue)s is now yours.") % {"venue": venue.name})
            return redirect("owner:home")
    return _page(request, "owner/form.html", _("Claim a venue"), form=form, submit=_("Claim"),
                 intro=_("If the staff of your village recorded your venue for you, they gave you a "
                         "claim code. Enter it to take the record over."))


@_owner_required
@never_cache
def account(request):
    return _page(request, "owner/account.html", _("My account"), mobile=mask_mobile(request.user.mobile))


@_owner_required
@never_cache
def change_mobile(request):
    form = ChangeMobileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        sent = _send(request, form.cleaned_data["mobile"], CodePurpose.CHANGE_MOBILE,
                     "owner:change_mobile_confirm")
        if not isinstance(sent, str):
            return sent
        form.add_error("mobile", sent)
    return _page(request, "owner/form.html", _("Change my mobile number"), form=form,
                 submit=_("Send a code to the new number"))


@_owner_required
@never_cache
def change_mobile_confirm(request):
    from .owner_forms import CodeMixin

    mobile = _pending(request, CodePurpose.CHANGE_MOBILE)
    if mobile is None:
        return redirect("owner:change_mobile")
    form = CodeMixin(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes.check_code(mobile, CodePurpose.CHANGE_MOBILE, form.cleaned_data["code"])
        except codes.CodeError as error:
            form.add_error("code", str(error))
        else:
            user = request.user
            if get_user_model().objects.filter(mobile=mobile).exclude(pk=user.pk).exists():
                raise Http404
            old = user.mobile
            user.mobile = mobile
            user.save(update_fields=["mobile"])
            link_operated_venues(user)
            AuditEntry.objects.create(actor=user, action="owner.change_mobile", object_type="user",
                                      object_id=str(user.pk), detail={"from": mask_mobile(old)})
            del request.session[SESSION_MOBILE]
            update_session_auth_hash(request, user)
            messages.success(request, _("Your mobile number is now %(mobile)s.")
                             % {"mobile": mask_mobile(mobile)})
            return redirect("owner:account")
    return _page(request, "owner/form.html", _("Change my mobile number"), form=form, submit=_("Confirm"),
                 intro=_("Enter the code sent to %(mobile)s.") % {"mobile": mask_mobile(mobile)})


@_owner_required
@never_cache
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        AuditEntry.objects.create(actor=user, action="owner.change_password", object_type="user",
                                  object_id=str(user.pk))
        messages.success(request, _("Your password has been changed."))
        return redirect("owner:account")
    return _page(request, "owner/form.html", _("Change my password"), form=form,
                 submit=_("Change the password"))


@_owner_required
@never_cache
def my_data(request):
    """Everything we hold about the owner, as a page that also works where downloads don't
    (WeChat's browser): the same collector makes the file."""
    data = mydata.collect(request.user)
    audit.record(request, "owner.data_view", request.user)
    return _page(request, "owner/my_data.html", _("My data"), data=data,
                 open_requests=CorrectionRequest.objects.filter(
                     requester=request.user, status=CorrectionStatus.OPEN).count())


@_owner_required
@never_cache
def my_data_download(request):
    audit.record(request, "owner.data_download", request.user)
    response = HttpResponse(mydata.archive(request.user), content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.zip"'
    return response


@_owner_required
@never_cache
def correction(request):
    venues = venues_for(request.user).order_by("name", "pk")
    form = CorrectionForm(request.POST or None, venues=venues)
    if request.method == "POST" and form.is_valid():
        try:
            corrections.file(request.user, form.venue(), form.cleaned_data["what"],
                             form.cleaned_data["submission_id"])
        except corrections.CorrectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request has been sent. Staff will answer within "
                                        "%(days)s days; the answer will be in your messages.")
                             % {"days": ANSWER_WITHIN_DAYS})
            return redirect("owner:my_data")
    return _page(request, "owner/form.html", _("Ask us to correct your data"), form=form,
                 submit=_("Send the request"),
                 intro=_("Tell us what is wrong in the data we hold about you or your venue. Staff of "
                         "your village will check it and correct it, or tell you why it stays."),
                 after=[(reverse("owner:my_data"), _("Back to my data"))])


# Reports to the town (venues.workflows.reports) -----------------------------------------

@_owner_required
@never_cache
def report_list(request):
    items = reports.reports_for(request.user).select_related("venue")
    return _page(request, "owner/reports.html", _("Report to the town"), items=items,
                 kinds=ReportKind.choices)


@_owner_required
@never_cache
def report_new(request, kind):
    if kind not in ReportKind.values:
        raise Http404
    kind = ReportKind(kind)
    venues = [venue for venue in venues_for(request.user).order_by("name", "pk")
              if reports.may_file(request.user, venue, kind)]
    title = kind.label
    if not venues:
        return _page(request, "owner/report_none.html", title, kind=kind)
    form = ReportForm(request.POST or None, kind=kind, venues=venues)
    if request.method == "POST" and form.is_valid():
        report = reports.file(request.user, form.chosen_venue(), kind, form.report_data(),
                              form.cleaned_data["submission_id"])
        messages.success(request, _("Your report has been sent to the staff of your village. Their "
                                    "answer will be in your messages."))
        return redirect("owner:report", report_id=report.pk)
    return _page(request, "owner/form.html", title, form=form, submit=_("Send the report"),
                 intro=REPORT_INTROS[kind](),
                 after=[(reverse("owner:reports"), _("Back to my reports"))])


REPORT_INTROS = {
    ReportKind.OPERATOR: lambda: _("Tell us who runs the venue from now on. Staff update the register "
                                   "and the new operator can sign in with their own mobile number."),
    ReportKind.BUSINESS: lambda: _("Tell us what changes in your business, for example a shop that "
                                   "starts serving meals. A new kind may bring other safety checks."),
    ReportKind.CLOSING: lambda: _("Tell us when the venue closes. Self-checks stop while it is closed."),
    ReportKind.REOPENING: lambda: _("Tell us when the venue opens again. Self-checks start again."),
    ReportKind.WORKS: lambda: _("Report repairs, installation or hot work (welding, cutting, open flame) "
                                "before they start, with the dates and the safety measures you take."),
    ReportKind.GUIDANCE: lambda: _("Ask the staff of your village to come and advise you on safety at "
                                   "your venue."),
}


@_owner_required
@never_cache
def report_detail(request, report_id):
    report = get_object_or_404(reports.reports_for(request.user).select_related("venue", "new_kind"),
                               pk=report_id)
    return _page(request, "owner/report.html", report.get_kind_display(), report=report,
                 events=report.events.all(), facts=ReportForm.facts(report))
