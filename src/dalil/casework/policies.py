"""Tasks, journal entries and documents are seen through their case (`through_case`)."""

from dalil.audit import visibility
from dalil.cases.policies import through_case

from .models import Document, JournalEntry, JournalVersion, Task

through_case(Task)
through_case(JournalEntry)
through_case(JournalVersion, "entry__case__")
through_case(Document)
visibility.follows("core.storedfile", Document, "stored")  # its file, in the ledger
