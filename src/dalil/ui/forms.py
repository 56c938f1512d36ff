from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import User
from dalil.core import dates
from dalil.core.text import clean_identifier


class BootstrapForm(forms.Form):
    """The one base class of every form: gives each visible field Bootstrap's class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def apply_errors(form: forms.Form, exc: ValidationError, default_field: str | None = None) -> None:
    """Show a service's ValidationError on the form: beside its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        target = default_field if default_field in form.fields else None
        form.add_error(target, exc.messages)


class IdentifierField(forms.CharField):
    """A code or user name: folded to one spelling (`dalil.core.text.clean_identifier`)."""

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return clean_identifier(value) if value else value


class PreferencesForm(BootstrapForm):
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


class UserChoice(forms.ModelChoiceField):
    """A person picked from a list: their full name and, to tell namesakes apart, user name."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.username})"


class MomentField(forms.DateTimeField):
    """A Baghdad date and time to the minute, with the browser's date-time picker. A year before
    1900 is refused here, by the one rule for dates (core.dates): converted to UTC, year 1 would
    overflow."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    EARLIEST_YEAR = dates.EARLIEST_YEAR

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Baghdad time."))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        dates.validate_year(result)
        return result


def form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str | Promise,
    success: str | Callable[[Any], str],
    then: str | Callable[[Any], str],
    cancel_url: str = "",
    intro: str | Promise = "",
    submit_label: str | Promise = "",
    error_field: str | None = None,
    breadcrumbs: list[tuple[str, str | None]] | None = None,
    conflicts: tuple[type[Exception], ...] = (),
) -> HttpResponse:
    """The one shape of a form page: on a valid POST, `save(cleaned_data)` (a service call) and
    redirect to `then` with the `success` message (either may be a function of the result); a service's
    ValidationError goes back on the form beside its field, and nothing was written. `conflicts`
    are the service's other refusals (an edit that lost a race): their message goes above the form."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except conflicts as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            apply_errors(form, exc, default_field=error_field)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(then(result) if callable(then) else then)
    context: dict[str, Any] = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        "intro": intro,
    }
    if submit_label:
        context["submit_label"] = submit_label
    if breadcrumbs is not None:
        context["breadcrumbs"] = breadcrumbs
    return render(request, "ui/form_page.html", context)


def post_action(
    request: HttpRequest,
    act: Callable[[], Any],
    *,
    success: str,
    then: str,
) -> HttpResponse:
    """The one shape of a button that POSTs a step (remove, complete, submit): `act()` (a service
    call); its ValidationError becomes an error message, else `success`; either way back to `then`."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(then)
