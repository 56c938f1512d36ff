"""The ledger in the global search: searched where it lies, never copied into the index.

Only for holders of `audit.ledger.view` (through `selectors.entry_list`, which checks it), and
only when every word of the query is ledger-shaped: an entry number, a hash prefix of at least
8 hex digits, or a user name (a person's, or `system:…`). Every such search is itself on the
ledger (`audit.ledger_viewed`), like opening the ledger page.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from dalil import access, search

from . import registry, selectors
from .models import Entry

_HEX = re.compile(r"[0-9a-f]{8,64}")
_SEQ = re.compile(r"#?([0-9]{1,18})")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,149}|system:[a-z0-9:._-]{1,92}")


def _word_q(word: str) -> Q | None:
    from dalil.accounts.models import User

    options = []
    if m := _SEQ.fullmatch(word):
        options.append(Q(seq=int(m.group(1))))
    if _HEX.fullmatch(word):
        # The range lets the unique index on `hash` serve the prefix on any collation.
        options.append(Q(hash__gte=word, hash__lt=word + "g", hash__startswith=word))
    if word.startswith("system:") and _NAME.fullmatch(word):
        options.append(Q(actor=word))
    elif _NAME.fullmatch(word):
        pk = User.objects.filter(username=word).values_list("pk", flat=True).first()
        if pk is not None:
            options.append(Q(actor_id=pk))
    if not options:
        return None
    q = options[0]
    for option in options[1:]:
        q |= option
    return q


class LedgerSource(search.Source):
    key = "audit.entry"
    order = 90
    read_action = "audit.ledger_viewed"

    @property
    def title(self) -> Any:
        return Entry._meta.verbose_name_plural

    def find(self, actor: Any, query: search.Query) -> QuerySet | None:
        if not access.has_permission(actor, "audit.ledger.view"):
            return None
        conditions = [_word_q(w) for w in query.words]
        if not conditions or any(c is None for c in conditions):
            return None
        qs = selectors.entry_list(actor)  # checks the permission and hides compartmented entries
        for c in conditions:
            qs = qs.filter(c)
        return qs

    def hit(self, e: Entry) -> search.Hit:
        if e.target_type:
            params = {"target_type": e.target_type, "target_id": e.target_id}
        else:
            params = {"actor_name": e.actor}
        when = timezone.localtime(e.ts).strftime("%Y-%m-%d %H:%M:%S")
        return search.Hit(
            label=f"{registry.label(e.action)} · {e.target_label}"
            if e.target_label
            else registry.label(e.action),
            url=f"{reverse('audit:ledger')}?{urlencode(params)}",
            code=f"#{e.seq} {e.hash[:12]}",
            detail=f"{when} · {e.actor}",
        )


search.register_source(LedgerSource())
