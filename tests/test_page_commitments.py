"""The policy commitments page: every promise of the CSE policy with its clause, figures that are
the metrics query's, target, RAG and trend; one academy; governors; a broken mapping file."""

from __future__ import annotations

import pytest
from page_helpers import academy_names, figure_titled, metric_frame, open_as

from safeguarding import commitments, metrics_definitions
from safeguarding.paths import PROJECT_ROOT

SUBHEADERS = [
    "How each promise stands",
    "§6 Roles and Responsibilities",
    "§8 Effective Responses",
    "§9 Working with families",
    "§10 Staff Training",
    "§12 Consensual and non-consensual sharing of indecent images and videos",
    "§13 Online Safety",
    "§14 Relationships and Sex Education",
    "§15 Reporting and Referrals",
    "§16 Providing Support",
    "§17 Monitoring and Review",
    "Term by term",
    "Each academy against each promise",
    "Patterns behind the counts",
    "Every promise",
]


def trust_values(db, academies=None) -> dict[str, float]:
    frame = metric_frame(db, academies=academies)
    trust = frame[frame.academy_code == "TRUST"]
    return dict(zip(trust.metric, trust.value, strict=True))


def scorecard_table(app):
    [table] = [d.value for d in app.dataframe if "Clause text" in d.value.columns]
    return table


@pytest.fixture(scope="module")
def cse():
    return commitments.load(commitments.SHIPPED_DIR / "st-barts-cse.toml")


def test_every_section_draws_without_error(page, cse):
    app = page("pages/commitments.py")
    assert not app.exception
    assert app.title[0].value == "Policy commitments"
    assert [s.value for s in app.subheader] == SUBHEADERS
    assert len(app.get("plotly_chart")) == 3
    # each clause quoted as the policy words it
    quotes = " ".join(m.value for m in app.markdown)
    for commitment in cse.commitments:
        assert commitment.text in quotes
    assert len(app.get("download_button")) == 1


def test_tiles_and_table_are_the_metrics_query(page, demo_db, cse):
    app = page("pages/commitments.py")
    expected = trust_values(demo_db)
    frame = metric_frame(demo_db)
    denominators = dict(
        zip(
            frame[frame.academy_code == "TRUST"].metric,
            frame[frame.academy_code == "TRUST"].denominator,
            strict=True,
        )
    )
    definitions = metrics_definitions.load()
    tiles = {m.label: m.value for m in app.metric}
    for metric_id in cse.metric_ids:
        definition = definitions[metric_id]
        shown = commitments.figure_text(definition, expected[metric_id], denominators[metric_id])
        assert tiles[definition.label] == shown, metric_id
    table = scorecard_table(app)
    unmeasured = [c for c in cse.commitments if not c.is_measured]
    assert len(table) == sum(len(c.metrics) for c in cse.commitments) + len(unmeasured)
    # every promise no figure measures is in the table, saying why
    not_measured = table[table["RAG"] == "Not measured"]
    assert list(not_measured["Promise"]) == [c.promise for c in unmeasured]
    assert all(m.startswith("Not measured: ") for m in not_measured["Measure"])
    feedback = table[table["Measure"] == definitions["csc_feedback_on_time_pct"].label].iloc[0]
    assert feedback["Clause"] == "§15" and feedback["Target"] == "≥ 90%"
    value = expected["csc_feedback_on_time_pct"]
    assert (
        feedback["RAG"]
        == {"green": "On target", "amber": "Near target", "red": "Off target"}[
            definitions["csc_feedback_on_time_pct"].rag(value)
        ]
    )
    # a trend over terms for every measure with figures
    figures = table[(table["RAG"] != "Not measured") & (table["Now"] != "not collected")]
    assert all(len(terms) >= 2 for terms in figures["Terms"])
    assert set(table["Trend"]) <= {
        "↑ improving",
        "↓ worsening",
        "→ steady",
        "not enough terms",
        "↑ up",
        "↓ down",
        "–",
    }


def test_summary_counts_every_promise_once(page, cse):
    app = page("pages/commitments.py")
    labels = ("On target", "Near target", "Off target", "No figure", "Not measured")
    counts = {m.label: int(m.value) for m in app.metric if m.label in labels}
    assert list(counts) == list(labels)
    assert counts["Not measured"] == len(cse.commitments) - len(cse.measured)
    assert sum(counts.values()) == len(cse.commitments)
    assert f"The policy makes {len(cse.commitments)} checkable promises" in " ".join(
        c.value for c in app.caption
    )


def test_scorecard_bars_are_the_percentages(page, demo_db):
    app = page("pages/commitments.py")
    expected = trust_values(demo_db)
    definitions = metrics_definitions.load()
    spec = figure_titled(app, "Each percentage measure of a promise")
    bars, targets = spec["data"]
    plotted = dict(zip(bars["y"], bars["x"], strict=True))
    label = next(y for y in plotted if "Decisions recorded" in y)
    assert plotted[label] == pytest.approx(expected["decision_recorded_pct"])
    assert targets["x"][bars["y"].index(label)] == definitions["decision_recorded_pct"].green_at


