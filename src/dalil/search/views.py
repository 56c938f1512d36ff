from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def results(request: HttpRequest) -> HttpResponse:
    """Placeholder until the search registry lands (issue #4, CO-11): an empty result page."""
    q = request.GET.get("q", "")[:200]
    return render(request, "search/results.html", {"q": q, "results": []})
