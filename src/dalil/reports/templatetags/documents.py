from django import template
from django.db.models import Model

from dalil.reports.documents import extract_path

register = template.Library()


@register.simple_tag
def ledger_extract_url(record: Model | None) -> str:
    """The download URL of a record's ledger extract (empty when there is no record)."""
    return extract_path(record) if isinstance(record, Model) else ""
