"""The evidence register and its chain of custody (EV-1, EV-3, EV-4).

An item hangs on a case and is seen through it, or by the custodians of its unit (policies.py).
Where an item is, and who answers for it, is held on the item row (the holder, or the hand-over
under way) and changed only by the services, with a version check; every change is also a row of
`CustodyEvent`, which is append-only in the database itself and numbered per item: two writers that
both believed themselves next collide on (item, seq), so the chain cannot fork.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dalil.accounts.models import Unit
from dalil.cases.models import Case
from dalil.core.models import StoredFile

HAZARDS = [
    ("biohazard", _("Biological hazard")),
    ("sharp", _("Sharp")),
    ("toxic", _("Toxic or corrosive")),
    ("flammable", _("Flammable")),
    ("explosive", _("Explosive")),
    ("loaded_weapon", _("Weapon possibly loaded")),
]


class Category(models.TextChoices):
    WEAPON = "weapon", _("Weapon or ammunition")
    DRUGS = "drugs", _("Drugs")
    BIOLOGICAL = "biological", _("DNA or biological")
    PRINTS = "prints", _("Latent prints")
    DOCUMENT = "document", _("Document")
    DIGITAL = "digital", _("Digital device or media")
    CURRENCY = "currency", _("Currency or valuables")
    OTHER = "other", _("Other")


class SealState(models.TextChoices):
    INTACT = "intact", _("Seal intact")
    BROKEN = "broken", _("Seal broken")
    RESEALED = "resealed", _("Resealed with a new seal")


class StorageLocation(models.Model):
    """A place where items are kept: a building, a room, a shelf, a bin. A location may take only
    some categories (drugs only in the drugs store)."""

    class Kind(models.TextChoices):
        BUILDING = "building", _("Building")
        ROOM = "room", _("Room")
        SHELF = "shelf", _("Shelf")
        BIN = "bin", _("Bin")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="storage_locations", verbose_name=_("unit")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("inside"),
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    categories = models.JSONField(_("categories taken"), default=list, blank=True)
    capacity_note = models.CharField(_("capacity"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "code"]
        verbose_name = _("storage location")
        verbose_name_plural = _("storage locations")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="evidence_location_code_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def takes(self, category: str) -> bool:
        return not self.categories or category in self.categories

    @property
    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class Item(models.Model):
    class State(models.TextChoices):
        HELD = "held", pgettext_lazy("evidence item", "Held")
        IN_TRANSIT = "in_transit", _("In transit (awaiting receipt)")
        DISPOSED = "disposed", _("Disposed of")

    class QuantityUnit(models.TextChoices):
        PIECE = "piece", _("pieces")
        GRAM = "g", _("grams")
        KILOGRAM = "kg", _("kilograms")
        MILLILITRE = "ml", _("millilitres")
        LITRE = "l", _("litres")

    number = models.CharField(_("item number"), max_length=40, unique=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="evidence_items", verbose_name=_("case")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="evidence_items", verbose_name=_("unit")
    )
    # Collected at a scene of the case (SC-4), or received otherwise (None).
    scene = models.ForeignKey(
        "scenes.Scene",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("scene"),
    )
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    quantity_unit = models.CharField(
        _("unit of measure"), max_length=6, choices=QuantityUnit.choices
    )
    hazards = models.JSONField(_("hazards"), default=list, blank=True)
    collected_at = models.DateTimeField(_("collected at"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("collected by"),
    )
    collected_from = models.CharField(_("where it was found"), max_length=300, blank=True)
    method = models.CharField(_("collection method"), max_length=300, blank=True)
    packaging = models.CharField(_("packaging"), max_length=300, blank=True)
    seal_number = models.CharField(_("seal number"), max_length=40)
    seal_state = models.CharField(
        _("seal"), max_length=10, choices=SealState.choices, default=SealState.INTACT
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.HELD)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_held",
        verbose_name=_("held by"),
    )
    holder_location = models.ForeignKey(
        StorageLocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("kept at"),
    )
    transit_to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_incoming",
        verbose_name=_("being handed to"),
    )
    transit_to_location = models.ForeignKey(
        StorageLocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming",
        verbose_name=_("being taken to"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["seal_number"]),
        ]
        constraints = [
            # One holder, a person or a place, never both and never none (a disposed item keeps
            # its last holder for the record).
            models.CheckConstraint(
                condition=Q(holder_user__isnull=True, holder_location__isnull=False)
                | Q(holder_user__isnull=False, holder_location__isnull=True),
                name="evidence_item_one_holder",
            ),
            # At most one hand-over under way, and only while the item is in transit.
            models.CheckConstraint(
                condition=(
                    Q(state="in_transit")
                    & (
                        Q(transit_to_user__isnull=True, transit_to_location__isnull=False)
                        | Q(transit_to_user__isnull=False, transit_to_location__isnull=True)
                    )
                )
                | (
                    ~Q(state="in_transit")
                    & Q(transit_to_user__isnull=True, transit_to_location__isnull=True)
                ),
                name="evidence_item_one_transit",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def hazard_labels(self) -> list[str]:
        labels = dict(HAZARDS)
        return [str(labels.get(h, h)) for h in self.hazards]

    @property
    def holder(self) -> object:
        return self.holder_user or self.holder_location

    @property
    def transit_to(self) -> object:
        return self.transit_to_user or self.transit_to_location


class CustodyEvent(models.Model):
    """One link of an item's chain of custody (append-only). `seq` counts from 1 per item."""

    class Kind(models.TextChoices):
        COLLECTED = "collected", _("Collected")
        RELEASED = "released", _("Handed over (awaiting receipt)")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Hand-over withdrawn or declined")
        DISPOSED = "disposed", _("Disposed of")

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="custody", verbose_name=_("item")
    )
    seq = models.PositiveIntegerField(_("event"))
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from (person)"),
    )
    from_location = models.ForeignKey(
        StorageLocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from (place)"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to (person)"),
    )
    to_location = models.ForeignKey(
        StorageLocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to (place)"),
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    seal_number = models.CharField(_("seal number"), max_length=40)
    seal_state = models.CharField(_("seal"), max_length=10, choices=SealState.choices)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # A receipt confirmed with the receiver's credential on someone else's screen names the
    # screen's owner here (the receiver is `recorded_by`).
    confirmed_on_session_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed on the screen of"),
    )
    ledger_seq = models.BigIntegerField(_("ledger entry"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["item", "seq"]
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="evidence_custody_no_fork")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.seq} {self.kind}"

    @property
    def source(self) -> object:
        return self.from_user or self.from_location

    @property
    def destination(self) -> object:
        return self.to_user or self.to_location


