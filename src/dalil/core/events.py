from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("core.file_uploaded", _("File stored in the vault"))
register("core.file_downloaded", _("File downloaded"), sensitive_read=True)
register("core.vault_verified", _("Vault re-verified"))
register("core.integrity_alarm", _("Stored file does not match its hash"))
register("core.backup_made", _("Backup made and verified by a restore"))
register("core.backup_restored", _("Backup restored into an empty installation"))

# An alert to auditors and operators: a backup that does not verify is no backup.
from dalil.audit.alerts import register_kind  # noqa: E402 (after the actions it sits beside)

BACKUP_FAILED = register_kind("core.backup_failed", _("A backup failed its verification"))
