"""The weekly summary to send: the meeting's agenda as plain text or HTML for an e-mail body.

The trust's own mail system sends it; the product only writes it. It names items by their
pseudonymous keys and never a pupil's or a member of staff's pseudonym, a policy's free text
or a note; a governor's summary holds counts only (agenda.governor_counts).
"""

from __future__ import annotations

import html

import pandas as pd

from safeguarding import actions, agenda

CHANGE_HEADINGS = {
    "new": "New since the last meeting",
    "open": "Still open",
    "resolved": "Resolved",
}


def text(items: pd.DataFrame, meeting: agenda.Meeting, for_governors: bool, limit: int) -> str:
    lines = [_title(meeting), ""]
    if for_governors:
        # No grand totals: a total less the other areas would give a suppressed count back.
        lines += [agenda.GOVERNOR_NOTE.format(limit=limit), ""]
        for row in agenda.governor_counts(items, limit).itertuples(index=False):
            lines.append(
                f"{row.area} · {row.academy_code}: {row.open} open, {row.overdue} overdue, "
                f"{row.resolved} resolved"
            )
        return "\n".join(lines) + "\n"
    lines += [agenda.headline(agenda.counts(items)), ""]
    for change, heading in CHANGE_HEADINGS.items():
        chosen = items[items["change"] == change]
        lines.append(f"{heading} ({len(chosen)})")
        lines += [f"  {_line(row)}" for row in chosen.itertuples(index=False)]
        lines.append("")
    return "\n".join(lines)


def html_body(items: pd.DataFrame, meeting: agenda.Meeting, for_governors: bool, limit: int) -> str:
    parts = [f"<h2>{html.escape(_title(meeting))}</h2>"]
    if for_governors:
        parts.append(f"<p>{html.escape(agenda.GOVERNOR_NOTE.format(limit=limit))}</p>")
        counts = agenda.governor_counts(items, limit)
        parts.append(_table(counts, ["area", "academy_code", "open", "overdue", "resolved"]))
        return "\n".join(parts) + "\n"
    parts.append(f"<p><strong>{html.escape(agenda.headline(agenda.counts(items)))}</strong></p>")
    for change, heading in CHANGE_HEADINGS.items():
        chosen = items[items["change"] == change]
        parts.append(f"<h3>{html.escape(heading)} ({len(chosen)})</h3>")
        if not chosen.empty:
            parts.append("<ul>")
            parts += [f"<li>{html.escape(_line(row))}</li>" for row in chosen.itertuples()]
            parts.append("</ul>")
    return "\n".join(parts) + "\n"


def _title(meeting: agenda.Meeting) -> str:
    return (
        f"Safeguarding meeting {meeting.now.as_of:%-d %B %Y}: since the last meeting "
        f"({meeting.since:%-d %B %Y})"
    )


def _line(row) -> str:
    """One item: its key, area, how late, owner, action, target and status; no free text."""
    bits = [row.key, row.area]
    if not pd.isna(row.overdue_working_days):
        bits.append(f"{int(row.overdue_working_days)} working days overdue")
    elif not pd.isna(row.overdue_days):
        bits.append(f"{int(row.overdue_days)} days overdue")
    if row.escalate:
        bits.append("ESCALATE")
    if row.change == "resolved":
        bits.append("cleared in the data" if row.resolved_by == "data" else "closed by decision")
    if row.owner_role:
        owner = actions.OWNER_ROLES[row.owner_role]
        bits.append(f"owner {owner}, {row.owner_academy}" if row.owner_academy else owner)
    if row.action:
        bits.append(actions.ACTIONS[row.action])
    if row.target_on is not None and not pd.isna(row.target_on):
        bits.append(f"target {row.target_on:%-d %b %Y}" + (" (passed)" if row.past_target else ""))
    if row.status:
        bits.append(actions.STATUSES[row.status])
    return " · ".join(bits)


def _table(frame: pd.DataFrame, columns: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame[columns].itertuples(index=False)
    )
    return f"<table><tr>{head}</tr>{body}</table>"
