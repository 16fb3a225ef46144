"""Figures and display tables for the Policy review page.

The inputs are the policy register with each row's review status (dashboard/policy_register),
the required-policy matrix (dashboard/policy_required_matrix) and the metric values; the
functions only arrange them for reading.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from safeguarding.metrics import TRUST
from safeguarding.ui import charts

TRUST_WIDE_LABEL = "Trust-wide policies"

POLICY_TYPES = {
    "child_protection_safeguarding": "Child protection & safeguarding",
    "child_sexual_exploitation": "Child sexual exploitation",
    "online_safety": "Online safety",
    "acceptable_use": "Acceptable use",
    "relationships_sex_education": "Relationships & sex education",
    "allegations_against_staff": "Allegations against staff",
    "whistleblowing": "Whistleblowing",
    "staff_code_of_conduct": "Staff code of conduct",
    "other": "Other",
}
# The same, broken over lines for the matrix's column heads.
POLICY_TYPE_HEADS = {
    "child_protection_safeguarding": "Child protection<br>& safeguarding",
    "child_sexual_exploitation": "Child sexual<br>exploitation",
    "online_safety": "Online<br>safety",
    "acceptable_use": "Acceptable<br>use",
    "relationships_sex_education": "Relationships<br>& sex education",
    "allegations_against_staff": "Allegations<br>against staff",
    "whistleblowing": "Whistle-<br>blowing",
    "staff_code_of_conduct": "Staff code<br>of conduct",
}

# Review status → RAG: overdue red, due soon amber, in date green, no date grey. The label
# always travels with the colour (and the timeline also changes the marker's shape).
STATUS_RAG = {"overdue": "red", "due_soon": "amber", "in_date": "green", "no_date": None}
STATUS_SYMBOLS = {"overdue": "x", "due_soon": "diamond", "in_date": "circle"}

COVERAGE_LABELS = {
    "own": "Own",
    "trust_wide": "Trust-wide",
    "both": "Own + trust",
    "missing": "Missing",
}
# Present in blue shades, missing in reddish purple: apart for every colour-vision deficiency,
# and the one colour "missing" has on every chart (red is "overdue").
MISSING_COLOUR = charts.PALETTE[5]
COVERAGE_CODES = {"missing": 0, "trust_wide": 1, "own": 2, "both": 2}
COVERAGE_SCALE = [
    [0.0, MISSING_COLOUR],
    [0.333, MISSING_COLOUR],
    [0.333, charts.PALETTE[4]],
    [0.667, charts.PALETTE[4]],
    [0.667, charts.PALETTE[0]],
    [1.0, charts.PALETTE[0]],
]

TRUST_TOTAL_LABEL = "Trust total"
# column title (the due-soon window filled in), in the metric order of the grid
COUNT_METRICS = {
    "policies_overdue": "Overdue for review",
    "policies_due_soon": "Due for review<br>within {days} days",
    "required_policies_missing": "Required types<br>missing",
}
# A count above zero takes its column's colour; zero stays pale. Missing policies in reddish
# purple, not red, so that "overdue" and "missing" stay apart for colour-blind readers.
COUNT_SEVERITY = (3, 2, 1)
COUNT_SCALE = [
    [0.0, "#f2f2f2"],
    [0.125, "#f2f2f2"],
    [0.125, MISSING_COLOUR],
    [0.5, MISSING_COLOUR],
    [0.5, charts.RAG_COLOURS["amber"]],
    [0.875, charts.RAG_COLOURS["amber"]],
    [0.875, charts.RAG_COLOURS["red"]],
    [1.0, charts.RAG_COLOURS["red"]],
]


def status_labels(due_soon_days: int) -> dict[str, str]:
    return {
        "overdue": "Overdue",
        "due_soon": f"Due within {due_soon_days} days",
        "in_date": "In date",
        "no_date": "No date",
    }


def _missing(value) -> bool:
    """None, NaN, NA or NaT (a nullable column can hand back any of them)."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _name(code: str, names: dict[str, str]) -> str:
    return TRUST_WIDE_LABEL if code == TRUST else names.get(code, code)


def _type_label(policy_type: str) -> str:
    return POLICY_TYPES.get(policy_type, policy_type.replace("_", " ").capitalize())


