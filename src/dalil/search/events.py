from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("search.reindexed", _("Search index rebuilt"))
