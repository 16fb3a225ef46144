"""The weekly meeting's action list: what went wrong or is about to, one row per thing to do.

Built from the drill-down lists behind the metrics, so every row matches a figure on a page.
Record-level rows (referrals, concerns, staff) come only from academies whose records the
viewer may see; policy and data-freshness rows carry no personal data.
"""

from __future__ import annotations

import pandas as pd

from safeguarding import standards
from safeguarding.ui import data
from safeguarding.ui.session import PageContext

COLUMNS = ["priority", "area", "academy_code", "item", "detail", "due_on", "days_overdue"]

# Lower sorts first: harm to a child can follow from the first rows, not from the last.
PRIORITY = {
    "Feedback from children's social care overdue": 1,
    "DSL review late": 2,
    "DSL training out of date": 3,
    "Staff training out of date": 4,
    "Staff training expiring within 30 days": 5,
    "Required policy missing": 6,
    "Policy review overdue": 7,
    "Policy review due soon": 8,
    "Policy flag": 9,
    "Data stale": 10,
}


def needs_attention(ctx: PageContext) -> pd.DataFrame:
    parts = [
        _overdue_feedback(ctx),
        _late_reviews(ctx),
        _dsl_training(ctx),
        _staff_training(ctx),
        _missing_policies(ctx),
        _policy_reviews(ctx),
        _policy_flags(ctx),
        _stale_data(ctx),
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    combined = pd.concat(parts, ignore_index=True)
    combined["priority"] = combined["area"].map(PRIORITY)
    combined["days_overdue"] = pd.to_numeric(combined["days_overdue"]).astype("Int64")
    return (
        combined[COLUMNS]
        .sort_values(["priority", "days_overdue", "academy_code"], ascending=[True, False, True])
        .reset_index(drop=True)
    )


def _frame(rows: pd.DataFrame, area: str, item, detail, due_on, days_overdue) -> pd.DataFrame:
    def values(column):
        return column.to_numpy() if isinstance(column, pd.Series) else column

    return pd.DataFrame(
        {
            "area": area,
            "academy_code": rows["academy_code"].to_numpy(),
            "item": values(item),
            "detail": values(detail),
            "due_on": (
                [None] * len(rows)
                if due_on is None
                else pd.to_datetime(values(due_on), errors="coerce").date
            ),
            "days_overdue": values(days_overdue),
        }
    )


def _overdue_feedback(ctx: PageContext) -> pd.DataFrame:
    rows = data.drill_down("csc_feedback_overdue_list", ctx.filters, ctx.detail_codes)
    if rows.empty:
        return rows
    chased = rows["is_followed_up"].map({True: "chased", False: "not chased yet"})
    return _frame(
        rows,
        "Feedback from children's social care overdue",
        "Referral " + rows["referral_id"].astype(str) + " (" + rows["pupil_ref"].astype(str) + ")",
        "No feedback; " + chased,
        rows["feedback_deadline_on"],
        rows["overdue_working_days"],
    )


def _late_reviews(ctx: PageContext) -> pd.DataFrame:
    rows = data.drill_down("dsl_review_late_list", ctx.filters, ctx.detail_codes)
    rows = rows[~rows["is_reviewed"]] if not rows.empty else rows
    if rows.empty:
        return rows
    return _frame(
        rows,
        "DSL review late",
        "Concern " + rows["concern_id"].astype(str) + " (" + rows["pupil_ref"].astype(str) + ")",
        "Not yet reviewed by the DSL; category " + rows["category"].astype(str),
        rows["review_deadline_on"],
        rows["late_working_days"],
    )


def _dsl_training(ctx: PageContext) -> pd.DataFrame:
    rows = data.drill_down("dsl_training_due_list", ctx.filters, ctx.detail_codes)
    if rows.empty:
        return rows
    return _frame(
        rows,
        "DSL training out of date",
        rows["safeguarding_role"].str.replace("_", " ") + " " + rows["staff_ref"].astype(str),
        rows["status"].str.replace("_", " "),
        rows["expires_on"],
        _days_since(rows["expires_on"], ctx),
    )


def _staff_training(ctx: PageContext) -> pd.DataFrame:
    rows = data.drill_down("staff_training_due_list", ctx.filters, ctx.detail_codes)
    if rows.empty:
        return rows
    expiring = rows["status"] == "expiring"
    parts = []
    for area, subset in (
        ("Staff training expiring within 30 days", rows[expiring]),
        ("Staff training out of date", rows[~expiring]),
    ):
        if subset.empty:
            continue
        parts.append(
            _frame(
                subset,
                area,
                subset["role"].astype(str) + " " + subset["staff_ref"].astype(str),
                subset["status"].str.replace("_", " ")
                + "; last course "
                + subset["last_course"].fillna("none").astype(str).str.replace("_", " "),
                subset["expires_on"],
                _days_since(subset["expires_on"], ctx),
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def _missing_policies(ctx: PageContext) -> pd.DataFrame:
    rows = data.drill_down("required_policies_missing_list", ctx.filters, ctx.academy_codes)
    if rows.empty:
        return rows
    return _frame(
        rows,
        "Required policy missing",
        rows["policy_type"].str.replace("_", " ").str.capitalize(),
        "Neither the academy nor the trust has this policy in the register",
        None,
        None,
    )


def _policy_reviews(ctx: PageContext) -> pd.DataFrame:
    rows = data.drill_down("policy_reviews_due_list", ctx.filters, ctx.academy_codes)
    if rows.empty:
        return rows
    overdue = rows["status"] == "overdue"
    area = overdue.map({True: "Policy review overdue", False: "Policy review due soon"})
    frame = _frame(
        rows,
        "",
        rows["policy_title"].astype(str),
        "Owner: " + rows["owner"].fillna("not recorded").astype(str),
        rows["next_review_on"],
        rows["overdue_days"].where(overdue),
    )
    frame["area"] = area.to_numpy()
    return frame


def _policy_flags(ctx: PageContext) -> pd.DataFrame:
    from safeguarding.policy_import.flags import flag_parameters

    rows = data.query(
        "dashboard/policy_flags",
        as_of=ctx.filters.as_of,
        academy_codes=list(ctx.academy_codes),
        **flag_parameters(),
    )
    if rows.empty:
        return rows
    return _frame(
        rows,
        "Policy flag",
        rows["policy_title"].astype(str),
        rows["flag_label"] + ": " + rows["detail"],
        None,
        None,
    )


def _stale_data(ctx: PageContext) -> pd.DataFrame:
    stale_after = standards.load().stale_after_days
    rows = data.query(
        "status/data_freshness",
        as_of=ctx.filters.as_of,
        stale_after_days=stale_after,
        academy_codes=list(ctx.academy_codes),
    )
    rows = rows[rows["is_stale"]]
    if rows.empty:
        return rows
    never = rows["days_since_export"].isna()
    days = rows["days_since_export"].astype("Int64").astype(str)
    detail = ("No " + rows["dataset"] + " export for " + days + " days").where(
        ~never, "No " + rows["dataset"] + " export ever loaded"
    )
    return _frame(
        rows,
        "Data stale",
        rows["dataset"].str.capitalize() + " export",
        detail,
        None,
        rows["days_since_export"] - stale_after,
    )


def _days_since(dates: pd.Series, ctx: PageContext) -> pd.Series:
    as_of = pd.Timestamp(ctx.filters.as_of)
    days = (as_of - pd.to_datetime(dates)).dt.days
    return days.where(days > 0)
