"""The demo trust's academies anonymise with the trust's linking key: every concern and referral
carries the child's trust_pupil_ref, and some children moved between academies (from a primary
to a secondary, as most moves in a trust are), so the chronology and the cross-academy figures
have something to show. A demo pupil's trust pseudonym is made from the academy and its demo
pupil number (there is no UPN and no key: nothing here is anyone's)."""

from __future__ import annotations

import base64
import bisect
import hashlib
from dataclasses import dataclass

import numpy as np

from safeguarding.demo.tables import Table
from safeguarding.demo.trust import Academy, DemoOptions, seeded_random

# Of each secondary academy's pupils with concerns, the share who came from one of the
# trust's primaries.
MOVED_SHARE = 0.08


def trust_ref(academy_code: str, pupil_ref: str) -> str:
    digest = hashlib.sha256(f"demo-trust-link|{academy_code}|{pupil_ref}".encode()).digest()
    return "T-" + base64.b32encode(digest[:10]).decode("ascii")


@dataclass(frozen=True)
class Move:
    """A child who left `from_code` after `last_there` and whose first concern at `to_code`
    (None: a school outside the trust) was `first_here`."""

    from_code: str
    to_code: str | None
    trust_pupil_ref: str
    pupil_ref: str
    last_there: np.datetime64
    first_here: np.datetime64 | None


# Of the pupils with concerns who did not move within the trust, the share who left for a
# school outside it (the transfers dataset follows them too).
LEFT_TRUST_SHARE = 0.04


def link_pupils(
    academies: list[Academy], tables: dict[str, dict[str, Table]], options: DemoOptions
) -> list[Move]:
    """Fill trust_pupil_ref in every academy's concerns and referrals, in place; the moves made
    (within the trust and out of it), for the transfers exports."""
    spans = {academy.code: _spans(tables[academy.code]["concerns"]) for academy in academies}
    refs = {(code, p): trust_ref(code, p) for code, span in spans.items() for p in span}
    # a primary pupil moves up once, after their last concern at the primary
    leavers = sorted(
        (last, code, pupil)
        for code, span in spans.items()
        if next(a for a in academies if a.code == code).phase == "primary"
        for pupil, (_, last) in span.items()
    )
    rnd = seeded_random(options, "TRUST", "moves")
    moves = []
    arrived = set()  # (academy, pupil) of the children who came from a primary
    for academy in (a for a in academies if a.phase == "secondary"):
        listed = sorted(spans[academy.code])
        for pupil in rnd.sample(listed, int(len(listed) * MOVED_SHARE)):
            # the leavers whose last concern is before this pupil's first (leavers is sorted)
            earlier = bisect.bisect_left(leavers, (spans[academy.code][pupil][0],))
            if not earlier:
                continue
            last, code, primary_pupil = leavers.pop(rnd.randrange(earlier))
            refs[(academy.code, pupil)] = refs[(code, primary_pupil)]
            arrived.add((academy.code, pupil))
            first = spans[academy.code][pupil][0]
            moves.append(
                Move(code, academy.code, refs[(code, primary_pupil)], primary_pupil, last, first)
            )
    for last, code, primary_pupil in rnd.sample(leavers, int(len(leavers) * LEFT_TRUST_SHARE)):
        moves.append(Move(code, None, refs[(code, primary_pupil)], primary_pupil, last, None))
    # the other academies' pupils leave the trust now and then (a managed move, a family move)
    for academy in (a for a in academies if a.phase != "primary"):
        listed = sorted(p for p in spans[academy.code] if (academy.code, p) not in arrived)
        for pupil in rnd.sample(listed, int(len(listed) * LEFT_TRUST_SHARE)):
            last = spans[academy.code][pupil][1]
            moves.append(Move(academy.code, None, refs[(academy.code, pupil)], pupil, last, None))
    for academy in academies:
        for dataset in ("concerns", "referrals"):
            table = tables[academy.code][dataset]
            table["trust_pupil_ref"] = np.array(
                [refs.get((academy.code, p), "") if p else "" for p in table["pupil_ref"]],
                dtype=object,
            )
    return moves


def _spans(concerns: Table) -> dict[str, tuple[np.datetime64, np.datetime64]]:
    """Each pupil's first and last concern."""
    spans: dict[str, tuple[np.datetime64, np.datetime64]] = {}
    for pupil, logged in zip(concerns["pupil_ref"], concerns["logged_at"], strict=True):
        if not pupil:
            continue
        first, last = spans.get(pupil, (logged, logged))
        spans[pupil] = (min(first, logged), max(last, logged))
    return spans
