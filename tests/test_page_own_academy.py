"""Views that fit each role (issue 17): a DSL or a local governor leads every page with their own
academy's figures, the trust's beside them; "Trust" names only the whole trust; a chart that
would be all c is a sentence instead; a window that opens before the data says so."""

from __future__ import annotations

import pandas as pd
import pytest
from page_helpers import academy_names, governor_metric_frame, metric_frame, open_as

from safeguarding import metrics_definitions
from safeguarding.codes import SUPPRESSED, TRUST
from safeguarding.ui import headlines, referral_charts
from safeguarding.ui.components import format_value

# page → (a headline metric, its tile's label: None for the metric's own label)
HEADLINES = {
    "pages/referrals.py": ("csc_feedback_on_time_pct", "Social care feedback on time"),
    "pages/training.py": ("safeguarding_training_in_date_pct", "Staff training in date"),
    "pages/policies.py": ("policies_overdue", None),
}


def _figure(frame: pd.DataFrame, code: str, metric_id: str):
    return frame[(frame.academy_code == code) & (frame.metric == metric_id)].iloc[0]


@pytest.mark.parametrize("role", ["dsl", "local_governor"])
@pytest.mark.parametrize("page_path", list(HEADLINES), ids=lambda p: p.split("/")[1][:-3])
def test_an_academy_role_sees_its_own_academy_first_and_the_trust_beside(
    page_path, role, demo_db, monkeypatch
):
    metric_id, label = HEADLINES[page_path]
    definition = metrics_definitions.load()[metric_id]
    app = open_as(role, page_path, demo_db, monkeypatch, academy="ALDER")
    assert not app.exception
    frame = metric_frame(demo_db) if role == "dsl" else governor_metric_frame(demo_db)
    alder, trust = _figure(frame, "ALDER", metric_id), _figure(frame, TRUST, metric_id)
    tiles = {m.label: m.value for m in app.metric}
    tile = tiles[label or definition.label]
    if role == "local_governor" and definition.unit == "%" and 0 < alder.denominator <= 5:
        assert tile == SUPPRESSED
    else:
        assert tile == format_value(alder.value, definition.unit)
    # Beside it, named for what it adds up, the trust's figure (the whole trust for both roles).
    name = academy_names(demo_db)["ALDER"]
    whole = "Trust (all academies)" if role == "local_governor" else "Trust"
    beside = f"{whole}: {format_value(trust.value, definition.unit)}"
    assert any(c.value.startswith(name) and beside in c.value for c in app.caption), beside


def test_the_trust_lead_sees_the_trust_and_no_academy_beside(demo_db, monkeypatch):
    app = open_as("trust_lead", "pages/training.py", demo_db, monkeypatch)
    metric_id = "safeguarding_training_in_date_pct"
    trust = _figure(metric_frame(demo_db), TRUST, metric_id)
    assert {m.label: m.value for m in app.metric}["Staff training in date"] == format_value(
        trust.value, "%"
    )
    assert any(
        c.value == f"Trust: {int(trust.numerator):,} of {int(trust.denominator):,} people"
        for c in app.caption
    )


@pytest.mark.parametrize("role", ["dsl", "local_governor"])
def test_commitments_are_scored_for_the_viewers_academy(role, demo_db, monkeypatch):
    app = open_as(role, "pages/commitments.py", demo_db, monkeypatch, academy="ALDER")
    assert not app.exception
    name = academy_names(demo_db)["ALDER"]
    from page_helpers import figures

    titles = list(figures(app))
    assert any(t.startswith(f"Each percentage measure of a promise: {name}") for t in titles)
    frame = metric_frame(demo_db) if role == "dsl" else governor_metric_frame(demo_db)
    metric_id = "safeguarding_training_in_date_pct"
    label = metrics_definitions.load()[metric_id].label
    alder = _figure(frame, "ALDER", metric_id)
    assert {m.label: m.value for m in app.metric}[label] == format_value(alder.value, "%")


def test_a_local_governors_all_hidden_chart_is_a_sentence(demo_db, monkeypatch):
    """ALDER's referrals to social care in the governors' term are all small: the feedback-time
    chart would be bars of c. It is not drawn; a sentence says why."""
    app = open_as("local_governor", "pages/referrals.py", demo_db, monkeypatch, academy="ALDER")
    from page_helpers import figures

    assert not any("working days to feedback" in t for t in figures(app))
    assert any(
        "Not shown: every figure for referrals to children's social care" in i.value
        for i in app.info
    )
    # The trust lead, whose figures are not hidden, has the chart.
    lead = open_as("trust_lead", "pages/referrals.py", demo_db, monkeypatch)
    assert any("working days to feedback" in t for t in figures(lead))


