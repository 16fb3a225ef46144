"""What the overview says about the needs-attention list (safeguarding/attention.py); the
list itself is drawn as the meeting's agenda (safeguarding/ui/meeting.py)."""

from __future__ import annotations

# What the list holds about DSL reviews, said on the page (issue 14's choice).
SCOPE_NOTE = (
    "Each item counts against one headline figure, so the list and the tiles agree: referrals "
    "still waiting for social care feedback, staff and governor training out of date or "
    "expiring, DSL training, policy reviews and missing policies. DSL reviews: only concerns "
    "still waiting for their DSL review after the deadline are listed; a review that was late "
    "but is done counts in “DSL review on time” on the Referrals page and is not an action. "
    "Working days overdue are for statutory deadlines (Monday to Friday, not bank holidays); "
    "days overdue are calendar days."
)
