"""The per-file report people read on the terminal after an ingest."""

from __future__ import annotations

from collections import defaultdict

from safeguarding.ingest.pipeline import FileResult

MAX_LINES_SHOWN_PER_REASON = 20


def format_result(result: FileResult) -> str:
    if result.status == "refused":
        return f"✗ {result.message}"
    head = {
        "loaded": f"✓ {result.file_name}: {result.dataset}",
        "unchanged": f"= {result.file_name}: {result.dataset}, identical to a file already "
        "loaded; nothing changed",
    }[result.status]
    lines = [
        head,
        f"    rows read {result.rows_read:,}, loaded {result.rows_loaded:,} "
        f"({result.rows_changed:,} new or changed), quarantined {result.rows_quarantined:,}",
    ]
    if result.rows_retired:
        lines.append(
            f"    retired {result.rows_retired:,} row(s) this full export no longer holds (kept "
            "in history, gone from the current figures)"
        )
    lines += [f"    warning: {w}" for w in result.warnings]
    if result.quarantined:
        lines.append("    quarantined rows (fix them in the source system and export again):")
        by_reason: dict[str, list[int]] = defaultdict(list)
        for row in result.quarantined:
            by_reason[row.reason].append(row.line_no)
        for reason, line_numbers in by_reason.items():
            shown = ", ".join(str(n) for n in line_numbers[:MAX_LINES_SHOWN_PER_REASON])
            more = len(line_numbers) - MAX_LINES_SHOWN_PER_REASON
            suffix = f" and {more:,} more" if more > 0 else ""
            label = "line" if len(line_numbers) == 1 else "lines"
            lines.append(f"      {label} {shown}{suffix}: {reason}")
    return "\n".join(lines)
