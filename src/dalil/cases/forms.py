from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil.access.models import Compartment
from dalil.accounts.models import Governorate, Unit, User
from dalil.parties.picker import EntityField
from dalil.ui.forms import BootstrapForm

from .models import PARTY_TYPE_CHOICES, CaseMember, CaseParty, IccsCategory, Offence
from .policies import sees_informants


class CaseCreateForm(BootstrapForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=250)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    lead = forms.ModelChoiceField(label=_("Lead investigator"), queryset=User.objects.none())
    compartment = forms.ModelChoiceField(
        label=_("Compartment"),
        queryset=Compartment.objects.none(),
        required=False,
        empty_label=_("None (an ordinary case)"),
        help_text=_("A compartmented case is seen only by holders of its clearance."),
    )

    def __init__(
        self, *args: Any, units: Any, leads: Any, compartments: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
        self.fields["compartment"].queryset = compartments  # type: ignore[attr-defined]


class CaseEditForm(BootstrapForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=250)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class StepForm(BootstrapForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class MemberForm(BootstrapForm):
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.none())
    role = forms.ChoiceField(
        label=_("Role in the case"),
        choices=[(v, lbl) for v, lbl in CaseMember.Role.choices if v != CaseMember.Role.LEAD],
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class OffenceForm(BootstrapForm):
    category = forms.ModelChoiceField(
        label=_("ICCS category"),
        queryset=IccsCategory.objects.filter(level__gte=2),
        to_field_name="code",
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Offence.Stage.choices)
    article = forms.CharField(
        label=_("Article of national law"),
        max_length=300,
        required=False,
        help_text=_("For example: المادة 406 من قانون العقوبات رقم 111 لسنة 1969"),
    )
    committed_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    governorate = forms.ModelChoiceField(
        label=_("Governorate"), queryset=Governorate.objects.all(), required=False
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Decimal degrees north, e.g. 33.30630"),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Decimal degrees east, e.g. 44.42640"),
    )


class PartyForm(BootstrapForm):
    entity = EntityField(label=_("Person or entity"), kinds=[k for k, _l in PARTY_TYPE_CHOICES])
    role = forms.ChoiceField(label=_("Role in the case"), choices=CaseParty.Role.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entity"].bind(actor)  # type: ignore[attr-defined]
        if not sees_informants(actor):  # the role is offered only to those who may see it
            self.fields["role"].choices = [  # type: ignore[attr-defined]
                c for c in CaseParty.Role.choices if c[0] != CaseParty.Role.INFORMANT
            ]
