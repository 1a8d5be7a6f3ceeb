"""The back office's side of owners' correction requests: a list of those within the
person's scope, and one request with the owner's data beside it and the answer form. The
data itself is corrected through the usual pages (the venue's edit view); this closes the
request and tells the owner."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import corrections_for
from .masking import mask_mobile
from .models import ANSWER_WITHIN_DAYS, CorrectionStatus
from .workflows import corrections


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("outcome"), widget=forms.RadioSelect,
        choices=[(CorrectionStatus.CORRECTED, gettext_lazy("corrected as asked")),
                 (CorrectionStatus.DECLINED, gettext_lazy("not corrected (say why)"))],
    )
    answer = forms.CharField(
        label=gettext_lazy("answer to the owner"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The owner reads this in their messages."),
    )


def _scope(request):
    requests = corrections_for(request.user)
    if not request.user.is_superuser and not request.user.has_perm("venues.review_venue"):
        raise PermissionDenied
    return requests.select_related("requester", "venue", "venue__area", "handled_by")


def correction_index(request):
    requests = _scope(request)
    show = request.GET.get("show", "open")
    if show != "all":
        requests = requests.filter(status=CorrectionStatus.OPEN)
    requests = list(requests.order_by("created_at", "pk") if show != "all" else requests[:500])
    now = timezone.now()
    for item in requests:
        item.overdue = item.is_open and item.answer_due < now
    return render(request, "venues/admin/correction_index.html", {
        "requests": requests, "show": show, "days": ANSWER_WITHIN_DAYS,
    })


def correction_detail(request, request_id):
    item = get_object_or_404(_scope(request), pk=request_id)
    form = AnswerForm(request.POST or None) if item.is_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            corrections.answer(item, request.user, form.cleaned_data["status"], form.cleaned_data["answer"])
        except corrections.CorrectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The owner has been told."))
            return redirect("venues_correction_index")
    return render(request, "venues/admin/correction_detail.html", {
        "item": item, "form": form, "requester_mobile": mask_mobile(item.requester.mobile),
        "venue_url": (reverse("venues_venue_modeladmin_inspect", args=[item.venue_id])
                      if item.venue_id else ""),
        "overdue": item.is_open and item.answer_due < timezone.now(),
    })
