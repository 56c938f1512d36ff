"""Crime scenes (SC-1..SC-3): the scene record, the cordon's entry/exit log and the photo log.

A scene hangs on a case and is seen through it. The cordon log is what a court asks when it doubts
that a scene was protected: who was inside, when, why, and in what protective clothing. The photo
log keeps every photograph and sketch in the vault under its SHA-256, numbered per scene, with the
camera's own time (EXIF) beside the time the photographer states; it is append-only in the
database, so a photograph can be added but never replaced or taken out of the sequence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Governorate, Unit
from dalil.cases.models import Case
from dalil.core.models import StoredFile

PROTECTIVE = [
    ("gloves", _("Gloves")),
    ("mask", _("Face mask")),
    ("suit", _("Protective suit")),
    ("overshoes", _("Overshoes")),
    ("hair_cover", _("Hair cover")),
]


class Scene(models.Model):
    class Weather(models.TextChoices):
        CLEAR = "clear", _("Clear")
        CLOUDY = "cloudy", _("Cloudy")
        RAIN = "rain", _("Rain")
        DUST = "dust", _("Dust storm")
        WIND = "wind", _("Strong wind")
        FOG = "fog", _("Fog")
        INDOORS = "indoors", _("Indoors (not relevant)")

    number = models.CharField(_("scene number"), max_length=40, unique=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="scenes", verbose_name=_("case")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="scenes", verbose_name=_("unit")
    )
    title = models.CharField(_("short description"), max_length=200)
    governorate = models.ForeignKey(
        Governorate, on_delete=models.PROTECT, related_name="+", verbose_name=_("governorate")
    )
    address = models.CharField(_("address"), max_length=300)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    called_at = models.DateTimeField(_("call received"))
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    released_at = models.DateTimeField(_("scene released"), null=True, blank=True)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead officer"),
    )
    weather = models.CharField(_("weather"), max_length=10, choices=Weather.choices, blank=True)
    conditions = models.CharField(_("conditions"), max_length=300, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["-called_at", "-pk"]
        verbose_name = _("crime scene")
        verbose_name_plural = _("crime scenes")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="scenes_scene_both_coordinates",
            ),
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True) | Q(arrived_at__gte=F("called_at")),
                name="scenes_scene_arrived_after_call",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True)
                | Q(arrived_at__isnull=False, released_at__gte=F("arrived_at")),
                name="scenes_scene_released_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class CordonEntry(models.Model):
    """One person's stay inside a cordon: in, and (once) out."""

    class Cordon(models.TextChoices):
        INNER = "inner", _("Inner cordon")
        OUTER = "outer", _("Outer cordon")

    scene = models.ForeignKey(
        Scene, on_delete=models.PROTECT, related_name="cordon", verbose_name=_("scene")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person (Dalil user)"),
    )
    # Firefighters, paramedics, a judge: people without a Dalil account are named as written.
    person_name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    cordon = models.CharField(_("cordon"), max_length=6, choices=Cordon.choices)
    entered_at = models.DateTimeField(_("in"))
    left_at = models.DateTimeField(_("out"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    protective = models.JSONField(_("protective clothing"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["scene", "entered_at", "pk"]
        verbose_name = _("cordon log entry")
        verbose_name_plural = _("cordon log entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(person_name=""),
                name="scenes_cordon_someone",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("entered_at")),
                name="scenes_cordon_out_after_in",
            ),
            # Nobody is inside the same cordon twice at once.
            models.UniqueConstraint(
                fields=["scene", "person", "cordon"],
                condition=Q(left_at__isnull=True, person__isnull=False),
                name="scenes_cordon_one_stay_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scene_id}: {self.who}"

    @property
    def who(self) -> str:
        return self.person.full_name if self.person else self.person_name

    @property
    def protective_labels(self) -> list[str]:
        labels = dict(PROTECTIVE)
        return [str(labels.get(p, p)) for p in self.protective]


class ScenePhoto(models.Model):
    """A photograph or a sketch of the scene, numbered 1..n per scene (append-only)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photograph")
        SKETCH = "sketch", _("Sketch")

    scene = models.ForeignKey(
        Scene, on_delete=models.PROTECT, related_name="photos", verbose_name=_("scene")
    )
    seq = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    stored = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken by"),
    )
    taken_at = models.DateTimeField(_("taken at"))
    # What the camera wrote in the file (EXIF DateTimeOriginal), kept as written: a court compares
    # it with the stated time.
    exif_time = models.CharField(_("camera time (EXIF)"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    scale = models.CharField(_("scale"), max_length=40, blank=True)
    item_numbers = models.JSONField(_("items shown"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    ledger_seq = models.BigIntegerField(_("ledger entry"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["scene", "seq"]
        verbose_name = _("scene photograph or sketch")
        verbose_name_plural = _("scene photographs and sketches")
        constraints = [
            models.UniqueConstraint(fields=["scene", "seq"], name="scenes_photo_one_number")
        ]

    def __str__(self) -> str:
        return f"{self.scene_id}#{self.seq}"
