from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dalil.cases.models import CaseParty
from dalil.ui.forms import BootstrapForm, MomentField

from .models import Deadline, Decision, JudicialRequest
from .services import GROUNDS_MIN, DeadlineInput


class PartyChoice(forms.ModelMultipleChoiceField):
    """The case's parties the reader may see, labelled as the case page shows them."""

    def __init__(self, *args: Any, labels: dict[int, str] | None = None, **kwargs: Any) -> None:
        self.labels = labels or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.labels.get(obj.pk, f"{obj.entity_type} {obj.entity_id}")


class RequestForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind of request"), choices=JudicialRequest.Kind.choices)
    court = forms.CharField(
        label=_("Addressed to"),
        max_length=250,
        help_text=_("The court or the investigative judge, e.g. محكمة تحقيق الكرادة"),
    )
    persons = PartyChoice(
        label=_("Persons concerned"),
        queryset=CaseParty.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Optional: the persons or entities of this case the request is about."),
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, parties: Any, labels: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["persons"]
        field.queryset = parties  # type: ignore[attr-defined]
        field.labels = labels  # type: ignore[attr-defined]
        field.widget.attrs["class"] = "form-select"
        self.fields["grounds"].help_text = gettext(
            "What the judge needs to decide: the facts and the evidence "
            "(at least %(n)d characters)."
        ) % {"n": GROUNDS_MIN}


class ReasonForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


# The deadlines an order may set, one optional field each (name: due_<kind>).
DEADLINE_FIELDS = [
    Deadline.Kind.WARRANT_VALID_UNTIL,
    Deadline.Kind.DETENTION_UNTIL,
    Deadline.Kind.TRAVEL_BAN_UNTIL,
    Deadline.Kind.RETURN_TO_JUDGE,
    Deadline.Kind.HEARING,
]


def _when(label: Any) -> forms.DateTimeField:
    return MomentField(label=label, required=False)


class DecisionForm(BootstrapForm):
    order_number = forms.CharField(label=_("Order or decision number"), max_length=100)
    decided_on = forms.DateField(
        label=_("Date of the decision"), widget=forms.DateInput(attrs={"type": "date"})
    )
    judge_name = forms.CharField(label=_("Judge"), max_length=200)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Decision.Outcome.choices)
    text = forms.CharField(
        label=_("Text or summary of the order"), widget=forms.Textarea(attrs={"rows": 4})
    )
    scan = forms.FileField(
        label=_("Scanned order"),
        required=False,
        help_text=_("Optional: the signed order as a PDF or an image. It is kept in the vault."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in DEADLINE_FIELDS:
            self.fields[f"due_{kind}"] = _when(Deadline.Kind(kind).label)
        self.fields["due_note"] = forms.CharField(
            label=_("Note on the deadlines"), max_length=300, required=False
        )
        for name, field in self.fields.items():
            if name.startswith("due_"):
                field.widget.attrs.setdefault("class", "form-control")

    def deadlines(self) -> list[DeadlineInput]:
        note = self.cleaned_data.get("due_note", "")
        return [
            DeadlineInput(kind, self.cleaned_data[f"due_{kind}"], note)
            for kind in DEADLINE_FIELDS
            if self.cleaned_data.get(f"due_{kind}")
        ]

    def decision_fields(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k]
            for k in ("order_number", "decided_on", "judge_name", "outcome", "text")
        }


class NewDecisionForm(DecisionForm):
    """A decision on one of the case's submitted requests."""

    request = forms.ModelChoiceField(
        label=_("Request"),
        queryset=JudicialRequest.objects.none(),
        to_field_name="number",
        help_text=_("Only requests submitted to the judge and not yet decided are listed."),
    )

    def __init__(self, *args: Any, pending: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = pending  # type: ignore[attr-defined]
        self.fields["request"].widget.attrs["class"] = "form-select"
        self.order_fields(["request"])


class CorrectionForm(DecisionForm):
    reason = forms.CharField(
        label=_("Why the decision is corrected"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs.setdefault("class", "form-control")
        self.order_fields(["reason"])
