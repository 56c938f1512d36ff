"""Forms of the detainee register. Times are typed in Baghdad time (the settings' zone) and stored
in UTC; the services judge them (the forms only parse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Governorate, Unit
from dalil.cases.models import Offence
from dalil.parties.picker import EntityField
from dalil.ui.forms import BootstrapForm, MomentField

from . import clock
from .models import Detainee, Statement

SUGGESTED = 20  # persons of the case offered on the arrest form before any search


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class OffenceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        article = f" — {obj.article}" if obj.article else ""
        return f"{obj.category.code} {obj.category.label}{article}"


class ArrestForm(BootstrapForm):
    person = EntityField(
        label=_("Person arrested"),
        kinds=["person"],
        help_text=_(
            "The persons of this case are offered; type two letters or more of a name to find "
            "another person you may see. Record a new person under Persons first."
        ),
    )
    arrested_at = MomentField(label=_("Arrest time"))
    arrest_place = forms.CharField(label=_("Place of arrest"), max_length=300)
    arrest_governorate = forms.ModelChoiceField(
        label=_("Governorate of arrest"), queryset=Governorate.objects.all(), required=False
    )
    arresting_unit = forms.ModelChoiceField(
        label=_("Arresting unit"), queryset=Unit.objects.filter(is_active=True)
    )
    registered_at = MomentField(
        label=_("Registration time"),
        required=False,
        help_text=_(
            "Baghdad time. Leave empty to register now. More than 24 hours after the arrest is "
            "recorded as late."
        ),
    )
    offence = OffenceChoice(
        label=_("Offence the detainee is held for"),
        queryset=Offence.objects.none(),
        required=False,
        empty_label=_("Not coded yet"),
    )
    penalty = forms.ChoiceField(label=_("Maximum penalty"), choices=Detainee.Penalty.choices)
    penalty_years = forms.IntegerField(
        label=_("Maximum penalty in years"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_(
            "For imprisonment. Detention may never pass one quarter of it (Art. 109 CPC); "
            "life imprisonment counts as 20 years."
        ),
    )
    place_of_detention = forms.CharField(label=_("Place of detention"), max_length=300)
    place_unit = forms.ModelChoiceField(
        label=_("Unit holding the detainee"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
    )

    def __init__(self, *args: Any, actor: Any, persons: Any, offences: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, EntityField)
        person.bind(actor, suggestions=persons)
        self.fields["offence"].queryset = offences  # type: ignore[attr-defined]


class DecisionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return (
            f"{obj.order_number} — {obj.decided_on:%Y-%m-%d} — {obj.judge_name} "
            f"({obj.request.number}: {obj.request.get_kind_display()})"
        )


class OrderForm(BootstrapForm):
    decision = DecisionChoice(
        label=_("The judge's decision"),
        queryset=None,
        required=False,
        empty_label=_("None chosen: type the order's particulars below"),
        help_text=_(
            "The decision recorded under the case's requests to the judge that this order carries "
            "out. Its number, judge, court and date are then taken from it: leave them empty."
        ),
    )
    starts_at = MomentField(
        label=_("Start of the order"),
        help_text=_("Baghdad time. An extension starts when the previous order expires."),
    )
    days = forms.IntegerField(
        label=_("Days"),
        min_value=1,
        max_value=99,
        help_text=_("At most %(max)s days.") % {"max": clock.MAX_ORDER_DAYS},
    )
    # Required unless a decision is chosen: the service says which are missing.
    order_number = forms.CharField(label=_("Order number"), max_length=100, required=False)
    judge_name = forms.CharField(label=_("Judge"), max_length=200, required=False)
    court = forms.CharField(label=_("Court"), max_length=250, required=False)
    issued_on = forms.DateField(label=_("Date issued"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, decisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = decisions.select_related("request")
        if not decisions.exists():  # nothing recorded under the requests: type the order in
            del self.fields["decision"]
        else:  # the particulars come from the decision: hide them while one is chosen
            field.widget.attrs["data-hides"] = " ".join(
                f"id_{name}" for name in ("order_number", "judge_name", "court", "issued_on")
            )


class HoldExtensionForm(BootstrapForm):
    granted_by = forms.CharField(label=_("Judge who extended the 24 hours"), max_length=200)
    granted_at = MomentField(
        label=_("Time of the extension"),
        help_text=_("Baghdad time, within the first 24 hours after the arrest."),
    )


class AppearanceForm(BootstrapForm):
    presented_at = MomentField(label=_("Brought before the investigative judge"), required=False)
    questioned_at = MomentField(
        label=_("Questioned by the judge"),
        required=False,
        help_text=_("Baghdad time. Due within 24 hours of the appearance (Art. 123 CPC)."),
    )


class PenaltyScaleForm(BootstrapForm):
    years = forms.IntegerField(
        label=_("Years the quarter is computed from"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Empty only for the death penalty, which has no quarter limit."),
    )
    source = forms.CharField(label=_("Source (article and law)"), max_length=300)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CourtPermissionForm(BootstrapForm):
    court = forms.CharField(label=_("Criminal court"), max_length=250)
    decision_number = forms.CharField(label=_("Number of the decision"), max_length=100)
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DateInput())
    permitted_until = MomentField(
        label=_("Detention permitted until"),
        help_text=_(
            "Baghdad time. The end of the period the court permits; no order may end after it."
        ),
    )


class TransferForm(BootstrapForm):
    moved_at = MomentField(label=_("Time of the transfer"))
    to_place = forms.CharField(label=_("New place of detention"), max_length=300)
    to_unit = forms.ModelChoiceField(
        label=_("Unit holding the detainee"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
    # Where the page showed the detainee: a transfer from a page opened before another one was
    # recorded is refused instead of recording a move from a place they have already left.
    seen_place = forms.CharField(
        label=_("Place shown on the page"),
        widget=forms.HiddenInput,
        required=False,
        max_length=300,
    )
    seen_unit = forms.IntegerField(
        label=_("Unit shown on the page"), widget=forms.HiddenInput, required=False, min_value=1
    )


class ReleaseForm(BootstrapForm):
    released_at = MomentField(label=_("Release time"))
    basis = forms.ChoiceField(
        label=_("Legal basis of the release"), choices=Detainee.ReleaseBasis.choices
    )
    basis_other = forms.CharField(
        label=_("Other basis"),
        max_length=300,
        required=False,
        help_text=_("Only when the basis is “Other”."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class InjuryForm(BootstrapForm):
    noted_at = MomentField(label=_("Time of the examination"))
    noted_by = forms.CharField(
        label=_("Noted by"),
        max_length=200,
        help_text=_("Who examined the detainee (doctor, medic or officer)."),
    )
    none_visible = forms.BooleanField(label=_("No injury visible"), required=False)
    description = forms.CharField(
        label=_("Description of the injury"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    body_location = forms.CharField(label=_("Location on the body"), max_length=200, required=False)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class StatementForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Statement.Kind.choices)
    taken_at = MomentField(label=_("Time taken"))
    taken_by = forms.CharField(label=_("Taken by"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    document = forms.FileField(
        label=_("Document"), required=False, help_text=_("The signed record, if scanned.")
    )
