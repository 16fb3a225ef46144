"""Figures and display tables for the Training coverage page.

Every function takes results already aggregated in SQL (a few rows per academy) and only
arranges them for reading: labels, order, colours, hover text. No figure computes a metric.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from safeguarding import contract
from safeguarding.metrics import TRUST
from safeguarding.ui import charts
from safeguarding.ui.components import definitions

# The expiry calendar looks 13 weeks (91 days) ahead: a term's planning horizon.
EXPIRY_WEEKS = 13

ROLE_GROUPS = {
    "teacher": "Teachers",
    "support": "Support staff",
    "leadership": "Leadership",
    "principal": "Principals",
    "volunteer": "Volunteers",
    "other": "Other staff",
    "all_staff": "All staff",
    "governors": "Governors & trustees",
}

REQUIREMENTS = {
    "staff": "Staff",
    "governor": "Governor",
    "dsl": "DSL",
}

COURSES = {
    "safeguarding_induction": "safeguarding induction",
    "safeguarding_update": "safeguarding update",
    "safeguarding_full": "safeguarding full course",
    "governor_safeguarding": "governor safeguarding",
    "dsl_full": "DSL full course",
    "dsl_refresh": "DSL refresher",
}

STATUS_LABELS = {
    "never_trained": "Never trained",
    "expired": "Expired",
    "induction_due": "Induction due",
    "expiring": "Expiring within 30 days",
}

SAFEGUARDING_ROLES = {
    "none": "None held",
    "dsl": "DSL",
    "deputy_dsl": "Deputy DSL",
    "safeguarding_governor": "Safeguarding governor",
}

TRUST_LABEL = "Trust (academies in view)"
# Cividis stays readable with every colour-vision deficiency (Nuñez et al. 2018). Its ramp is
# spent mostly above 75%, where the targets (85–95%) sit: on an even 0–100 ramp 88% and 100%
# look alike. The colour bar shows the stretch; every cell also prints its %.
_HEATMAP_STOPS = (
    (0.0, 0.0),
    (0.5, 0.15),
    (0.75, 0.35),
    (0.85, 0.5),
    (0.9, 0.62),
    (0.95, 0.8),
    (1.0, 1.0),
)
HEATMAP_SCALE = [
    [value, colour]
    for (value, _), colour in zip(
        _HEATMAP_STOPS,
        sample_colorscale("Cividis", [ramp for _, ramp in _HEATMAP_STOPS]),
        strict=True,
    )
]


def _missing(value) -> bool:
    """None, NaN, NA or NaT (a nullable column can hand back any of them)."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _name(code: str, names: dict[str, str]) -> str:
    """An academy's name; for TRUST, what the page says its total adds up (names[TRUST])."""
    return names.get(code, TRUST_LABEL if code == TRUST else code)


def _academy_codes(names: dict[str, str]) -> list[str]:
    return [code for code in names if code != TRUST]


def _percent_text(value) -> str:
    return "–" if _missing(value) else f"{value:.1f}%"


def _fraction(numerator, denominator) -> str:
    if _missing(denominator):
        return ""
    return f"{int(numerator) if not _missing(numerator) else 0} of {int(denominator)}"


