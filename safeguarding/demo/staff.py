"""Staff, governors and trustees: everyone who held a post during the window, leavers and
their replacements included. A few hundred people per academy: plain Python."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from safeguarding.demo.school_calendar import SchoolCalendar, epoch_day, from_epoch_day
from safeguarding.demo.tables import Table, new_table
from safeguarding.demo.training import TrainingHistory
from safeguarding.demo.trust import UNTRAINED_DEPUTY_POSITION, Academy, DemoOptions, Traits


@dataclass
class Person:
    ref: str
    role: str
    safeguarding_role: str  # "" = none
    works_with_children: int  # -1 blank, 0, 1
    start: int  # epoch day
    leave: int | None


class StaffBuilder:
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
        self.window_start = epoch_day(options.window_start)
        self.people: list[Person] = []
        # People and their courses draw from one generator, in the order people are appointed,
        # so the order of the calls below is part of what the files hold.
        self.training = TrainingHistory(academy, traits, options, calendar, rnd)

    def _person(self, role, safeguarding_role, works_with_children, start, leave) -> Person:
        ref = f"STF-{self.academy.code}-{len(self.people) + 1:04d}"
        person = Person(ref, role, safeguarding_role, works_with_children, start, leave)
        self.people.append(person)
        return person

    def _next_start(self, after: int) -> int:
        start = after + self.rnd.randint(1, 40)
        date = from_epoch_day(start)
        if date.month in (7, 8):  # posts filled over the summer start in September
            start = self.calendar.first_september_workday(date.year)
        return self.calendar.on_or_after(start)

    def post_holders(self, role: str, safeguarding_role: str, mean_years: float) -> list[Person]:
        """Everyone who held one post during the window: leavers and their replacements."""
        holders = []
        start = self.calendar.on_or_after(self.window_start - int(self.rnd.uniform(60, 15 * 365)))
        while True:
            leave = start + int(self.rnd.expovariate(1 / (mean_years * 365))) + 30
            works = 0 if role == "support" and self.rnd.random() < 0.1 else -1
            next_start = self._next_start(leave) if leave <= self.today else None
            # A safeguarding post is never left empty: the holder stays until a successor starts.
            if next_start is None or (next_start > self.today and safeguarding_role):
                holders.append(self._person(role, safeguarding_role, works, start, None))
                return holders
            if leave >= self.window_start:
                holders.append(self._person(role, safeguarding_role, works, start, leave))
            if next_start > self.today:
                return holders  # vacant for now
            start = next_start

    def build(self) -> None:
        traits, rnd = self.traits, self.rnd
        posts = traits.staff_in_post
        leadership = 2 + posts // 25
        roles = ["principal"] + ["leadership"] * leadership
        roles += rnd.choices(
            ["teacher", "support", "volunteer", "other"],
            weights=(47, 45, 4, 4),
            k=posts - len(roles),
        )
        dsl_post = 0 if self.academy.pupils_on_roll < 250 else 1
        untrained_deputy = self.academy.position == UNTRAINED_DEPUTY_POSITION
        deputies = 1 if untrained_deputy or posts < 60 else 2
        deputy_posts = {2, roles.index("teacher")} if deputies == 2 else {2}
        mean_years = {"principal": 8, "leadership": 7, "teacher": 5, "support": 4}
        for post, role in enumerate(roles):
            if post == dsl_post:
                safeguarding_role = "dsl"
            elif post in deputy_posts:
                safeguarding_role = "deputy_dsl"
            else:
                safeguarding_role = ""
            for person in self.post_holders(role, safeguarding_role, mean_years.get(role, 2)):
                lapsed = untrained_deputy and safeguarding_role == "deputy_dsl"
                self.training.staff_training(person, lapsed_dsl_training=lapsed)
        # New starters in the last week: some not yet through induction.
        if self.academy.position % 3 == 0:
            last_week = self.calendar.workdays[
                (self.calendar.workdays > self.today - 7) & (self.calendar.workdays <= self.today)
            ]
            for start in rnd.sample(list(last_week), min(2, len(last_week))):
                person = self._person(rnd.choice(["teacher", "support"]), "", -1, int(start), None)
                if rnd.random() < 0.5:
                    self.training.add(person, "safeguarding_induction", person.start)
        self.build_governors()

    def build_governors(self) -> None:
        rnd = self.rnd
        boards = [("governor", rnd.randint(7, 10))]
        if self.academy.position == 0:  # the trust board is listed with the lead academy
            boards.append(("trustee", 8))
        for role, seats in boards:
            for seat in range(seats):
                safeguarding_role = (
                    "safeguarding_governor" if seat == 0 and role == "governor" else ""
                )
                works = 0 if role == "trustee" else -1
                start = self.calendar.on_or_after(self.window_start - int(rnd.uniform(30, 8 * 365)))
                leave = None
                if rnd.random() < 0.15:
                    leave = self.calendar.on_or_after(
                        rnd.randint(self.window_start, self.today - 30)
                    )
                    leave = leave if leave > start else None
                person = self._person(role, safeguarding_role, works, start, leave)
                self.training.yearly_chain(
                    person,
                    "governor_safeguarding",
                    self.traits.governor_training,
                    max(start, self.training.history_start) + rnd.randint(0, 300),
                )

    def staff_table(self) -> Table:
        people = sorted(self.people, key=lambda p: p.ref)
        table = new_table("staff", len(people))
        table["academy_code"][:] = self.academy.code
        table["staff_ref"] = np.array([p.ref for p in people], dtype=object)
        table["role"] = np.array([p.role for p in people], dtype=object)
        table["safeguarding_role"] = np.array([p.safeguarding_role for p in people], dtype=object)
        table["works_with_children"] = np.array(
            [p.works_with_children for p in people], dtype=np.int8
        )
        table["start_date"] = np.array([p.start for p in people]).astype("datetime64[D]")
        table["leave_date"] = np.array(
            [np.datetime64("NaT") if p.leave is None else p.leave for p in people],
            dtype="datetime64[D]",
        )
        return table
