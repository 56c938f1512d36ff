from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """The search key of one record: derived data, rebuilt by `dalil search reindex`.

    `folded` is `core.text.fold()` of the record's searchable fields (substring match);
    `latin` is `core.text.latin_key()` of the same text, one key per word with a space before and
    after each word (" mhmd ksm "), so a word prefix is `LIKE '% mhm%'` on both databases.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("record type")
    )
    object_id = models.CharField(_("record id"), max_length=64)
    folded = models.TextField(_("folded text"))
    latin = models.TextField(_("transliteration key"))
    updated = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_entry_unique_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"
