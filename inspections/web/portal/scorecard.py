"""``/scorecard/``: the head's own scorecard for a year (how their units answered for findings), the figures the
boards use."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from inspections.services.scorecard import scorecard


@require_GET
@login_required
def scorecard_page(request: HttpRequest) -> HttpResponse:
    if not request.user.headed_units.exists():
        raise Http404
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= this_year:
        raise Http404
    card = scorecard(request.user, year)
    years = list(range(this_year, max(2000, this_year - 4) - 1, -1))
    return render(request, "portal/scorecard.html", {"card": card, "year": year, "years": years})
