from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil.ui.forms import BootstrapForm

from . import registry


class LedgerFilterForm(BootstrapForm):
    actor_name = forms.CharField(label=_("Who"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    target_type = forms.CharField(label=_("Record type"), max_length=80, required=False)
    target_id = forms.CharField(label=_("Record"), max_length=64, required=False)
    since = forms.DateTimeField(
        label=_("From"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    until = forms.DateTimeField(
        label=_("Until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field: Any = self.fields["action"]
        field.choices = [("", _("Any action"))] + [
            (a.code, f"{a.label} ({a.code})") for a in registry.all_actions()
        ]


class ExportForm(BootstrapForm):
    since = forms.DateTimeField(
        label=_("From"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    until = forms.DateTimeField(
        label=_("Until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class AcknowledgeForm(BootstrapForm):
    note = forms.CharField(
        label=_("What you found"),
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the alert; the ledger keeps its fingerprint."),
    )