@charts.cached_figure
def in_date_heatmap(by_role: pd.DataFrame, names: dict[str, str], as_of: dt.date) -> go.Figure:
    """Academy × role group: % in date, with the count judged (n) in each cell."""
    present = set(by_role["academy_code"])
    academies = [code for code in _academy_codes(names) if code in present] + [TRUST]
    groups = list(ROLE_GROUPS)
    cells = by_role.set_index(["academy_code", "role_group"])
    z, text, custom = [], [], []
    for code in academies:
        z_row, text_row, custom_row = [], [], []
        for group in groups:
            row = cells.loc[(code, group)] if (code, group) in cells.index else None
            judged = 0 if row is None else int(row["people_judged"])
            in_date = 0 if row is None else int(row["people_in_date"])
            pct = None if row is None or _missing(row["in_date_pct"]) else float(row["in_date_pct"])
            z_row.append(pct)
            text_row.append(f"{pct:.1f}%<br>n={judged}" if pct is not None else "–<br>n=0")
            custom_row.append([in_date, judged])
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    y_labels = [
        f"<b>{_name(code, names)}</b>" if code == TRUST else _name(code, names)
        for code in academies
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[ROLE_GROUPS[g] for g in groups],
            y=y_labels,
            text=text,
            texttemplate="%{text}",
            customdata=custom,
            zmin=0,
            zmax=100,
            colorscale=HEATMAP_SCALE,
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": "% in date"},
                "tickvals": [0, 25, 50, 75, 90, 100],
                "ticktext": ["0%", "25%", "50%", "75%", "90%", "100%"],
                "len": 0.9,
            },
            hovertemplate="%{y}<br>%{x}: %{customdata[0]} of %{customdata[1]} in date"
            " (%{z:.1f}%)<extra></extra>",
        )
    )
    charts.styled(
        figure,
        f"Safeguarding training in date by role, {as_of:%-d %b %Y} (% of people; n = people)",
        x_title="Role (governors & trustees judged on governor training)",
        y_title=None,
        height=max(320, 110 + 46 * len(academies)),
    )
    figure.update_yaxes(autorange="reversed", title_text=None)
    figure.update_xaxes(side="top", title_standoff=4)
    # Rules between the role columns, their total, and the governors (judged differently).
    for boundary in (groups.index("all_staff") - 0.5, groups.index("governors") - 0.5):
        figure.add_vline(x=boundary, line_width=8, line_color="white")
    figure.add_hline(y=len(academies) - 1.5, line_width=8, line_color="white")
    figure.update_layout(margin={"t": 110})
    return figure


@charts.cached_figure
def percent_by_academy(
    values: pd.DataFrame,
    metric_id: str,
    names: dict[str, str],
    title: str,
    count_label: str,
    empty_label: str = "none to count",
) -> go.Figure:
    """Horizontal bars of one % metric per academy, coloured by RAG against its target, with
    the trust figure as a dashed line and the numerator/denominator in the bar label."""
    definition = definitions()[metric_id]
    rows = values[values["metric"] == metric_id].set_index("academy_code")
    academies = [code for code in _academy_codes(names) if code in rows.index]
    figure = go.Figure()
    by_rag: dict[str | None, list] = {}
    for code in academies:
        value = rows.at[code, "value"]
        rag = None if _missing(value) else definition.rag(float(value))
        by_rag.setdefault(rag, []).append(code)
    for rag in ("green", "amber", "red", None):
        codes = by_rag.get(rag, [])
        if not codes:
            continue
        x = [None if _missing(rows.at[c, "value"]) else float(rows.at[c, "value"]) for c in codes]
        labels = [
            f"{_percent_text(v)} ({_fraction(rows.at[c, 'numerator'], rows.at[c, 'denominator'])})"
            if v is not None
            else empty_label
            for c, v in zip(codes, x, strict=True)
        ]
        figure.add_bar(
            name=charts.RAG_LABELS[rag] if rag is not None else "No figure",
            y=[_name(c, names) for c in codes],
            x=[0 if v is None else v for v in x],
            orientation="h",
            marker_color=charts.RAG_COLOURS[rag],
            text=labels,
            **_label_placement(x, charts.RAG_COLOURS[rag], room=45),
            cliponaxis=False,
            customdata=[
                [_fraction(rows.at[c, "numerator"], rows.at[c, "denominator"]) or empty_label]
                for c in codes
            ],
            hovertemplate=f"%{{y}}<br>{definition.label}: %{{x:.1f}}%"
            f"<br>%{{customdata[0]}} {count_label}<extra></extra>",
        )
    charts.styled(
        figure,
        title,
        x_title=f"% of {count_label}",
        percent_on_x=True,
        height=max(300, 130 + 34 * len(academies)),
    )
    _room_for_labels(figure)
    order = [_name(c, names) for c in academies]
    figure.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed")
    _trust_line(figure, rows, definition, _name(TRUST, names))
    return figure


