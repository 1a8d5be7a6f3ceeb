from django.db.models import Exists, Max, OuterRef, Q
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .access import of_venues_for
from .acknowledgements import safety_notices_for
from .models import (
    Area,
    CaseStatus,
    EvidencePhoto,
    Hazard,
    SelfCheckStatus,
    SeriousCase,
    Venue,
    VenueKind,
    VenuePhoto,
    VenueStatus,
)
from .rules.classification import FactError, classify, parse_facts
from .workflows.patrols import may_patrol


def _error(message):
    return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})


@require_GET
def classify_view(request):
    """GET /owner/classify/?category=<kind>&<facts>: is the venue one of the nine small
    places, and why. For the registration form's live hint and for other systems."""
    slug = request.GET.get("category", "")
    kind = VenueKind.objects.filter(slug=slug).first()
    if kind is None:
        return _error(_("Unknown venue kind: %(kind)s.") % {"kind": slug})
    try:
        result = classify(kind.as_rule(), parse_facts(request.GET))
    except FactError as error:
        return _error(str(error))
    return JsonResponse(result.as_json(), json_dumps_params={"ensure_ascii": False})


def venue_card(request, code):
    """/v/<code>/: the public card behind a door's QR code. Approved venues only, and never
    any personal data: name, kinds, village, registration status, the date of the last
    accepted self-check and whether any hazard is overdue (yes or no, never which)."""
    today = timezone.localdate()
    venue = get_object_or_404(
        Venue.objects.select_related("kind", "area").prefetch_related("other_kinds").annotate(
            last_accepted_at=Max("selfchecks__submitted_at",
                                 filter=Q(selfchecks__status=SelfCheckStatus.ACCEPTED)),
            hazard_overdue=Exists(Hazard.objects.filter(Hazard.overdue_q(today), venue=OuterRef("pk"))),
        ),
        public_code=code.upper(), status=VenueStatus.APPROVED,
    )
    # Staff who may patrol the venue scan the door card to open its patrol form (?public=1
    # shows them the card). The answer depends on the session: never stored for anyone else
    # (Vary: Cookie; the redirect, for a signed-in person, is no-store: portal.middleware).
    if request.user.is_authenticated and request.GET.get("public") != "1" and may_patrol(request.user, venue):
        response = redirect("venues_patrol_form", venue_id=venue.pk)
    else:
        village = Area.village_names([venue.area])[venue.area.pk]
        # 诚信: while a serious case stands upheld and published, only the fact and its date
        # (never the reasons or any name); gone once it is repaired. The card is drawn afresh on
        # every request (no page cache, no ETag), so a decision shows at once.
        upheld = (SeriousCase.objects.filter(venue=venue, status=CaseStatus.UPHELD, published=True)
                  .order_by("-decided_at").values_list("decided_at", flat=True).first())
        response = render(request, "venues/venue_card.html", {
            "venue": venue, "village": village, "safety_notices": safety_notices_for(venue),
            "upheld_on": timezone.localtime(upheld).date() if upheld else None})
    patch_vary_headers(response, ["Cookie"])
    return response


def venue_photo(request, photo_id):
    """A venue's photo, for those who may see the venue (its owner, staff in scope)."""
    photo = get_object_or_404(of_venues_for(request.user, VenuePhoto.objects.all()), pk=photo_id)
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def evidence_photo(request, photo_id):
    """A photo of a hazard or of its fix, for those who may see the venue (its owner and
    operators, staff in scope)."""
    photos = of_venues_for(request.user, EvidencePhoto.objects.all())
    photo = get_object_or_404(photos, pk=photo_id)
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