class Disposition(models.Model):
    """What becomes of an item at the end (EV-5): asked for with a legal basis, approved by a
    supervisor who is not the one asking, and carried out by its holder; a destruction is
    witnessed by a second person, who confirms with their own credential. Retention ends with the
    approval: the item stays where it is."""

    class Kind(models.TextChoices):
        RETURN = "return", _("Return to its owner")
        DESTROY = "destroy", _("Destroy")
        RETAIN = "retain", _("Retain")
        TRANSFER = "transfer", _("Transfer to another agency")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved, to be carried out")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DONE = "done", _("Carried out")

    OPEN_STATES = ("requested", "approved")

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="dispositions", verbose_name=_("item")
    )
    kind = models.CharField(_("disposition"), max_length=10, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    order_number = models.CharField(_("court order number"), max_length=60)
    order_date = models.DateField(_("date of the order"))
    recipient = models.CharField(_("to whom"), max_length=300, blank=True)
    retain_until = models.DateField(_("retain until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carried out by"),
    )
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("witness"),
    )
    done_at = models.DateTimeField(_("carried out"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        constraints = [
            # One disposition under way per item.
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(state__in=["requested", "approved"]),
                name="evidence_disposition_one_open",
            ),
            # Whoever decides is not whoever asked; a destruction's witness is a second person.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="evidence_disposition_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(witness__isnull=True) | ~Q(witness=models.F("done_by")),
                name="evidence_disposition_two_witnesses",
            ),
            models.CheckConstraint(
                condition=~Q(kind="destroy", state="done") | Q(witness__isnull=False),
                name="evidence_disposition_destruction_witnessed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.kind} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class InventoryAudit(models.Model):
    """A count of what is in a store (EV-4): custodians scan every item they find in a location
    (and the places inside it); at the end Dalil compares the scans with the register and keeps
    the result: what was found, what is missing, what is recorded elsewhere (misplaced), and codes
    that are no item the auditor may see."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("inventory audit", "Under way")
        FINISHED = "finished", _("Finished")

    location = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, related_name="audits", verbose_name=_("location")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started"))
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finished by"),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("inventory audit")
        verbose_name_plural = _("inventory audits")
        constraints = [
            # One count under way per location at a time.
            models.UniqueConstraint(
                fields=["location"],
                condition=Q(state="open"),
                name="evidence_audit_one_open_per_location",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id}@{self.started_at:%Y-%m-%d}"


class AuditScan(models.Model):
    """One code scanned during an audit (append-only): an item number, or whatever the scanner
    read."""

    audit = models.ForeignKey(
        InventoryAudit, on_delete=models.PROTECT, related_name="scans", verbose_name=_("audit")
    )
    code = models.CharField(_("code"), max_length=40)
    item = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item"),
    )
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("scanned by"),
    )
    scanned_at = models.DateTimeField(_("scanned"))

    class Meta:
        ordering = ["audit", "pk"]
        verbose_name = _("audit scan")
        verbose_name_plural = _("audit scans")
        constraints = [
            models.UniqueConstraint(fields=["audit", "code"], name="evidence_audit_scan_once")
        ]

    def __str__(self) -> str:
        return self.code


class DigitalFile(models.Model):
    """A file or disk image of a digital item (EV-7), kept in the vault, with the hashes the
    acquiring tool recorded. Append-only: an acquisition record is never changed."""

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="files", verbose_name=_("item")
    )
    stored = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    sha256 = models.CharField(_("SHA-256 at acquisition"), max_length=64)
    md5 = models.CharField(_("MD5 at acquisition"), max_length=32, blank=True)
    sha1 = models.CharField(_("SHA-1 at acquisition"), max_length=40, blank=True)
    size = models.BigIntegerField(_("size (bytes)"))
    tool = models.CharField(_("acquisition tool"), max_length=200, blank=True)
    acquired_by = models.CharField(_("acquired by"), max_length=200)
    acquired_at = models.DateTimeField(_("acquired at"))
    notes = models.TextField(_("notes"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    ledger_seq = models.BigIntegerField(_("ledger entry"))

    class Meta:
        ordering = ["item", "pk"]
        verbose_name = _("digital evidence file")
        verbose_name_plural = _("digital evidence files")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.sha256[:16]}"


class FileVerification(models.Model):
    """One re-computation of a digital file's SHA-256 against its acquisition hash (append-only),
    asked for by someone or run on the worker's schedule (`checked_by` empty)."""

    class Result(models.TextChoices):
        OK = "ok", _("Matches the acquisition hash")
        MISMATCH = "mismatch", _("DOES NOT match the acquisition hash")
        MISSING = "missing", _("The file is missing from the vault")

    file = models.ForeignKey(
        DigitalFile, on_delete=models.PROTECT, related_name="verifications", verbose_name=_("file")
    )
    at = models.DateTimeField(_("time"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    computed_sha256 = models.CharField(_("SHA-256 computed"), max_length=64, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    ledger_seq = models.BigIntegerField(_("ledger entry"))

    class Meta:
        ordering = ["file", "-at", "-pk"]
        verbose_name = _("file verification")
        verbose_name_plural = _("file verifications")

    def __str__(self) -> str:
        return f"{self.file_id}@{self.at:%Y-%m-%d}: {self.result}"
