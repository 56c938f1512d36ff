"""What the global search finds in the detainee register: register numbers, and (for internal
affairs with the clearance only: the policy scopes every hit) integrity referrals."""

from django.urls import reverse

from dalil import search

from .models import Detainee, IntegrityReferral

search.register(
    Detainee,
    fields=["number"],
    label=lambda d: d.number,
    url=lambda d: reverse("detention:detail", args=[d.pk]),
    code=lambda d: d.number,
    detail=lambda d: d.case.number,
    order=35,
    select_related=("case",),
)
search.register(
    IntegrityReferral,
    fields=["number", "detainee_name", "case_number"],
    label=lambda r: r.detainee_name,
    url=lambda r: reverse("detention:referral_detail", args=[r.pk]),
    code=lambda r: r.number,
    detail=lambda r: r.case_number,
    order=36,
)
