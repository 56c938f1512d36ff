from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dalil.accounts.forms import BootstrapMixin
from dalil.accounts.models import User


class PreferencesForm(BootstrapMixin, forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=User.Language.choices, widget=forms.RadioSelect
    )
    digits = forms.ChoiceField(
        label=_("Digits"),
        choices=User.Digits.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "How numbers, dates and times are written for you. Codes, hashes and user names always stay in Latin digits."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-check-input"
