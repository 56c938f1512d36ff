from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("api.token_created", _("API token created"))
register("api.token_revoked", _("API token revoked"))
