"""Input forms of the scene record. They parse; the services decide (and say why)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Governorate, User
from dalil.ui.forms import BootstrapForm, MomentField, UserChoice

from .models import PROTECTIVE, CordonEntry, Scene, ScenePhoto


class SceneForm(BootstrapForm):
    title = forms.CharField(
        label=_("Short description"),
        max_length=200,
        help_text=_("For example: house of the victim, shop front, riverbank."),
    )
    governorate = forms.ModelChoiceField(label=_("Governorate"), queryset=Governorate.objects.all())
    address = forms.CharField(label=_("Address"), max_length=300)
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
    called_at = MomentField(label=_("Call received"))
    arrived_at = MomentField(label=_("Arrived at the scene"), required=False)
    released_at = MomentField(
        label=_("Scene released"),
        required=False,
        help_text=_("Baghdad time. Leave empty while the scene is held."),
    )
    lead_officer = UserChoice(label=_("Lead officer"), queryset=User.objects.none())
    weather = forms.ChoiceField(
        label=_("Weather"), choices=[("", "—"), *Scene.Weather.choices], required=False
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        max_length=300,
        required=False,
        help_text=_("Light, temperature, anything that affects the evidence."),
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20000,
    )

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[u.pk for u in officers]
        ).order_by("full_name", "pk")


class SceneEditForm(SceneForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CordonForm(BootstrapForm):
    cordon = forms.ChoiceField(
        label=_("Cordon"),
        choices=CordonEntry.Cordon.choices,
        initial=CordonEntry.Cordon.INNER,
        widget=forms.RadioSelect,
    )
    person = UserChoice(
        label=_("A Dalil user"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— someone without an account —"),
    )
    person_name = forms.CharField(
        label=_("Or the name of someone without an account"), max_length=200, required=False
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("For example: civil defence, ambulance, the investigating judge's office."),
    )
    entered_at = MomentField(
        label=_("In"), required=False, help_text=_("Baghdad time. Leave empty for now.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    protective = forms.MultipleChoiceField(
        label=_("Protective clothing"),
        choices=PROTECTIVE,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[u.pk for u in people]
        ).order_by("full_name", "pk")


class LeaveForm(BootstrapForm):
    left_at = MomentField(
        label=_("Out"), required=False, help_text=_("Baghdad time. Leave empty for now.")
    )


class PhotoForm(BootstrapForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ScenePhoto.Kind.choices,
        initial=ScenePhoto.Kind.PHOTO,
        widget=forms.RadioSelect,
    )
    upload = forms.FileField(
        label=_("File"),
        help_text=_("A photograph in JPEG or PNG; a sketch may also be a PDF scan."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    taken_at = MomentField(
        label=_("Taken at"),
        required=False,
        help_text=_("Baghdad time. Leave empty to take the camera's time, or now."),
    )
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    scale = forms.CharField(
        label=_("Scale (sketch)"), max_length=40, required=False, help_text=_("For example 1:50.")
    )
    item_numbers = forms.CharField(
        label=_("Items shown (sketch)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
        help_text=_("Item numbers of this case, separated by spaces or new lines."),
    )

    def clean_item_numbers(self) -> list[str]:
        raw = self.cleaned_data.get("item_numbers") or ""
        return [n for n in raw.replace(",", " ").split() if n]
