"""Input forms of the evidence register. They parse; the services decide (and say why)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Unit, User
from dalil.ui.forms import BootstrapForm, MomentField, UserChoice

from .models import HAZARDS, Category, Disposition, Item, SealState, StorageLocation


class LocationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.code} / {obj.code} — {obj.name}"


class SceneChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} — {obj.title}"


class ItemForm(BootstrapForm):
    scene = SceneChoice(
        label=_("Collected at the scene"),
        queryset=None,
        required=False,
        empty_label=_("— not at a recorded scene —"),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=0, max_digits=12, decimal_places=3, initial=1
    )
    quantity_unit = forms.ChoiceField(
        label=_("Unit of measure"),
        choices=Item.QuantityUnit.choices,
        initial=Item.QuantityUnit.PIECE,
    )
    seal_number = forms.CharField(
        label=_("Seal number"),
        max_length=40,
        help_text=_("The number printed on the tamper-evident seal of the packaging."),
    )
    collected_at = MomentField(
        label=_("Collected at"), required=False, help_text=_("Baghdad time. Leave empty for now.")
    )
    collected_from = forms.CharField(label=_("Where it was found"), max_length=300, required=False)
    method = forms.CharField(label=_("Collection method"), max_length=300, required=False)
    packaging = forms.CharField(label=_("Packaging"), max_length=300, required=False)
    hazards = forms.MultipleChoiceField(
        label=_("Hazards"),
        choices=HAZARDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, scenes: Any, scene_required: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["scene"].queryset = scenes  # type: ignore[attr-defined]
        # A scene's lead officer who does not work on the case records only what they collect at
        # their own scene.
        self.fields["scene"].required = scene_required


SEAL_HELP = _("A broken seal needs a note; a new seal needs its number.")


class ReleaseForm(BootstrapForm):
    to_user = UserChoice(
        label=_("To a person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody —"),
    )
    to_location = LocationChoice(
        label=_("Or to a storage location"),
        queryset=StorageLocation.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        help_text=_("For example: to the evidence store, to the laboratory, to court."),
    )
    seal_state = forms.ChoiceField(
        label=_("Seal"), choices=SealState.choices, initial=SealState.INTACT, help_text=SEAL_HELP
    )
    seal_number = forms.CharField(label=_("New seal number"), max_length=40, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, receivers: list[User], locations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[u.pk for u in receivers]
        ).order_by("full_name", "pk")
        self.fields["to_location"].queryset = locations  # type: ignore[attr-defined]


class ReceiveForm(BootstrapForm):
    seal_state = forms.ChoiceField(
        label=_("Seal as received"),
        choices=SealState.choices,
        initial=SealState.INTACT,
        help_text=SEAL_HELP,
    )
    seal_number = forms.CharField(label=_("New seal number"), max_length=40, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReceiveHereForm(ReceiveForm):
    """The receiver confirms on the releaser's screen, with their own credential."""

    username = forms.CharField(label=_("Receiver's user name"), max_length=150)
    secret = forms.CharField(
        label=_("Receiver's password or six-digit code"),
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Typed by the receiver. It is checked and never stored."),
    )
    field_order = ["username", "secret", "seal_state", "seal_number", "notes", "version"]


class WithdrawForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Why is the hand-over withdrawn or declined?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class LocationForm(BootstrapForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("For example R1-S2-B3."))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=StorageLocation.Kind.choices)
    parent = LocationChoice(
        label=_("Inside"), queryset=StorageLocation.objects.none(), required=False
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories taken"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for a location that takes any item."),
    )
    capacity_note = forms.CharField(label=_("Capacity"), max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class LabelsForm(BootstrapForm):
    numbers = forms.CharField(
        label=_("Item numbers"),
        widget=forms.Textarea(attrs={"rows": 6, "dir": "ltr"}),
        max_length=20000,
        help_text=_("One per line, or separated by spaces: type them or scan the items."),
    )
    size = forms.ChoiceField(
        label=_("Label size"),
        choices=[
            ("a4", _("A4 sheet of 24 labels (70 × 37 mm)")),
            ("thermal", _("Thermal printer, one label of 100 × 50 mm")),
        ],
        initial="a4",
    )


class LabelForm(BootstrapForm):
    size = LabelsForm.base_fields["size"]


class DispositionForm(BootstrapForm):
    kind = forms.ChoiceField(
        label=_("What becomes of the item"),
        choices=Disposition.Kind.choices,
        widget=forms.RadioSelect,
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        help_text=_("The article of the law or the judgment that decides it."),
    )
    order_number = forms.CharField(label=_("Court order number"), max_length=60)
    order_date = forms.DateField(
        label=_("Date of the order"), widget=forms.DateInput(attrs={"type": "date"})
    )
    recipient = forms.CharField(
        label=_("To whom"),
        max_length=300,
        required=False,
        help_text=_("For a return: the owner; for a transfer: the agency."),
    )
    retain_until = forms.DateField(
        label=_("Retain until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a retention only."),
    )
    reason = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DecideForm(BootstrapForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("Required when you reject."),
    )


class ExecuteForm(BootstrapForm):
    method = forms.CharField(
        label=_("Method"),
        max_length=300,
        required=False,
        help_text=_(
            "For a destruction: how (for example, incinerated at the directorate's furnace)."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    at = MomentField(
        label=_("Time"), required=False, help_text=_("Baghdad time. Leave empty for now.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class WitnessedExecuteForm(ExecuteForm):
    """A destruction: the witness types their own credential on this screen."""

    witness_username = forms.CharField(label=_("Witness's user name"), max_length=150)
    witness_secret = forms.CharField(
        label=_("Witness's password or six-digit code"),
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Typed by the witness. It is checked and never stored."),
    )


class DispositionWithdrawForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Why is the disposition withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
    )


class ScanForm(BootstrapForm):
    code = forms.CharField(
        label=_("Item number"),
        max_length=300,
        error_messages={"required": _("Scan or type an item number.")},
        widget=forms.TextInput(attrs={"autofocus": True, "dir": "ltr", "autocomplete": "off"}),
        help_text=_("Scan the label (a handheld scanner types the number and Enter) or type it."),
    )


class AuditFinishForm(BootstrapForm):
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class DigitalFileForm(BootstrapForm):
    upload = forms.FileField(label=_("File or disk image"))
    sha256 = forms.CharField(
        label=_("SHA-256 recorded at acquisition"),
        max_length=64,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("As the acquiring tool printed it. The file is refused if it differs."),
    )
    md5 = forms.CharField(
        label=_("MD5 (if recorded)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    sha1 = forms.CharField(
        label=_("SHA-1 (if recorded)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    tool = forms.CharField(
        label=_("Acquisition tool"),
        max_length=200,
        required=False,
        help_text=_("For example: FTK Imager 4.7, Guymager 0.8."),
    )
    acquired_by = forms.CharField(label=_("Acquired by"), max_length=200)
    acquired_at = MomentField(
        label=_("Acquired at"), required=False, help_text=_("Baghdad time. Leave empty for now.")
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class CheckOutForm(ScanForm):
    """The store's desk, checking out: who takes the items and why, then one scan per item (the
    first two stay filled in between scans)."""

    to_user = UserChoice(
        label=_("To"),
        queryset=User.objects.none(),
        empty_label=_("— choose —"),
        error_messages={"required": _("Choose who takes the items.")},
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        help_text=_("For example: to the laboratory, to court."),
    )
    field_order = ["to_user", "purpose", "code"]

    def __init__(self, *args: Any, receivers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = receivers  # type: ignore[attr-defined]
        self.fields["code"].widget.attrs["autofocus"] = bool(self.initial.get("to_user"))
