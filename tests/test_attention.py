"""The needs-attention list: built from the same models as the figures, so that for every
academy and metric its items number exactly the figure's shortfall; stable keys; the
`attention` command. Hand-made rows with hand-computed items, and the demo trust.

As of Friday 30 May 2025. May 2025: Thu 1, Fri 2, Mon 5 (bank holiday), Tue 6, ... Mon 26 (bank
holiday), Thu 29, Fri 30; Mon 2 June. The window is the year to 30 May 2025.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import TODAY, subprocess_env
from metric_fixtures import build, day

from safeguarding import attention, cli, database, metrics
from safeguarding.window import Window

AS_OF = "2025-05-30"


def _csc(referral_id, referred_at, **more):
    return {"referral_id": referral_id, "referred_at": referred_at, **more}


def _person(staff_ref, role="teacher", **more):
    return {"staff_ref": staff_ref, "role": role, **more}


def _course(staff_ref, course, completed_on):
    return {"staff_ref": staff_ref, "course": course, "completed_on": completed_on}


def _leaver(name, left_on, **more):
    return {"trust_pupil_ref": f"T-{name:A<16}", "left_on": left_on, **more}


@pytest.fixture(scope="module")
def trust(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("attention"),
        referrals=[
            # Fri 2 May: deadline Tue 6 May (after the bank holiday); chased Wed 7 May.
            _csc("R-CHASED", "2025-05-02 09:00", followed_up_at="2025-05-07 10:00"),
            # Thu 29 May: deadline the as-of date itself, 0 working days overdue.
            _csc("R-SILENT", "2025-05-29 09:00"),
            _csc("R-ONTIME", "2025-05-14 09:00", feedback_at="2025-05-15 12:00"),
            _csc("R-AWAITING", "2025-05-30 09:00"),  # deadline Mon 2 June
            # Feedback after the as-of date has not happened yet: overdue since Wed 21 May.
            _csc("R-LATER", "2025-05-20 09:00", feedback_at="2025-06-03 09:00"),
            # Overdue however old: outside the window, never answered.
            _csc("R-OLD", "2024-03-01 09:00", academy_code="ELM"),
            {"referral_id": "R-POLICE", "referred_at": "2025-05-02 09:00", "agency": "police"},
        ],
        concerns=[
            {"concern_id": "C-WAITING", "logged_at": "2025-05-29 10:00"},  # due Fri 30
            {
                "concern_id": "C-LATE-DONE",
                "logged_at": "2025-05-14 10:00",
                "dsl_reviewed_at": "2025-05-20 10:00",
            },
            {
                "concern_id": "C-ON-TIME",
                "logged_at": "2025-05-14 10:00",
                "dsl_reviewed_at": "2025-05-15 09:00",
            },
            {  # reviewed after the as-of date: still waiting on it, since Tue 20 May
                "concern_id": "C-REVIEWED-LATER",
                "logged_at": "2025-05-19 10:00",
                "dsl_reviewed_at": "2025-06-02 09:00",
            },
        ],
        staff=[
            _person("S-EXPIRED"),
            _person("S-NEVER", role="volunteer"),
            _person("S-EXPIRING", role="support"),
            _person("S-OK"),
            _person("S-STARTER", start_date="2025-05-27"),  # induction due by Tue 3 June
            _person("S-LEFT", leave_date="2025-05-01"),
            _person("S-GOVERNOR", role="governor"),
            # A trustee is never a DSL, whatever the export says.
            _person("S-TRUSTEE", role="trustee", safeguarding_role="dsl"),
            _person("S-DSL", safeguarding_role="dsl"),
            _person("S-DEPUTY", role="support", safeguarding_role="deputy_dsl"),
        ],
        training=[
            _course("S-EXPIRED", "safeguarding_update", "2024-05-01"),  # ran out 1 May
            _course("S-EXPIRING", "safeguarding_full", "2024-06-15"),  # runs out 15 June
            _course("S-OK", "safeguarding_update", "2025-01-10"),
            _course("S-LEFT", "safeguarding_update", "2023-01-10"),
            _course("S-GOVERNOR", "governor_safeguarding", "2024-04-01"),  # ran out 1 April
            _course("S-TRUSTEE", "governor_safeguarding", "2024-06-10"),  # runs out 10 June
            _course("S-DSL", "safeguarding_update", "2025-01-10"),
            _course("S-DSL", "dsl_full", "2023-06-20"),  # full course runs out 20 June
            _course("S-DSL", "dsl_refresh", "2024-09-01"),
            _course("S-DEPUTY", "safeguarding_update", "2025-01-10"),
            _course("S-DEPUTY", "dsl_refresh", "2025-01-10"),  # a refresher alone never counts
        ],
        transfers=[
            # Thu 15 May + 5 school days (no term dates: working days): due Thu 22 May; not
            # sent, 5 working days overdue (Fri 23, Tue 27 - Fri 30; Mon 26 a bank holiday).
            _leaver("OVERDUE", "2025-05-15", to_academy_code="ELM"),
            # sent late: history, counted by cp_file_sent_on_time_pct, not an action
            _leaver("SENTLATE", "2025-05-01", cp_file_sent_on="2025-05-20"),
            # Tue 27 May: due Tue 3 June, after the as-of date
            _leaver("AWAITING", "2025-05-27"),
        ],
        policies=[
            {
                "policy_title": "CSE policy",
                "policy_type": "child_sexual_exploitation",
                "next_review_on": "2025-05-01",
            },
            {"policy_title": "Uniform policy", "next_review_on": "2025-06-20"},
            {"policy_title": "Trips policy", "next_review_on": None},
            {
                "academy_code": "TRUST",
                "policy_title": "Child protection policy",
                "policy_type": "child_protection_safeguarding",
                "next_review_on": "2025-05-20",
            },
        ],
    )


def _items(db, as_of=AS_OF, academies=None):
    with database.reader(db) as con:
        codes = metrics.checked_academy_codes(con, academies)
        return attention.needs_attention(con, Window.ending(day(as_of)), codes, codes)


def _figures(db, as_of=AS_OF, academies=None):
    with database.reader(db) as con:
        return metrics.compute(con, day(as_of), academies=academies)


def test_the_items_are_those_counted_by_hand(trust):
    items = _items(trust)
    explained = items[~items["area"].isin(["Data stale", "Policy flag"])]
    shown = {
        row.key: (row.metric, row.overdue_working_days, row.overdue_days)
        for row in explained.itertuples()
    }
    na = pd.NA
    assert shown == {
        "referral:OAK:R-CHASED:csc_feedback": ("csc_feedback_overdue", 17, na),
        "referral:OAK:R-LATER:csc_feedback": ("csc_feedback_overdue", 6, na),
        "referral:OAK:R-SILENT:csc_feedback": ("csc_feedback_overdue", 0, na),
        "referral:ELM:R-OLD:csc_feedback": (
            "csc_feedback_overdue",
            shown["referral:ELM:R-OLD:csc_feedback"][1],
            na,
        ),
        "concern:OAK:C-REVIEWED-LATER:dsl_review": (None, 7, na),
        "concern:OAK:C-WAITING:dsl_review": (None, 0, na),
        "transfer:OAK:T-OVERDUEAAAAAAAAA:2025-05-15:cp_file": (None, 5, na),
        "staff:OAK:S-EXPIRED:safeguarding_training": ("safeguarding_training_in_date_pct", na, 29),
        "staff:OAK:S-NEVER:safeguarding_training": ("safeguarding_training_in_date_pct", na, na),
        "staff:OAK:S-EXPIRING:safeguarding_training": ("training_expiring_30d", na, na),
        "staff:OAK:S-STARTER:safeguarding_training": (None, na, na),
        "staff:OAK:S-GOVERNOR:governor_training": ("governor_training_in_date_pct", na, 59),
        "staff:OAK:S-TRUSTEE:governor_training": (None, na, na),
        "staff:OAK:S-DSL:dsl_training": (None, na, na),
        "staff:OAK:S-DEPUTY:dsl_training": ("dsl_training_in_date_pct", na, na),
        "policy:OAK:csepolicy:review": ("policies_overdue", na, 29),
        "policy:OAK:uniformpolicy:review": ("policies_due_soon", na, na),
        "policy:TRUST:childprotectionpolicy:review": ("policies_overdue", na, 10),
        **{
            f"policy:{academy}:{policy_type}:missing": ("required_policies_missing", na, na)
            for academy in ("OAK", "ELM", "ASH")
            for policy_type in (
                "online_safety",
                "acceptable_use",
                "relationships_sex_education",
                "allegations_against_staff",
                "whistleblowing",
                "staff_code_of_conduct",
                *(["child_sexual_exploitation"] if academy != "OAK" else []),
            )
        },
    }
    # R-OLD: due Mon 4 March 2024, over a year of working days before the as-of date.
    assert shown["referral:ELM:R-OLD:csc_feedback"][1] > 250


def test_the_areas_say_what_each_item_is(trust):
    items = _items(trust).set_index("key")
    assert items.loc["staff:OAK:S-DSL:dsl_training", "area"] == (
        "DSL training expiring within 30 days"
    )
    assert items.loc["staff:OAK:S-DEPUTY:dsl_training", "area"] == "DSL training out of date"
    assert items.loc["staff:OAK:S-TRUSTEE:governor_training", "area"] == (
        "Governor training expiring within 30 days"
    )
    assert items.loc["staff:OAK:S-STARTER:safeguarding_training", "area"] == (
        "Induction training due"
    )
    assert items.loc["staff:OAK:S-STARTER:safeguarding_training", "due_on"] == dt.date(2025, 6, 3)
    assert items.loc["referral:OAK:R-CHASED:csc_feedback", "detail"] == (
        "No feedback yet; chased on 7 May 2025"
    )
    assert (
        items.loc["referral:OAK:R-SILENT:csc_feedback", "detail"] == "No feedback yet; not chased"
    )
    assert items.loc["concern:OAK:C-WAITING:dsl_review", "area"] == "DSL review overdue"
    assert items.loc["transfer:OAK:T-OVERDUEAAAAAAAAA:2025-05-15:cp_file", "detail"] == (
        "Left 15 May 2025 for ELM; the file has not been sent"
    )
    stale = items[items["area"] == "Data stale"]
    assert len(stale) == 3 * 5 and stale["metric"].isna().all()  # nothing was ever exported
    flags = items[items["area"] == "Policy flag"]
    assert len(flags) == 4 and flags["metric"].isna().all()  # no owner recorded


def _assert_items_explain_the_figures(items, figures):
    counted = items.dropna(subset=["metric"]).groupby(["academy_code", "metric"]).size()
    expected = attention.shortfalls(figures)
    for row in expected.itertuples():
        if row.academy_code == metrics.TRUST:
            shown = (
                int(counted.xs(row.metric, level="metric").sum())
                if row.metric in set(counted.index.get_level_values("metric"))
                else 0
            )
        else:
            shown = int(counted.get((row.academy_code, row.metric), 0))
        assert shown == row.shortfall, (row.academy_code, row.metric, shown, row.shortfall)
    listed = set(counted.index.get_level_values("metric"))
    assert listed <= set(attention.EXPLAINED_COUNTS + attention.EXPLAINED_PERCENTAGES)


def test_for_every_academy_and_metric_the_items_number_the_shortfall(trust):
    _assert_items_explain_the_figures(_items(trust), _figures(trust))


@pytest.mark.parametrize(
    ("as_of", "academies"),
    [
        (TODAY, None),
        (TODAY, ["OAK"]),
        (TODAY - dt.timedelta(days=7), ["ELM", "HAZEL"]),
        (dt.date(2025, 7, 22), None),
        (dt.date(2024, 2, 29), None),
    ],
)
def test_on_the_demo_trust_the_list_and_the_figures_agree(demo_db, as_of, academies):
    items = _items(demo_db, as_of.isoformat(), academies)
    figures = _figures(demo_db, as_of.isoformat(), academies)
    assert not items.empty
    _assert_items_explain_the_figures(items, figures)


def test_a_figure_that_would_disagree_is_caught(trust):
    items = _items(trust)
    dropped = items[items["key"] != "staff:OAK:S-NEVER:safeguarding_training"]
    with pytest.raises(AssertionError, match="safeguarding_training_in_date_pct"):
        _assert_items_explain_the_figures(dropped, _figures(trust))


def test_keys_are_stable_from_one_day_to_the_next(trust):
    friday = _items(trust, "2025-05-30").set_index("key")
    monday = _items(trust, "2025-06-02").set_index("key")
    # Still open on Monday: the same keys, a day older.
    assert friday.loc["referral:OAK:R-CHASED:csc_feedback", "overdue_working_days"] == 17
    assert monday.loc["referral:OAK:R-CHASED:csc_feedback", "overdue_working_days"] == 18
    # Feedback on Tue 3 June: R-LATER is still open on Monday; C-REVIEWED-LATER was reviewed.
    assert "referral:OAK:R-LATER:csc_feedback" in monday.index
    assert "concern:OAK:C-REVIEWED-LATER:dsl_review" not in monday.index
    assert friday.index.is_unique and monday.index.is_unique


def test_the_documented_areas_are_the_areas_listed(trust):
    """docs/product.md §4.1 names each area with the metric it counts against."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "product.md").read_text()
    section = text.split("### 4.1 The needs-attention list")[1].split("\n#")[0]
    documented = {
        (cells[0], None if cells[1] == "–" else cells[1])
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith(("| area", "|---"))
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    items = _items(trust)
    listed = set(zip(items["area"], items["metric"], strict=True))
    assert listed == documented


def test_attention_command_prints_the_same_list_as_json(trust, capsys):
    status = cli.main(["attention", "--as-of", AS_OF, "--format", "json", "--db", str(trust)])
    assert status == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == attention.as_records(_items(trust))
    first = printed[0]
    assert set(first) >= {
        "key",
        "area",
        "metric",
        "academy_code",
        "item",
        "detail",
        "due_on",
        "overdue_working_days",
        "overdue_days",
    }
    # Most overdue first: the old unanswered referral, then the one chased since May.
    assert [item["key"] for item in printed[:2]] == [
        "referral:ELM:R-OLD:csc_feedback",
        "referral:OAK:R-CHASED:csc_feedback",
    ]
    assert printed[1]["due_on"] == "2025-05-06"


def test_attention_command_table_and_csv(trust, capsys):
    assert cli.main(["attention", "--as-of", AS_OF, "--db", str(trust)]) == 0
    table = capsys.readouterr().out
    assert "Feedback from children's social care overdue (4)" in table
    assert "17 working days overdue" in table and "29 days overdue" in table
    assert (
        cli.main(
            [
                "attention",
                "--as-of",
                AS_OF,
                "--format",
                "csv",
                "--academy",
                "OAK",
                "--db",
                str(trust),
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:3] == ["priority", "key", "area"]
    assert all(",ELM," not in line for line in lines)


def test_attention_command_refuses_a_future_date_and_an_unknown_academy(trust, capsys):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert cli.main(["attention", "--as-of", tomorrow, "--db", str(trust)]) == 2
    assert cli.main(["attention", "--as-of", AS_OF, "--academy", "BIRCH", "--db", str(trust)]) == 2
    assert "Unknown academy code 'BIRCH'" in capsys.readouterr().err


def test_attention_command_runs_as_installed(trust):
    import subprocess

    done = subprocess.run(
        [
            ".venv/bin/safeguarding",
            "attention",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--db",
            str(trust),
        ],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["metric"] == "csc_feedback_overdue"
