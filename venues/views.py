from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .models import VenueKind
from .rules.classification import FactError, classify, parse_facts


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
