"""Input forms of case work. They parse; the services decide (and say why in their messages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import User
from dalil.ui.forms import BootstrapForm, MomentField, UserChoice

from .models import Document, Task


class TaskForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=250)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    assignee = UserChoice(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Members of the case and of its unit who may see the case."),
    )
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Task.Priority.choices, initial=Task.Priority.NORMAL
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[u.pk for u in candidates]
        ).order_by("full_name", "pk")


class TaskCancelForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Why is the task cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )


class JournalForm(BootstrapForm):
    occurred_at = MomentField(
        label=_("Time of the event"),
        required=False,
        help_text=_("Baghdad time. Leave empty for now."),
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))


class AmendForm(JournalForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("The earlier text stays in the record; say why it is amended."),
    )

    field_order = ["version", "occurred_at", "text", "reason"]


class DocumentForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=250)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    dated_on = forms.DateField(
        label=_("Date of the document"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # Empty files reach the service, which refuses them with its own message.
    file = forms.FileField(label=_("File"), allow_empty_file=True)


class WithdrawForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The document stays in the record, marked as withdrawn."),
    )
