"""The one date-time field of every form: Baghdad time, and no year a typing error could give."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils.translation import gettext

from dalil.ui.forms import MomentField


class _Form(forms.Form):
    at = MomentField(label="at")


def test_a_typed_time_is_baghdad_time():
    form = _Form({"at": "2026-03-10T00:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"].astimezone(dt.UTC) == dt.datetime(
        2026, 3, 9, 21, 30, tzinfo=dt.UTC
    )


@pytest.mark.parametrize("typed", ["0001-01-01T00:30", "1899-12-31T23:59"])
def test_a_year_before_1900_is_refused_with_a_message_not_a_crash(typed):
    form = _Form({"at": typed})
    assert not form.is_valid()
    assert form.errors["at"][0] == gettext("Enter a year from 1900 on.")  # Arabic by default
    assert form.errors["at"][0] != "Enter a year from 1900 on."
