"""Requests to the judge, decisions and deadlines are seen through their case (`through_case`):
whoever may see the case sees them. Writing needs `work` on the case, which the services check."""

from dalil.audit import visibility
from dalil.cases.policies import through_case

from .models import Deadline, Decision, JudicialRequest

for _model in (JudicialRequest, Decision, Deadline):
    through_case(_model)
visibility.follows("core.storedfile", Decision, "scan")  # the scanned order, in the ledger