def _trust_line(figure: go.Figure, rows: pd.DataFrame, definition, label: str) -> None:
    if TRUST not in rows.index or _missing(rows.at[TRUST, "value"]):
        return
    trust = float(rows.at[TRUST, "value"])
    figure.add_vline(
        x=trust, line_dash="dash", line_color=charts.TRUST_COLOUR, line_width=1.5, layer="below"
    )
    target = f" · target {definition.green_at:g}%" if definition.green_at is not None else ""
    figure.add_annotation(
        x=trust,
        y=1.0,
        yref="paper",
        yanchor="bottom",
        text=f"{label} {trust:.1f}%{target}",
        showarrow=False,
        font={"size": 12, "color": charts.TRUST_COLOUR},
        bgcolor="rgba(255,255,255,0.85)",
    )
    figure.update_layout(legend={"y": 1.08}, margin={"t": 95})


@charts.cached_figure
def kcsie_bars(
    values: pd.DataFrame, names: dict[str, str], edition: int, as_of: dt.date
) -> go.Figure:
    """KCSIE Part 1 and Annex B of the current edition read, side by side per academy."""
    figure = go.Figure()
    present = set(values["academy_code"])
    academies = [code for code in _academy_codes(names) if code in present]
    for colour, metric_id, part in (
        (charts.PALETTE[0], "kcsie_part1_read_pct", "Part 1"),
        # Not orange: orange means "near target" in the RAG charts on this page.
        (charts.PALETTE[5], "kcsie_annex_b_read_pct", "Annex B"),
    ):
        rows = values[values["metric"] == metric_id].set_index("academy_code")
        x = [
            None if _missing(rows.at[c, "value"]) else float(rows.at[c, "value"]) for c in academies
        ]
        fractions = [
            _fraction(rows.at[c, "numerator"], rows.at[c, "denominator"]) for c in academies
        ]
        trust = rows.at[TRUST, "value"] if TRUST in rows.index else None
        figure.add_bar(
            name=f"{part} ({_name(TRUST, names)} {_percent_text(trust)})",
            y=[_name(c, names) for c in academies],
            x=[0 if v is None else v for v in x],
            orientation="h",
            marker_color=colour,
            text=[_percent_text(v) if v is not None else "none to count" for v in x],
            **_label_placement(x, colour, room=15),
            cliponaxis=False,
            customdata=[[f or "no one"] for f in fractions],
            hovertemplate=f"%{{y}}<br>KCSIE {edition} {part}: %{{x:.1f}}%"
            "<br>%{customdata[0]} staff who must read it<extra></extra>",
        )
    target = definitions()["kcsie_part1_read_pct"].green_at
    charts.styled(
        figure,
        f"KCSIE {edition} Part 1 and Annex B read, by academy, at {as_of:%-d %b %Y}",
        x_title="% of staff who must read it",
        percent_on_x=True,
        height=max(320, 140 + 68 * len(academies)),
    )
    figure.update_layout(barmode="group", legend={"y": 1.03}, margin={"t": 105})
    _room_for_labels(figure)
    order = [_name(c, names) for c in academies]
    figure.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed")
    if target is not None:
        figure.add_vline(
            x=target, line_dash="dot", line_color=charts.RAG_COLOURS["green"], layer="below"
        )
        figure.add_annotation(
            x=target,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            text=f"target {target:g}%",
            showarrow=False,
            font={"size": 12, "color": charts.RAG_COLOURS["green"]},
        )
    return figure


# Text on these fills needs black for contrast (orange, yellow, sky blue, grey); else white.
_LIGHT_FILLS = {"#E69F00", "#F0E442", "#56B4E9", "#CC79A7", "#999999"}


def _label_placement(x: list, fill: str, room: float) -> dict:
    """Labels inside the end of bars long enough to hold them (so the trust and target lines,
    drawn behind the bars, never cross the text), outside the short ones."""
    inside = "black" if fill in _LIGHT_FILLS else "white"
    fits = [v is not None and v >= room for v in x]
    return {
        "textposition": ["inside" if f else "outside" for f in fits],
        "insidetextanchor": "end",
        "textfont": {"color": [inside if f else "#333333" for f in fits]},
    }


