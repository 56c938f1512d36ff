"""Forms for persons and entities. They only shape the input: the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil import access
from dalil.accounts.models import Governorate, Unit
from dalil.ui.forms import BootstrapForm

from .models import ENTITY_TYPE_CHOICES, IdentityDocument, Link, Organisation, Person
from .picker import EntityField

LTR = {"dir": "ltr"}


class UnitChoiceMixin(BootstrapForm):
    """A `unit` field offering the units where the actor may record entities."""

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        if "unit" in fields:
            units = access.units_with(actor, "parties.entity.manage").order_by("path")
            fields["unit"].queryset = units  # type: ignore[attr-defined]
            if units.count() == 1:
                fields["unit"].initial = units.first()


def _unit_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Recording unit"), queryset=Unit.objects.none(), empty_label=None
    )


class PersonForm(UnitChoiceMixin):
    unit = _unit_field()
    given_name_ar = forms.CharField(label=_("Given name"), max_length=60)
    father_name_ar = forms.CharField(label=_("Father"), max_length=60, required=False)
    grandfather_name_ar = forms.CharField(label=_("Grandfather"), max_length=60, required=False)
    family_name_ar = forms.CharField(label=_("Family or tribe"), max_length=80, required=False)
    given_name_latin = forms.CharField(
        label=_("Given name"), max_length=60, required=False, widget=forms.TextInput(attrs=LTR)
    )
    father_name_latin = forms.CharField(
        label=_("Father"), max_length=60, required=False, widget=forms.TextInput(attrs=LTR)
    )
    grandfather_name_latin = forms.CharField(
        label=_("Grandfather"), max_length=60, required=False, widget=forms.TextInput(attrs=LTR)
    )
    family_name_latin = forms.CharField(
        label=_("Family or tribe"), max_length=80, required=False, widget=forms.TextInput(attrs=LTR)
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, initial="u")
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    birth_month = forms.IntegerField(label=_("Month"), required=False)
    birth_day = forms.IntegerField(label=_("Day"), required=False)
    nationality = forms.CharField(
        label=_("Nationality (ISO code)"),
        max_length=2,
        initial="IQ",
        widget=forms.TextInput(attrs=LTR),
    )
    aliases = forms.CharField(
        label=_("Aliases (one a line)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_duplicate = forms.BooleanField(
        label=_("This is a different person: record them anyway"), required=False
    )

    AR = Person.AR_PARTS
    LATIN = Person.LATIN_PARTS


class PersonEditForm(PersonForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("unit", "aliases", "confirm_duplicate"):
            del self.fields[name]


class AliasForm(BootstrapForm):
    name = forms.CharField(label=_("Alias"), max_length=120)


class DocumentForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Document type"), choices=IdentityDocument.Kind.choices)
    number = forms.CharField(label=_("Number"), max_length=60, widget=forms.TextInput(attrs=LTR))
    issuing_country = forms.CharField(
        label=_("Issuing country (ISO code)"),
        max_length=2,
        initial="IQ",
        widget=forms.TextInput(attrs=LTR),
    )
    issuing_authority = forms.CharField(
        label=_("Issuing authority"), max_length=120, required=False
    )


class OrganisationForm(UnitChoiceMixin):
    unit = _unit_field()
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200)
    name_latin = forms.CharField(
        label=_("Name (Latin)"), max_length=200, required=False, widget=forms.TextInput(attrs=LTR)
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs=LTR),
    )


class PhoneForm(UnitChoiceMixin):
    unit = _unit_field()
    number = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        help_text=_("As written: 0770 123 4567 or +964 770 123 4567; Arabic digits are fine."),
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VehicleForm(UnitChoiceMixin):
    unit = _unit_field()
    plate = forms.CharField(label=_("Plate (as written)"), max_length=40)
    make = forms.CharField(label=_("Make"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=60, required=False)
    colour = forms.CharField(label=_("Colour"), max_length=40, required=False)
    vin = forms.CharField(
        label=_("VIN"), max_length=30, required=False, widget=forms.TextInput(attrs=LTR)
    )


class AccountForm(UnitChoiceMixin):
    unit = _unit_field()
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=50,
        widget=forms.TextInput(attrs=LTR),
        help_text=_("An Iraqi IBAN has 23 characters and starts with IQ."),
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=120, required=False)
    holder_name = forms.CharField(label=_("Account holder"), max_length=200, required=False)


class AddressForm(UnitChoiceMixin):
    unit = _unit_field()
    governorate = forms.ModelChoiceField(label=_("Governorate"), queryset=Governorate.objects.all())
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    text = forms.CharField(label=_("Address"), max_length=300)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
    )


ENTITY_FORMS: dict[str, type[forms.Form]] = {
    "organisation": OrganisationForm,
    "phone": PhoneForm,
    "vehicle": VehicleForm,
    "account": AccountForm,
    "address": AddressForm,
}


class LinkForm(BootstrapForm):
    link_type = forms.ChoiceField(label=_("Link"), choices=Link.Type.choices)
    target = EntityField(label=_("To"), kinds=[k for k, _l in ENTITY_TYPE_CHOICES])
    source = forms.CharField(label=_("Source"), max_length=300)
    reliability = forms.ChoiceField(label=_("Source reliability"), choices=Link.Reliability.choices)
    credibility = forms.ChoiceField(
        label=_("Information credibility"), choices=Link.Credibility.choices
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].bind(actor)  # type: ignore[attr-defined]
