from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Unit
from dalil.core.text import validate_no_bidi
from dalil.ui.forms import BootstrapForm, IdentifierField

from . import door
from .models import Role


class AssignmentForm(BootstrapForm):
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all())
    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none()
    )
    include_subtree = forms.BooleanField(
        label=_("Also over the units below it"), required=False, initial=True
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = door.units_with(actor, "access.assignment.manage")  # type: ignore[attr-defined]


class RoleForm(BootstrapForm):
    code = IdentifierField(label=_("Code"), max_length=60)
    name_ar = forms.CharField(
        label=_("Name (Arabic)"), max_length=150, validators=[validate_no_bidi]
    )
    name_ckb = forms.CharField(
        label=_("Name (Sorani)"), max_length=150, required=False, validators=[validate_no_bidi]
    )
    name_en = forms.CharField(
        label=_("Name (English)"), max_length=150, required=False, validators=[validate_no_bidi]
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["permissions"]
        field.choices = [(c, f"{p.label} ({c})") for c, p in sorted(door.PERMISSIONS.items())]
        self.fields["permissions"].widget.attrs["class"] = "list-unstyled"
        if editing:
            del self.fields["code"]