def _room_for_labels(figure: go.Figure) -> None:
    """Percent axis 0–100, with room to the right for the labels of full bars."""
    figure.update_layout(uniformtext={"minsize": 12, "mode": "show"})
    ticks = [0, 20, 40, 60, 80, 100]
    figure.update_xaxes(range=[0, 128], tickvals=ticks, ticktext=[f"{t}%" for t in ticks])


def dsl_status_table(
    status: pd.DataFrame, values: pd.DataFrame, names: dict[str, str]
) -> pd.DataFrame:
    """One row per academy (and the trust): DSLs and deputies in date out of those in post, and
    the academies_without_trained_deputy flag."""
    flags = values[values["metric"] == "academies_without_trained_deputy"].set_index(
        "academy_code"
    )["value"]
    rows = []
    for record in status.itertuples(index=False):
        code = record.academy_code
        flag = flags.get(code)
        if code == TRUST:
            # The academies in this table, like the row's DSL counts (for a trust lead this is
            # the metric's TRUST count; a local governor's trust figures cover other academies).
            count = int(sum(flags.get(c) == 1 for c in status["academy_code"] if c != TRUST))
            deputy = f"{count} {'academy' if count == 1 else 'academies'}"
        else:
            deputy = "⚠ Yes" if flag == 1 else "No"
        rows.append(
            {
                "Academy": _name(code, names),
                "DSLs in date": f"{record.dsls_in_date} / {record.dsls_in_post}",
                "Deputies in date": f"{record.deputies_in_date} / {record.deputies_in_post}",
                "No trained deputy": deputy,
                # text, so an academy with no DSL in post reads "–", not "None"
                "DSL & deputy training in date": _percent_text(record.dsl_training_in_date_pct),
            }
        )
    return pd.DataFrame(rows)


def _week_label(start: dt.date, end: dt.date) -> str:
    return f"{start:%-d %b}–{end:%-d %b}"


@charts.cached_figure
def expiry_calendar(
    calendar: pd.DataFrame, names: dict[str, str], stack_by: str, as_of: dt.date
) -> go.Figure:
    """Stacked weekly bars of people whose training stops being in date, by academy or course.

    `calendar` is training_expiry_calendar: one row per week, academy, requirement and course,
    with an empty row for a week without expiries. With many academies the smallest are
    grouped as "Other academies" so the colours stay distinguishable.
    """
    weeks = calendar.drop_duplicates("week_no").sort_values("week_no")
    labels = {
        row.week_no: _week_label(row.week_starts_on, row.week_ends_on)
        for row in weeks.itertuples(index=False)
    }
    rows = calendar[calendar["people"] > 0].copy()
    if stack_by == "academy":
        rows["group"] = rows["academy_code"].map(lambda c: _name(c, names))
        present = set(rows["academy_code"])
        order = [_name(c, names) for c in _academy_codes(names) if c in present]
        totals = rows.groupby("group")["people"].sum()
        if len(order) > len(charts.PALETTE) - 1:
            kept = set(totals.sort_values(ascending=False).index[: len(charts.PALETTE) - 2])
            rows["group"] = rows["group"].where(rows["group"].isin(kept), "Other academies")
            order = [g for g in order if g in kept] + ["Other academies"]
    else:
        rows["group"] = [
            f"{REQUIREMENTS.get(r, r)}: {COURSES.get(c, c)}"
            for r, c in zip(rows["requirement"], rows["course"], strict=True)
        ]
        order = sorted(set(rows["group"]), key=_course_order)
    grouped = rows.groupby(["group", "week_no"], as_index=False)["people"].sum()
    x_all = [labels[w] for w in weeks["week_no"]]
    figure = go.Figure()
    for position, group in enumerate(order):
        part = grouped[grouped["group"] == group].set_index("week_no")["people"]
        figure.add_bar(
            name=group,
            x=x_all,
            y=[int(part.get(w, 0)) for w in weeks["week_no"]],
            marker_color=charts.PALETTE[position % len(charts.PALETTE)],
            hovertemplate=f"Week %{{x}}<br>{group}: %{{y}} people<extra></extra>",
        )
    totals_by_week = rows.groupby("week_no")["people"].sum()
    figure.add_scatter(
        x=x_all,
        y=[int(totals_by_week.get(w, 0)) for w in weeks["week_no"]],
        mode="text",
        text=[str(int(totals_by_week.get(w, 0))) for w in weeks["week_no"]],
        textposition="top center",
        showlegend=False,
        hoverinfo="skip",
        name="Total",
    )
    charts.styled(
        figure,
        f"Training expiring in the next {len(x_all)} weeks after {as_of:%-d %b %Y}"
        " (people per week)",
        x_title="Week (7 days each, starting the day after the as-of date)",
        y_title="People whose training expires",
        counts_on_y=True,
        height=460,
    )
    top = int(totals_by_week.max()) if len(totals_by_week) else 1
    figure.update_yaxes(range=[0, max(1, top) * 1.2])
    figure.update_layout(
        barmode="stack", legend={"y": 1.02, "traceorder": "normal"}, margin={"t": 100}
    )
    return figure


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _course_order(label: str) -> tuple[int, str]:
    prefix = label.split(":", 1)[0]
    rank = {REQUIREMENTS[k]: i for i, k in enumerate(REQUIREMENTS)}.get(prefix, 99)
    return rank, label


