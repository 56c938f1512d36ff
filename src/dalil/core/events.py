from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("core.file_uploaded", _("File stored in the vault"))
register("core.file_downloaded", _("File downloaded"), sensitive_read=True)
register("core.vault_verified", _("Vault re-verified"))
register("core.integrity_alarm", _("Stored file does not match its hash"))