def test_a_window_before_the_data_says_so(demo_db, monkeypatch):
    """The demo's data starts on 1 September 2023: twelve months to 31 January 2024 start five
    months before it."""
    from page_helpers import run_page

    monkeypatch.setenv("SAFEGUARDING_DB", str(demo_db))
    early = run_page("pages/referrals.py", query_params={"as_of": "2024-01-31"})
    warned = [w.value for w in early.warning if "before the data does" in w.value]
    assert warned and "1 February 2023" in warned[0] and "1 September 2023" in warned[0]
    now = run_page("pages/referrals.py")
    assert not [w for w in now.warning if "before the data does" in w.value]


# --- the rules, on hand-made rows -------------------------------------------------------------


def test_trust_names_only_the_whole_trust():
    def name(code):
        return {"OAK": "Oak Academy"}.get(code, code)

    assert headlines.total_label(None, ("ELM", "OAK"), filtered=False, name=name) == "Trust"
    assert headlines.total_label(None, ("ELM", "OAK"), filtered=True, name=name) == "2 academies"
    assert headlines.total_label(None, ("OAK",), filtered=True, name=name) == "Oak Academy"


def test_a_chart_is_all_hidden_only_when_every_figure_in_it_is_c():
    assert headlines.hidden_everywhere(["c", 0, None, "c"])
    assert not headlines.hidden_everywhere(["c", 3])
    assert not headlines.hidden_everywhere([0, None])  # nothing at all: an empty state, not c
    assert not headlines.hidden_everywhere([])


def test_the_viewers_academy_leads_the_by_academy_chart():
    values = pd.DataFrame(
        [
            {
                "academy_code": code,
                "metric": "dsl_review_on_time_pct",
                "value": v,
                "numerator": n,
                "denominator": 10,
            }
            for code, v, n in [
                ("ASH", 100.0, 10),
                ("OAK", 50.0, 5),
                ("ELM", 90.0, 9),
                (TRUST, 80.0, 24),
            ]
        ]
    )
    names = {"ASH": "Ash", "OAK": "Oak", "ELM": "Elm"}
    common = dict(title="t", value_title="v", count_noun="concerns due", none_text="none")
    worst_first = referral_charts.by_academy_figure(
        values, "dsl_review_on_time_pct", names, **common
    )
    assert list(worst_first.layout.yaxis.categoryarray) == ["Oak", "Elm", "Ash"]
    own = referral_charts.by_academy_figure(
        values, "dsl_review_on_time_pct", names, own="ASH", **common
    )
    assert list(own.layout.yaxis.categoryarray) == ["Ash (your academy)", "Oak", "Elm"]


def test_a_dsl_finds_their_academy_marked_on_the_compare_charts(demo_db, monkeypatch):
    from page_helpers import chart

    app = open_as("dsl", "pages/compare.py", demo_db, monkeypatch, academy="ALDER")
    assert not app.exception
    funnel_text = [
        t for trace in chart(app, "compare_funnel")["data"] for t in trace.get("text") or []
    ]
    assert "ALDER (yours)" in funnel_text
    ranked = [y for trace in chart(app, "compare_ranked")["data"] for y in trace.get("y") or []]
    assert any(str(y).endswith("(ALDER) (yours)") for y in ranked)
    assert sum("(yours)" in str(y) for y in ranked) == 1
    lead = open_as("trust_lead", "pages/compare.py", demo_db, monkeypatch)
    lead_text = [
        t for trace in chart(lead, "compare_funnel")["data"] for t in trace.get("text") or []
    ]
    assert not any("(yours)" in str(t) for t in lead_text)


def test_a_kcsie_edition_not_yet_in_force_is_not_applicable_on_the_overview(page):
    """As of 30 June 2025 KCSIE 2025 was not in force: its tile says n/a and why, not 0 %."""
    label = metrics_definitions.load()["kcsie_annex_b_read_pct"].label
    before = page("pages/overview.py", as_of="2025-06-30")
    assert not before.exception
    assert {m.label: m.value for m in before.metric}[label] == "n/a"
    assert any("KCSIE 2025 came into force on 1 September 2025" in c.value for c in before.caption)
    after = page("pages/overview.py")
    assert {m.label: m.value for m in after.metric}[label].endswith("%")