def _with_plain_labels(
    due: pd.DataFrame, names: dict[str, str], course_column: str
) -> pd.DataFrame:
    """A training due list with academy names and plain status, role and course labels."""
    return due.assign(
        academy=due["academy_code"].map(lambda c: _name(c, names)),
        status=due["status"].map(lambda s: STATUS_LABELS.get(s, s)),
        safeguarding_role=due["safeguarding_role"].map(
            lambda r: SAFEGUARDING_ROLES.get(r if isinstance(r, str) else "none", r)
        ),
        **({"role": due["role"].map(contract.label)} if "role" in due.columns else {}),
        **{
            course_column: due[course_column].map(
                lambda c: _sentence_case(COURSES.get(c, c)) if isinstance(c, str) else c
            )
        },
    )


def staff_due_table(due: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """staff_training_due_list for reading: academy names and plain status labels."""
    return _with_plain_labels(due, names, "last_course")[
        [
            "academy",
            "staff_ref",
            "role",
            "safeguarding_role",
            "status",
            "last_course",
            "last_completed_on",
            "expires_on",
            "start_date",
        ]
    ]


def dsl_due_table(due: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """dsl_training_due_list for reading."""
    return _with_plain_labels(due, names, "last_dsl_update_course")[
        [
            "academy",
            "staff_ref",
            "safeguarding_role",
            "status",
            "last_dsl_full_on",
            "dsl_full_expires_on",
            "last_dsl_update_course",
            "last_dsl_update_on",
            "dsl_update_expires_on",
            "expires_on",
        ]
    ]


# Tile labels short enough for a projected screen; the full label is in the tile's help.
HEADLINE = {
    "safeguarding_training_in_date_pct": "Staff training in date",
    "dsl_training_in_date_pct": "DSLs and deputies in date",
    "governor_training_in_date_pct": "Governors and trustees in date",
    "training_expiring_30d": "Staff training expiring in 30 days",
}


def flag_no_trained_deputy(table: pd.DataFrame):
    """dsl_status_table styled: the academies without a trained deputy stand out (colour and
    the ⚠ sign, so the flag does not rest on colour alone)."""

    def colour(cell: str) -> str:
        if isinstance(cell, str) and cell.startswith("⚠"):
            return f"background-color: {charts.RAG_COLOURS['red']}; color: white; font-weight: bold"
        return ""

    return table.style.map(colour, subset=["No trained deputy"])