@charts.cached_figure
def counts_grid(
    values: pd.DataFrame,
    register: pd.DataFrame,
    names: dict[str, str],
    as_of: dt.date,
    due_soon_days: int,
) -> go.Figure:
    """Academy × count: own policies overdue, due soon, and required types missing (the metric
    values), a row for the trust-wide policies' reviews (from the register: they belong to no
    one academy, and have no "missing" of their own), and the TRUST row of the metrics, which
    adds them all up. A cell is coloured only when its count needs action."""
    present = set(values["academy_code"])
    academies = [code for code in names if code in present]
    trust_wide = register[register["academy_code"] == TRUST]["status"].value_counts()
    rows: list[tuple[str, list]] = []
    by_metric = {
        metric_id: values[values["metric"] == metric_id].set_index("academy_code")["value"]
        for metric_id in COUNT_METRICS
    }

    def counts_of(code: str) -> list:
        return [
            None if _missing(by_metric[m].get(code)) else int(by_metric[m].get(code))
            for m in COUNT_METRICS
        ]

    for code in academies:
        rows.append((_name(code, names), counts_of(code)))
    if (register["academy_code"] == TRUST).any():
        reviews = [int(trust_wide.get("overdue", 0)), int(trust_wide.get("due_soon", 0))]
        rows.append((TRUST_WIDE_LABEL, [*reviews, None]))
    rows.append((f"<b>{TRUST_TOTAL_LABEL}</b>", counts_of(TRUST)))
    columns = [title.format(days=due_soon_days) for title in COUNT_METRICS.values()]
    z, text = [], []
    for _, counts in rows:
        z.append(
            [
                None if n is None else (COUNT_SEVERITY[position] if n > 0 else 0)
                for position, n in enumerate(counts)
            ]
        )
        text.append(["–" if n is None else f"{n:,}" for n in counts])
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=[label for label, _ in rows],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 16},
            zmin=0,
            zmax=3,
            colorscale=COUNT_SCALE,
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        )
    )
    charts.styled(
        figure,
        f"Policies overdue, due for review and missing, by academy, at {as_of:%-d %b %Y}",
        height=max(300, 150 + 40 * len(rows)),
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(side="top", tickangle=0, showgrid=False, zeroline=False)
    figure.update_yaxes(showgrid=False, zeroline=False)
    figure.add_hline(y=len(rows) - 1.5, line_width=6, line_color="white")
    figure.update_layout(margin={"t": 100})
    return figure


@charts.cached_figure
def review_timeline(
    register: pd.DataFrame, names: dict[str, str], as_of: dt.date, due_soon_days: int
) -> go.Figure:
    """Each policy's next review date on a line per academy (trust-wide policies on their own
    line), coloured and shaped by review status, with the as-of date and the due-soon window
    marked. Policies without a review date cannot be placed and are left out."""
    labels = status_labels(due_soon_days)
    dated = register[register["status"] != "no_date"]
    present = set(register["academy_code"])
    order = [_name(code, names) for code in [TRUST, *names] if code in present]
    figure = go.Figure()
    for status in ("overdue", "due_soon", "in_date"):
        part = dated[dated["status"] == status]
        if part.empty:
            continue
        figure.add_scatter(
            name=labels[status],
            x=part["next_review_on"],
            y=[_name(code, names) for code in part["academy_code"]],
            mode="markers",
            marker={
                "color": charts.RAG_COLOURS[STATUS_RAG[status]],
                "symbol": STATUS_SYMBOLS[status],
                "size": 13,
                "line": {"width": 1, "color": "white"},
                "opacity": 0.9,
            },
            customdata=list(
                zip(
                    part["policy_title"],
                    [_type_label(t) for t in part["policy_type"]],
                    [_days_text(d) for d in part["days_to_review"]],
                    strict=True,
                )
            ),
            hovertemplate="<b>%{customdata[0]}</b><br>%{y} · %{customdata[1]}"
            "<br>Next review %{x|%-d %b %Y} (%{customdata[2]})<extra></extra>",
        )
    window_end = as_of + dt.timedelta(days=due_soon_days)
    # Shapes in the legend rather than annotations, which collide with it on short charts.
    figure.add_shape(
        type="rect",
        x0=as_of,
        x1=window_end,
        y0=0,
        y1=1,
        yref="paper",
        fillcolor=charts.RAG_COLOURS["amber"],
        opacity=0.15,
        line_width=0,
        layer="below",
        name=f"Due-soon window ({due_soon_days} days)",
        showlegend=True,
    )
    figure.add_shape(
        type="line",
        x0=as_of,
        x1=as_of,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": charts.TRUST_COLOUR, "dash": "dash", "width": 1.5},
        name=f"As of {as_of:%-d %b %Y} (earlier = overdue)",
        showlegend=True,
    )
    charts.styled(
        figure,
        f"Next review date of every policy, at {as_of:%-d %b %Y}",
        x_title="Next review date",
        height=max(320, 150 + 40 * len(order)),
    )
    figure.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed")
    figure.update_xaxes(tickformat="%b %Y", showgrid=True)
    figure.update_layout(margin={"t": 100})
    return figure


def _days_text(days) -> str:
    if _missing(days):
        return "no date"
    days = int(days)
    if days < 0:
        return f"{-days} days overdue"
    if days == 0:
        return "due today"
    return f"in {days} days"


@charts.cached_figure
def required_matrix(matrix: pd.DataFrame, names: dict[str, str], as_of: dt.date) -> go.Figure:
    """Academy × required policy type: own, trust-wide, both, or missing, with a note when the
    policy that covers it is overdue for review."""
    present = set(matrix["academy_code"])
    academies = [code for code in names if code in present]
    types = matrix.drop_duplicates("policy_type").sort_values("type_order")["policy_type"].tolist()
    cells = matrix.set_index(["academy_code", "policy_type"])
    z, text, custom = [], [], []
    for code in academies:
        z_row, text_row, custom_row = [], [], []
        for policy_type in types:
            cell = cells.loc[(code, policy_type)]
            coverage = cell["coverage"]
            z_row.append(COVERAGE_CODES[coverage])
            label = COVERAGE_LABELS[coverage]
            if coverage == "missing":
                label = "✗ Missing"
            elif cell["worst_status"] == "overdue":
                label += "<br>⚠ overdue"
            text_row.append(label)
            custom_row.append(
                [
                    cell["policy_titles"] if isinstance(cell["policy_titles"], str) else "none",
                    _review_text(cell),
                ]
            )
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[POLICY_TYPE_HEADS.get(t, _type_label(t)) for t in types],
            y=[_name(code, names) for code in academies],
            text=text,
            texttemplate="%{text}",
            customdata=custom,
            zmin=0,
            zmax=2,
            colorscale=COVERAGE_SCALE,
            showscale=False,
            textfont={"size": 13},
            xgap=3,
            ygap=3,
            hovertemplate="%{y}<br>%{x}: %{text}<br>Policy: %{customdata[0]}"
            "<br>%{customdata[1]}<extra></extra>",
        )
    )
    charts.styled(
        figure,
        f"Required policies in each academy's register, at {as_of:%-d %b %Y}",
        height=max(300, 170 + 48 * len(academies)),
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(side="top", tickangle=0, automargin=True, showgrid=False, zeroline=False)
    figure.update_yaxes(showgrid=False, zeroline=False)
    figure.update_layout(margin={"t": 130})
    return figure


def _review_text(cell) -> str:
    if cell["coverage"] == "missing":
        return "No policy of this type, own or trust-wide"
    if _missing(cell["next_review_on"]):
        return "No review date"
    return f"Next review {pd.Timestamp(cell['next_review_on']):%-d %b %Y}"


def missing_summary(matrix: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """One line per academy with missing required types: "Academy: type, type"."""
    missing = matrix[matrix["coverage"] == "missing"].sort_values(["academy_code", "type_order"])
    lines = []
    missing_codes = set(missing["academy_code"])
    for code in [c for c in names if c in missing_codes]:
        kinds = missing[missing["academy_code"] == code]["policy_type"].map(_type_label)
        lines.append(f"{_name(code, names)}: {', '.join(kinds)}")
    return lines


def register_table(register: pd.DataFrame, names: dict[str, str], due_soon_days: int):
    """The register for reading: academy names, plain labels, and the status cell in its RAG
    colour (with the words, so colour is never the only signal)."""
    labels = status_labels(due_soon_days)
    table = pd.DataFrame(
        {
            "Academy": [_name(code, names) for code in register["academy_code"]],
            "Policy": register["policy_title"],
            "Status": register["status"].map(labels),
            "Next review": register["next_review_on"],
            "Days until review": register["days_to_review"].astype("Int64"),
            "Type": [_type_label(t) for t in register["policy_type"]],
            "Last reviewed": register["last_reviewed_on"],
            "Owner": register["owner"],
            "Approved by": register["approved_by"],
        }
    )
    return table


def style_register(table: pd.DataFrame, due_soon_days: int):
    colours = {
        label: charts.RAG_COLOURS[STATUS_RAG[status]]
        for status, label in status_labels(due_soon_days).items()
    }

    def colour(cell) -> str:
        fill = colours.get(cell)
        if fill is None:
            return ""
        text = "black" if fill in ("#E69F00", "#999999") else "white"
        return f"background-color: {fill}; color: {text}; font-weight: bold"

    return table.style.map(colour, subset=["Status"]).format(
        {
            "Next review": _date_text,
            "Last reviewed": _date_text,
            "Days until review": _days_text,
        }
    )


def _date_text(value) -> str:
    if _missing(value):
        return "–"
    return f"{pd.Timestamp(value):%-d %b %Y}"
