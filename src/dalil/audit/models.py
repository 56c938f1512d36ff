from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """One ledger entry. Append-only: database triggers refuse UPDATE and DELETE.

    `hash = sha256(prev_hash || canonical_json(entry))`; see `dalil.audit.chain`.
    """

    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    ts = models.DateTimeField(_("time (UTC)"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor = models.CharField(_("actor"), max_length=150)
    source = models.CharField(_("source"), max_length=100)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    payload = models.TextField(_("payload"), default="{}")  # canonical JSON text, as hashed
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        db_table = "audit_entry"
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor_id", "ts"], name="audit_actor_ts_idx"),
            models.Index(fields=["ts"], name="audit_ts_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class Checkpoint(models.Model):
    """A signed statement "the ledger had `seq` entries ending in `hash`" (Ed25519)."""

    id = models.BigAutoField(primary_key=True)
    seq = models.BigIntegerField(_("sequence"))
    hash = models.CharField(_("hash"), max_length=64)
    ts = models.DateTimeField(_("time (UTC)"))
    key_id = models.CharField(_("key id"), max_length=64)
    signature = models.CharField(_("signature"), max_length=128)
    # The root of the Merkle tree over entries 1..seq, which the signature also covers
    # (`dalil.audit.merkle`). Empty (NULL) on checkpoints signed before the tree existed.
    # NULL, not "", so that SQLite adds the column in place and keeps the append-only triggers.
    merkle_root = models.CharField(  # noqa: DJ001
        _("Merkle root"), max_length=64, null=True, blank=True
    )

    class Meta:
        db_table = "audit_checkpoint"
        verbose_name = _("checkpoint")
        ordering = ["seq", "id"]

    def __str__(self) -> str:
        return f"checkpoint @{self.seq}"


class MerkleBlock(models.Model):
    """The root of the Merkle subtree over the 64 entries `index`*64+1 .. (`index`+1)*64: the
    tree's lower levels kept, so that proving one entry reads 64 entries and not the ledger.
    Derived from the ledger, append-only, and recomputed by `dalil audit verify`."""

    index = models.BigIntegerField(primary_key=True)
    hash = models.CharField(max_length=64)

    class Meta:
        db_table = "audit_merkle_block"

    def __str__(self) -> str:
        return f"merkle block {self.index}"


class Alert(models.Model):
    """Something an auditor should look at (see `dalil.audit.alerts`). Raised by the system;
    an auditor acknowledges it with a note. Both are on the ledger."""

    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    raised_at = models.DateTimeField(_("raised"))
    key = models.CharField(_("key"), max_length=200, blank=True, db_index=True)
    facts = models.JSONField(_("facts"), default=dict)  # user names, unit codes, counts: no labels
    entries = models.JSONField(_("ledger entries"), default=list)  # sequence numbers
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        db_table = "audit_alert"
        ordering = ["-raised_at", "-id"]
        constraints = [
            # At most one open alert per key (`raise_alert` gathers into it).
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(acknowledged_at__isnull=True) & ~models.Q(key=""),
                name="alert_one_open_per_key",
            )
        ]
        verbose_name = _("alert to auditors")
        verbose_name_plural = _("alerts to auditors")

    def __str__(self) -> str:
        return f"alert {self.pk} ({self.kind})"
