"""The penalty scale (`PenaltyScale`): the years the quarter of Art. 109(ج) is computed from, read
from the database each time (one small query, only for the forms of life imprisonment: a lawyer's
correction counts from the next page on, in every process)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from .models import PenaltyScale


def scale_years(code: str) -> int | None:
    """The years of the penalty `code` (None: no quarter, or an unknown code)."""
    return PenaltyScale.objects.filter(code=code).values_list("years", flat=True).first()


# The scale as first shipped (loaded by migration `detention/0009`, never overwritten afterwards:
# corrections are made on the penalties page, with a ledger entry). Sources and notes are marked
# for translation: the page shows a shipped text in the reader's language, a corrected one as typed. Sources as read; a lawyer must
# confirm them (docs/adr/0011-detention-clock.md).
# (code, Arabic, Sorani, English, years, source, note)
SEED: list[tuple[str, str, str, str, int | None, str, str]] = [
    (
        "years",
        "الحبس أو السجن المؤقت",
        "زیندان بۆ چەند ساڵێک",
        "Imprisonment for a number of years",
        15,
        gettext_noop(
            "Penal Code (Law 111 of 1969) Arts. 87–89: temporary imprisonment (السجن المؤقت) up to "
            "15 years; الحبس up to 5 years"
        ),
        gettext_noop("The most that may be typed as the maximum penalty in years."),
    ),
    (
        "life",
        "السجن المؤبد",
        "زیندانی هەتاهەتایی",
        "Life imprisonment",
        20,
        gettext_noop("Penal Code (Law 111 of 1969) Art. 87: life imprisonment is 20 years"),
        "",
    ),
    (
        "aggravated_life",
        "السجن المؤبد المشدد",
        "زیندانی هەتاهەتایی توندکراو",
        "Aggravated life imprisonment",
        25,
        gettext_noop("Penal Code (Law 111 of 1969) Art. 87 as amended: up to 25 years"),
        gettext_noop("To be confirmed by a lawyer."),
    ),
    (
        "actual_life",
        "السجن مدى الحياة",
        "زیندان بۆ هەموو تەمەن",
        "Imprisonment for the rest of life",
        20,
        gettext_noop(
            "CPA Order No. 31 (2003): imprisonment for the rest of the convict's natural life"
        ),
        gettext_noop(
            "The quarter of a term without end is not fixed by the text: counted as life imprisonment "
            "(20 years) until a lawyer decides."
        ),
    ),
    (
        "death",
        "الإعدام",
        "لەسێدارەدان",
        "Death penalty",
        None,
        gettext_noop("CPC Art. 109(ب): no quarter limit"),
        "",
    ),
]
