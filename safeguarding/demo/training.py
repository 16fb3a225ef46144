"""Each person's training while in post: induction, the annual update (on anniversaries or
on the September INSET day), KCSIE reading, the DSLs' courses and governors' training."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

import numpy as np

from safeguarding.demo.school_calendar import SchoolCalendar, epoch_day, from_epoch_day
from safeguarding.demo.tables import Table, new_table
from safeguarding.demo.trust import Academy, DemoOptions, Traits

if TYPE_CHECKING:
    from safeguarding.demo.staff import Person

YEARLY_MODULES = (("prevent", 0.6), ("online_safety", 0.8), ("cse_awareness", 0.6))
PROVIDERS = (
    "Trust safeguarding team",
    "Demo online training platform",
    "Local safeguarding partnership",
    "In-house INSET",
)


class TrainingHistory:
    def __init__(
        self,
        academy: Academy,
        traits: Traits,
        options: DemoOptions,
        calendar: SchoolCalendar,
        rnd: random.Random,
    ):
        self.academy, self.traits, self.calendar, self.rnd = academy, traits, calendar, rnd
        self.today = epoch_day(options.today)
        self.kcsie_edition = options.kcsie_edition
        self.window_start = epoch_day(options.window_start)
        # Training older than this is not in the export (a year before the window).
        self.history_start = self.window_start - 400
        self.rows: list[tuple[str, str, int, int | None, str]] = []
        self._seen: set[tuple[str, str, int]] = set()

    def add(self, person: Person, course: str, day: int, edition: int | None = None) -> None:
        end = min(person.leave or self.today, self.today)
        key = (person.ref, course, day)
        if day > end or day < person.start - 30 or key in self._seen:
            return
        self._seen.add(key)
        provider = PROVIDERS[(day + len(course)) % len(PROVIDERS)]
        self.rows.append((person.ref, course, day, edition, provider))

    def yearly_chain(self, person: Person, course: str, on_time: float, first: int) -> None:
        """A course renewed about yearly; sometimes late (a gap), sometimes never again."""
        rnd, day = self.rnd, first
        end = min(person.leave or self.today, self.today)
        while day <= end:
            self.add(person, course, day)
            if rnd.random() < 0.03:
                return
            day += 365 - rnd.randint(0, 20)  # renewed in the weeks before expiry
            if rnd.random() > on_time:
                day += rnd.randint(20, 150)

    def staff_training(self, person: Person, lapsed_dsl_training: bool) -> None:
        rnd, traits, calendar = self.rnd, self.traits, self.calendar
        end = min(person.leave or self.today, self.today)
        if person.start >= self.history_start:
            delay = rnd.random()
            if delay < 0.7:
                first = person.start
            elif delay < 0.9:
                first = int(calendar.add_working_days(person.start, rnd.randint(1, 4)))
            else:
                first = int(calendar.add_working_days(person.start, rnd.randint(6, 20)))
            self.add(person, "safeguarding_induction", first)
            self.kcsie_reads(person, first, induction=True)
        else:
            first = rnd.randint(self.history_start, self.window_start - 30)
            self.add(person, "safeguarding_update", first)

        if traits.inset_style:
            # The first September INSET day at least six months after the last course.
            earliest = from_epoch_day(first + 180)
            year = earliest.year if earliest.month < 9 else earliest.year + 1
            while epoch_day(dt.date(year, 9, 1)) <= end:
                inset = calendar.first_september_workday(year)
                if rnd.random() < traits.renew_on_time:
                    self.add(person, "safeguarding_update", inset)
                elif rnd.random() < 0.7:
                    self.add(person, "safeguarding_update", inset + rnd.randint(20, 100))
                year += 1
        else:
            self.yearly_chain(person, "safeguarding_update", traits.renew_on_time, first)

        first_year = from_epoch_day(max(person.start, self.window_start)).year
        for year in range(first_year - 1, from_epoch_day(end).year + 1):
            if epoch_day(dt.date(year, 9, 1)) > end:
                break
            inset = calendar.first_september_workday(year)
            if person.start <= inset + 30 <= end + 30:
                self.kcsie_reads(person, inset, induction=False)
            self.yearly_modules(person, inset)

        if person.safeguarding_role in ("dsl", "deputy_dsl"):
            self.dsl_training(person, lapsed_dsl_training)

    def yearly_modules(self, person: Person, inset: int) -> None:
        """The other modules of a school year on the training platform."""
        rnd = self.rnd
        for course, share in YEARLY_MODULES:
            if rnd.random() < share:
                self.add(person, course, inset + rnd.randint(0, 300))
        leads = person.role in ("leadership", "principal") or person.safeguarding_role
        if rnd.random() < (0.9 if leads else 0.1):
            date = from_epoch_day(inset)
            edition = min(date.year, self.kcsie_edition)
            self.add(person, "kcsie_annex_a", inset + rnd.randint(0, 40), edition)
        # Courses outside the safeguarding list (first aid, safer recruitment, ...) are `other`.
        for _ in range(rnd.choice((1, 1, 2, 2, 3, 3))):
            self.add(person, "other", inset + rnd.randint(0, 300))

    def kcsie_reads(self, person: Person, day: int, induction: bool) -> None:
        date = from_epoch_day(day)
        school_year = date.year if date.month >= 9 else date.year - 1
        if school_year > self.kcsie_edition and not induction:
            return  # no new edition to read this September; starters still read the newest
        edition = min(school_year, self.kcsie_edition)
        rnd, traits = self.rnd, self.traits
        offset = 0 if induction else rnd.randint(0, 25)
        if rnd.random() < traits.kcsie_part1:
            self.add(person, "kcsie_part1", day + offset, edition)
        if rnd.random() < traits.kcsie_annex_b:
            self.add(person, "kcsie_annex_b", day + offset + rnd.randint(0, 10), edition)

    def dsl_training(self, person: Person, lapsed: bool) -> None:
        """Full DSL training every two years, a refresher in the year between."""
        rnd = self.rnd
        latest = self.today - rnd.randint(800, 950) if lapsed else self.today
        if person.start > self.history_start - 700:
            day = person.start + rnd.randint(0, 60)  # trained on appointment
        else:
            day = self.history_start - 700 + rnd.randint(0, 300)
        while day <= latest:
            self.add(person, "dsl_full", day)
            refresh = day + 365 + rnd.randint(-20, 20)
            if refresh <= latest:
                self.add(person, "dsl_refresh", refresh)
            day += 730 - rnd.randint(0, 40)

    def table(self) -> Table:
        rows = sorted(self.rows, key=lambda t: (t[2], t[0], t[1]))
        table = new_table("training", len(rows))
        table["academy_code"][:] = self.academy.code
        if not rows:
            return table
        refs, courses, days, editions, providers = zip(*rows, strict=True)
        table["staff_ref"] = np.array(refs, dtype=object)
        table["course"] = np.array(courses, dtype=object)
        table["completed_on"] = np.array(days).astype("datetime64[D]")
        table["kcsie_edition"] = np.array([np.nan if e is None else e for e in editions])
        table["provider"] = np.array(providers, dtype=object)
        return table
