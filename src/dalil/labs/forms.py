from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Unit
from dalil.ui.forms import BootstrapForm

from .models import LabRequest, Section


class RequestForm(BootstrapForm):
    """A laboratory request: the laboratory, and for each item the reader holds in the case, the
    sections asked to examine it (none: the item is not sent)."""

    lab = forms.ModelChoiceField(
        label=_("Laboratory"), queryset=Unit.objects.none(), empty_label=_("— choose —")
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=LabRequest.Priority.choices, initial="routine"
    )
    priority_reason = forms.CharField(
        label=_("Reason for the priority"),
        max_length=500,
        required=False,
        help_text=_("Needed unless the priority is routine."),
    )
    questions = forms.CharField(
        label=_("Questions to answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("For example: Is the powder heroin? What is its net weight?"),
    )

    def __init__(self, *args: Any, labs: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = labs  # type: ignore[attr-defined]
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.MultipleChoiceField(
                label=f"{item.number} — {item.description[:60]}",
                choices=Section.Kind.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["exams"] = [
            (item, kind) for item in self.items for kind in data.pop(f"item_{item.pk}", [])
        ]
        return data


class ReturnForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Why is it sent back?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AcceptForm(BootstrapForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
