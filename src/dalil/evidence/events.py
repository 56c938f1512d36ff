from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("evidence.item_recorded", _("Evidence item recorded"))
register("evidence.custody_released", _("Evidence item handed over (awaiting receipt)"))
register("evidence.custody_received", _("Receipt of an evidence item confirmed"))
register("evidence.custody_cancelled", _("Hand-over of an evidence item withdrawn or declined"))
register("evidence.location_created", _("Storage location created"))
register("evidence.labels_printed", _("Evidence labels printed"))
register("evidence.disposition_requested", _("Disposition of an evidence item requested"))
register("evidence.disposition_approved", _("Disposition of an evidence item approved"))
register("evidence.disposition_rejected", _("Disposition of an evidence item rejected"))
register("evidence.disposition_withdrawn", _("Disposition of an evidence item withdrawn"))
register("evidence.item_disposed", _("Evidence item disposed of"))
register("evidence.audit_started", _("Inventory audit of a storage location started"))
register("evidence.audit_scanned", _("Item scanned in an inventory audit"))
register("evidence.audit_finished", _("Inventory audit finished and its report kept"))
register("evidence.file_added", _("Digital evidence file added"))
register("evidence.file_verified", _("Digital evidence file re-verified: it matches"))
register("evidence.file_integrity_alarm", _("Digital evidence file DOES NOT match its hash"))