def test_academy_grid_has_each_academys_figures(page, demo_db):
    app = page("pages/commitments.py")
    [grid] = figure_titled(app, "Each academy against each promise")["data"]
    frame = metric_frame(demo_db)
    names = academy_names(demo_db)
    oak = frame[(frame.academy_code == "OAK") & (frame.metric == "lado_on_time_pct")]
    column = grid["x"].index("OAK")
    row = next(i for i, y in enumerate(grid["y"]) if "LADO" in y)
    cell = grid["text"][row][column]
    assert cell.startswith(commitments.format_figure(oak.value.iloc[0], "%"))
    assert names["OAK"] in grid["customdata"][row][column]
    assert len(grid["x"]) == len(names) + 1  # and the total


def test_the_policy_review_promise_shows_the_register(page):
    app = page("pages/commitments.py")
    [review] = [d.value for d in app.dataframe if "policy_title" in d.value.columns]
    assert list(review["policy_title"]) == ["Trust Child Sexual Exploitation Policy"]
    assert any("in date for review" in c.value or "overdue" in c.value for c in app.caption)


def test_term_by_term_has_a_panel_per_measure(page, cse):
    app = page("pages/commitments.py")
    spec = figure_titled(app, "Term by term")
    lines = [trace for trace in spec["data"] if trace.get("mode") == "lines+markers"]
    assert len(lines) == len(cse.metric_ids)
    assert lines[0]["x"][-1].endswith("*")  # the term to date


def test_one_academy(page, demo_db):
    app = page("pages/commitments.py", academy=["OAK"])
    assert not app.exception
    expected = trust_values(demo_db, ["OAK"])
    label = metrics_definitions.load()["dsl_review_on_time_pct"].label
    tiles = {m.label: m.value for m in app.metric}
    assert tiles[label] == commitments.format_figure(expected["dsl_review_on_time_pct"], "%")
    [grid] = figure_titled(app, "Each academy against each promise")["data"]
    assert len(grid["x"]) == 2  # OAK and its total


def test_an_as_of_date_before_any_data(page):
    app = page("pages/commitments.py", as_of="2015-01-01")
    assert not app.exception


@pytest.mark.parametrize(("role", "academy"), [("governor", None), ("local_governor", "ELM")])
def test_governors_see_figures_with_small_numbers_hidden(monkeypatch, demo_db, role, academy):
    app = open_as(role, "pages/commitments.py", demo_db, monkeypatch, academy)
    assert not app.exception
    table = scorecard_table(app)
    assert len(table) > 0
    # figures about children may be hidden; staff and policy figures never are
    staff = table[table["Measure"] == "Staff safeguarding training in date"]
    assert staff["Now"].iloc[0].endswith("%")


def test_a_broken_mapping_file_is_reported_not_crashed(page, tmp_path, monkeypatch):
    folder = tmp_path / "commitments"
    folder.mkdir()
    (folder / "cse.toml").write_text(
        '[policy]\ntitle = "CSE"\npolicy_type = "child_sexual_exploitation"\n\n'
        '[[commitments]]\nid = "x"\nclause = "1"\nheading = "H"\npromise = "P"\ntext = "T"\n'
        'metrics = ["no_such_metric"]\n',
        encoding="utf-8",
    )
    for name in ("standards.toml", "metrics.toml", "aliases.toml", "terms.toml"):
        source = PROJECT_ROOT / "config" / name
        if source.exists():
            (tmp_path / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(tmp_path))
    app = page("pages/commitments.py")
    assert not app.exception
    [error] = app.error
    assert "cse.toml" in error.value and "'no_such_metric' is not a metric" in error.value


def test_patterns_show_pupils_to_the_trust_lead_and_counts_to_a_governor(demo_db, monkeypatch):
    """The trust lead sees the pseudonymous lists behind the pattern figures, each as long as
    its figure says; a governor sees the figures (small ones hidden) and no pupil at all."""
    lead = open_as("trust_lead", "pages/commitments.py", demo_db, monkeypatch)
    assert not lead.exception
    frame = metric_frame(demo_db)
    trust = frame[frame.academy_code == "TRUST"].set_index("metric")
    repeated = int(trust.loc["pupils_repeated_concerns_no_referral", "value"])
    shown = [m.value for m in lead.markdown]
    assert f"**Pupils with repeated concerns and no referral** ({repeated:,})" in shown
    tables = [d.value for d in lead.dataframe if "pupil_ref" in d.value.columns]
    assert tables and all(len(t) > 0 for t in tables)

    governor = open_as("governor", "pages/commitments.py", demo_db, monkeypatch)
    assert not governor.exception
    assert not [d for d in governor.dataframe if "pupil_ref" in d.value.columns]
    assert any("shown to the trust's safeguarding lead" in i.value for i in governor.info)
    labels = {m.label for m in governor.metric}
    assert "Pupils with repeated concerns and no referral" in labels
