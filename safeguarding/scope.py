"""What a signed-in person may see: which academies, and at what level of detail (product.md §5).

Every read of the data takes the Scope, so the limits hold where data is read, not only where
pages are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("trust_lead", "dsl", "governor", "local_governor")


@dataclass(frozen=True)
class Scope:
    role: str
    # academies whose figures (aggregates) this person may see
    aggregate_academies: tuple[str, ...]
    # academies whose records (pupil- and staff-level rows) this person may see
    detail_academies: tuple[str, ...]
    # governors' views: counts about children from 1 to the threshold are shown as `c`
    suppress_small_numbers: bool
    # the academies a TRUST total is computed over when no academy filter narrows it; a local
    # governor sees trust totals over every academy but the figures of their own only
    trust_total_academies: tuple[str, ...] = ()

    @classmethod
    def trust_lead(cls, academies: tuple[str, ...]) -> Scope:
        return cls("trust_lead", academies, academies, False, academies)

    def narrowed_to(self, chosen: tuple[str, ...]) -> tuple[str, ...]:
        """The academies a filter picked, kept within what this scope may see (all if none)."""
        if not chosen:
            return self.aggregate_academies
        return tuple(a for a in chosen if a in self.aggregate_academies)

    def detail_within(self, chosen: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(a for a in self.narrowed_to(chosen) if a in self.detail_academies)

    def total_over(self, shown: tuple[str, ...]) -> tuple[str, ...]:
        """The academies the TRUST row adds up: those shown, except for a local governor, whose
        trust totals always cover the whole trust."""
        if self.role == "local_governor":
            return self.trust_total_academies
        return shown
