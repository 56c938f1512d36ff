from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dalil.core.text import validate_no_bidi
from dalil.ui.forms import BootstrapForm, IdentifierField

from .models import Governorate, Unit, User


class LoginForm(BootstrapForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "dir": "ltr", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(BootstrapForm):
    token = forms.CharField(
        label=_("Code"),
        max_length=40,  # a recovery code is 21 characters; people add spaces
        help_text=_(
            "The six-digit code from your authenticator app, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "dir": "ltr",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


class EnrolmentCodeForm(BootstrapForm):
    code = forms.CharField(
        label=_("Enrolment code"),
        max_length=60,
        help_text=_("The code your administrator handed you, for example ABCD-EFGH-…"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "dir": "ltr", "autofocus": True, "spellcheck": "false"}
        ),
    )


class EnrolmentForm(BootstrapForm):
    new_password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=_(
            "At least 12 characters. A sentence in Arabic or any language is a good password."
        ),
    )
    confirm = forms.CharField(
        label=_("The same password again"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=6,
        min_length=6,
        help_text=_("After scanning, type the six-digit code the app shows."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "dir": "ltr", "inputmode": "numeric"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("confirm"):
            raise ValidationError(_("The two passwords differ."))
        return data


class PasswordChangeForm(BootstrapForm):
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters. A sentence in Arabic or any language is a good password."
        ),
    )
    confirm = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("confirm"):
            raise ValidationError(_("The two passwords differ."))
        return data


class UnitForm(BootstrapForm):
    code = IdentifierField(
        label=_("Code"),
        max_length=40,
        help_text=_("Short Latin code, unique in the ministry, e.g. BGD-KARADA."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Unit.Kind.choices)
    name_ar = forms.CharField(
        label=_("Name (Arabic)"), max_length=200, validators=[validate_no_bidi]
    )
    name_ckb = forms.CharField(
        label=_("Name (Sorani)"), max_length=200, required=False, validators=[validate_no_bidi]
    )
    name_en = forms.CharField(
        label=_("Name (English)"), max_length=200, required=False, validators=[validate_no_bidi]
    )
    governorate = forms.ModelChoiceField(
        label=_("Governorate"), queryset=Governorate.objects.all(), required=False
    )


class UnitEditForm(UnitForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class UserForm(BootstrapForm):
    username = IdentifierField(
        label=_("User name"),
        max_length=150,
        help_text=_("Latin letters, digits, dot, dash or underscore."),
    )
    full_name = forms.CharField(
        label=_("Full name (Arabic)"), max_length=200, validators=[validate_no_bidi]
    )
    full_name_latin = forms.CharField(
        label=_("Full name (Latin)"), max_length=200, required=False, validators=[validate_no_bidi]
    )
    badge_number = IdentifierField(label=_("Badge number"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)


class UserEditForm(UserForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["username"]
