"""Data: upload exports, see at once what was accepted and what was quarantined and why, the
ingest history, how fresh each academy's data is, and blank templates."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from safeguarding import standards
from safeguarding.codes import TRUST
from safeguarding.contract import DATASETS
from safeguarding.policy_import import uploads as policy_uploads
from safeguarding.ui import components, data, session, tables, uploads
from safeguarding.ui.charts import RAG_COLOURS


def _count_column(frame: pd.DataFrame, column: str, label: str):
    """Counts as numbers, or as text where governor views show small ones as `c`."""
    if pd.api.types.is_numeric_dtype(frame[column]):
        return st.column_config.NumberColumn(label, format="%d")
    return st.column_config.TextColumn(label)


ctx = session.context()
filters = ctx.filters
stale_after_days = standards.load().stale_after_days
in_scope = data.academies()
names = dict(zip(in_scope["academy_code"], in_scope["academy_name"], strict=True))

st.title("Data")
st.caption(
    "Load your academy's exports, see at once what was accepted and what was held back and "
    "why, and check that every academy's data is up to date."
)

# --- Upload ---------------------------------------------------------------------------------
st.subheader("Upload exports")
st.markdown(
    "CSV or Excel files exported from CPOMS or MyConcern, the training platform, HR and the "
    "policy register, **with pupil and staff references pseudonymised**. A file holding names, "
    "dates of birth, UPNs, addresses or free-text notes is refused whole. Load the academies "
    "file first when an academy is new."
)
choices = uploads.academy_choices(ctx.scope)
if not choices:
    st.info(
        "Your role sees figures only, so it does not load data: the trust's safeguarding lead "
        "and each academy's DSL do.",
        icon=":material/lock:",
    )
else:
    files = st.file_uploader(
        "Export files",
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        key="data_files",
        help="One or more files. Each is checked against the data contract; a refused file "
        "changes nothing.",
    )
    left, right = st.columns(2)
    academy = left.selectbox(
        "Academy of these files",
        choices,
        format_func=lambda code: (
            "Take it from each row's academy_code column"
            if code is None
            else f"{names[code]} ({code})"
        ),
        key="data_academy",
        help="Fills academy_code where a file has no such column or leaves it blank. A row "
        "naming a different academy is quarantined.",
    )
    dataset = right.selectbox(
        "Dataset",
        [None, *DATASETS],
        format_func=lambda name: "Detect from the column headers" if name is None else name,
        key="data_dataset",
        help="Leave this to detection unless a file's headers are ambiguous.",
    )
    completeness = st.radio(
        "What the files hold",
        list(uploads.COMPLETENESS),
        format_func=uploads.COMPLETENESS.get,
        key="data_completeness",
        help="A complete export retires the rows of its academies that it no longer holds: "
        "deleted or merged at source. They stay in the history, so earlier figures can be "
        "reproduced, but leave the current ones.",
    )
    allow_mass_retire = st.checkbox(
        "Let a complete export retire more than half of an academy's rows",
        key="data_allow_mass_retire",
        help="Off, such a file is refused: it is more often a partial file than a real loss.",
    )
    if st.button("Load these files", type="primary", icon=":material/upload:", key="data_load"):
        bar = st.progress(0.0, text="Waiting for the database…")
        outcome = uploads.ingest_uploads(
            files or [],
            academy=academy,
            dataset=dataset,
            who=uploads.DASHBOARD_USER,
            scope=ctx.scope,
            full=uploads.FULL_CHOICE[completeness],
            allow_mass_retire=allow_mass_retire,
            progress=uploads.OverallProgress(
                len(files or []), lambda fraction, text: bar.progress(fraction, text=text)
            ),
        )
        st.session_state["data_last_outcome"] = outcome
        # Run the whole page again so the sidebar, history and freshness read the new
        # database file (its identity is part of every cache key) and the results below
        # stay on screen.
        st.rerun()

outcome: uploads.UploadOutcome | None = st.session_state.get("data_last_outcome")
if outcome is not None:
    if outcome.problem:
        st.error(outcome.problem, icon=":material/block:")
    for result in outcome.results:
        kind, sentence = uploads.headline(result)
        with st.container(border=True):
            getattr(st, kind)(sentence)
            for warning in result.warnings:
                st.warning(warning, icon=":material/warning:")
            if result.quarantined:
                st.markdown(f"Quarantined rows of **{result.file_name}** (header = line 1):")
                st.dataframe(
                    uploads.quarantine_table(result),
                    hide_index=True,
                    column_config={
                        "line": st.column_config.NumberColumn(format="%d", width="small"),
                        "reason": st.column_config.TextColumn(width="large"),
                    },
                )

# Policy documents (Word, PDF, text) into the register: safeguarding import-policy. Two steps:
# read (nothing stored), then the person checks each field and confirms, and only then is the
# register row written.
policy_choices = policy_uploads.academy_choices(ctx.scope)
policy_outcome = st.session_state.get("policy_last_outcome")
policy_pending: policy_uploads.PolicyUploadOutcome | None = st.session_state.get("policy_pending")


def _forget_review_tables() -> None:
    for key in [k for k in st.session_state if str(k).startswith("policy_review_")]:
        del st.session_state[key]


if policy_choices and st.toggle(
    "Import policy documents (Word, PDF or text) into the policy register",
    value=policy_outcome is not None or policy_pending is not None,
    key="policy_import_open",
    help="Reads each document's title, dates, owner, amendment history, the policies it refers "
    "to and the guidance it cites. You check what was read before anything is written. What a "
    "document does not say is reported, not guessed.",
):
    policy_files = st.file_uploader(
        "Policy documents",
        type=policy_uploads.TYPES,
        accept_multiple_files=True,
        key="policy_files",
    )
    policy_academy = st.selectbox(
        "Whose policy",
        policy_choices,
        format_func=lambda c: "Trust-wide" if c == TRUST else f"{names[c]} ({c})",
        key="policy_academy",
    )
    if st.button("Read these documents", icon=":material/description:", key="policy_import"):
        with st.spinner("Reading the documents…"):
            st.session_state["policy_pending"] = policy_uploads.read_uploads(
                policy_files,
                policy_academy,
                uploads.DASHBOARD_USER,
                ctx.scope,
                uploads.WAIT_SECONDS,
            )
        st.session_state.pop("policy_last_outcome", None)
        _forget_review_tables()
        st.rerun()

    # What the last confirmation wrote.
    if policy_outcome is not None and policy_outcome.problem:
        st.error(policy_outcome.problem, icon=":material/block:")
    for result in policy_outcome.results if policy_outcome is not None else ():
        with st.container(border=True):
            kind, sentence = policy_uploads.message(result)
            getattr(st, kind)(sentence)
            if result.extract is not None:
                st.dataframe(policy_uploads.fields_table(result), hide_index=True)
                for note in result.extract.notes:
                    st.caption(note)

    # What was read, waiting for the person's check.
    if policy_pending is not None:
        if policy_pending.problem:
            st.error(policy_pending.problem, icon=":material/block:")
        edited = {}
        for position, result in enumerate(policy_pending.results):
            with st.container(border=True):
                if result.status != "read":
                    st.error(policy_uploads.message(result)[1])
                    continue
                st.markdown(f"**{policy_uploads.review_headline(result)}**")
                checking = policy_uploads.checking_message(result)
                if checking:
                    st.warning(checking, icon=":material/help:")
                st.caption(
                    "Confirm each value or type the right one in **Your value**: dates as "
                    "2026-09-01, 1 September 2026 or September 2026; empty leaves the field "
                    "out. A value you change is recorded as yours, not the document's."
                )
                edited[position] = st.data_editor(
                    policy_uploads.review_table(result),
                    key=f"policy_review_{position}",
                    hide_index=True,
                    num_rows="fixed",
                    width="stretch",
                    # over 4rem, so that long text wraps (three lines) and is read whole
                    row_height=70,
                    disabled=[
                        c for c in policy_uploads.REVIEW_COLUMNS if c != policy_uploads.VALUE_COLUMN
                    ],
                    column_config={
                        "Field": st.column_config.TextColumn(width=115),
                        policy_uploads.VALUE_COLUMN: st.column_config.TextColumn(
                            width=175, help="What will be written: change it if it is wrong"
                        ),
                        "Evidence": st.column_config.TextColumn(
                            width=150, help="The text in the document it was read from"
                        ),
                        "Where": st.column_config.TextColumn(
                            width=245, help="The line of the document, as written"
                        ),
                        "Confidence": st.column_config.TextColumn(
                            width=90, help="How sure the reading is"
                        ),
                        "Status": st.column_config.TextColumn(width=125),
                    },
                )
                for note in result.extract.notes:
                    st.caption(note)
        confirm_column, discard_column = st.columns([3, 1])
        if policy_pending.to_review and confirm_column.button(
            "Confirm and add to the register",
            icon=":material/check:",
            type="primary",
            key="policy_confirm",
        ):
            with st.spinner("Writing the register…"):
                confirmed = policy_uploads.confirm_uploads(
                    policy_pending.files,
                    policy_pending.academy,
                    uploads.DASHBOARD_USER,
                    ctx.scope,
                    uploads.WAIT_SECONDS,
                    policy_uploads.corrections(policy_pending, edited),
                )
            st.session_state["policy_last_outcome"] = confirmed
            st.session_state["policy_pending"] = policy_uploads.still_to_review(
                policy_pending, confirmed
            )
            _forget_review_tables()
            st.rerun()
        if discard_column.button("Discard", icon=":material/delete:", key="policy_discard"):
            st.session_state.pop("policy_pending", None)
            _forget_review_tables()
            st.rerun()

# --- Freshness ------------------------------------------------------------------------------
st.subheader("How fresh each academy's data is")
freshness = data.query(
    "status/data_freshness",
    as_of=filters.as_of,
    known_at=filters.known_at,
    stale_after_days=stale_after_days,
    academy_codes=list(ctx.academy_codes),
)
st.caption(
    f"Days from the last export of each dataset to {filters.as_of:%-d %B %Y} (the as-of "
    f"date). Stale, marked ⚠ and shaded, means more than {stale_after_days} days or never "
    "(the trust's standard). A file with no new rows still counts as an export."
)
if freshness.empty:
    components.empty_state("academies")
else:
    freshness["academy"] = freshness["academy_name"] + " (" + freshness["academy_code"] + ")"
    freshness["shown"] = [
        ("never" if pd.isna(days) else f"{int(days)} days") + (" ⚠" if stale else "")
        for days, stale in zip(freshness["days_since_export"], freshness["is_stale"], strict=True)
    ]
    matrix = freshness.pivot(index="academy", columns="dataset", values="shown")
    stale = freshness.pivot(index="academy", columns="dataset", values="is_stale")
    matrix = matrix[[d for d in DATASETS if d in matrix.columns]]
    stale_fill = f"background-color: {RAG_COLOURS['red']}33; font-weight: 600"
    st.dataframe(
        matrix.style.apply(
            lambda column: [stale_fill if s else "" for s in stale[column.name]], axis=0
        ),
        key="data_freshness_matrix",
    )
    stale_count = int(freshness["is_stale"].sum())
    if stale_count:
        st.warning(
            f"{stale_count} academy-and-dataset pairs are stale. Figures built on them may "
            "miss recent events: ask those academies for a fresh export.",
            icon=":material/schedule:",
        )

# --- History --------------------------------------------------------------------------------
st.subheader("Ingest history (newest first)")
history = data.query(
    "dashboard/data_ingest_history", academy_codes=list(ctx.academy_codes), limit=200
)
if history.empty:
    st.info("No file has been loaded for these academies yet.")
else:
    tables.show(
        history,
        {
            "ingest_id": st.column_config.NumberColumn("ingest", format="%d"),
            "ingested_at": st.column_config.DatetimeColumn("when", format="D MMM YYYY, HH:mm"),
            "file_name": "file",
            "academy_code": "academy",
            "rows_read": _count_column(history, "rows_read", "read"),
            "rows_loaded": _count_column(history, "rows_loaded", "loaded"),
            "rows_quarantined": _count_column(history, "rows_quarantined", "quarantined"),
            "ingested_by": "by",
            "message": "message",
            "warnings": "warnings",
        },
        missing={
            "dataset": "not recognised",
            "academy_code": "not known (file refused)",
            "message": "—",
            "warnings": "none",
        },
        key="data_history",
    )
    with_faults = history[pd.to_numeric(history["rows_quarantined"], errors="coerce") > 0]
    if not with_faults.empty:
        chosen = st.selectbox(
            "Quarantined rows of an earlier file",
            list(with_faults["ingest_id"]),
            format_func=lambda ingest_id: (
                lambda row: (
                    f"{row.file_name} ({row.ingested_at:%-d %b %Y %H:%M}), "
                    f"{row.rows_quarantined:,} quarantined"
                )
            )(with_faults.set_index("ingest_id").loc[ingest_id]),
            index=None,
            placeholder="Choose a file",
            key="data_quarantine_ingest",
        )
        if chosen is not None:
            st.dataframe(
                data.query(
                    "dashboard/data_quarantine",
                    ingest_id=int(chosen),
                    academy_codes=list(ctx.academy_codes),
                ),
                hide_index=True,
                column_config={"line_no": st.column_config.NumberColumn("line", format="%d")},
            )

# --- Access log (the trust lead only) ---------------------------------------------------------
if ctx.scope.role == "trust_lead":
    st.subheader("Who has seen children's records")
    st.caption(
        "Every view of records (lists, the needs-attention items, a chronology, a board "
        "pack's record sheets, a download) and every page of figures, newest first, with the "
        "pseudonymous keys shown. `safeguarding access-log` filters it by person or pupil."
    )
    entries = data.access_log_entries(limit=200)
    if entries.empty:
        st.info("Nobody has been shown anything yet.")
    else:
        tables.show(
            entries,
            {
                "at": st.column_config.DatetimeColumn("when", format="D MMM YYYY, HH:mm"),
                "who": "who",
                "role": "role",
                "kind": "what",
                "view": "view",
                "academies": "academies",
                "rows": st.column_config.NumberColumn("rows", format="%d"),
                "keys_digest": "keys (hash)",
            },
            key="data_access_log",
        )

# --- Templates ------------------------------------------------------------------------------
st.subheader("Blank export templates")
st.caption(
    "The columns each export needs, in order, with two obviously made-up example rows. "
    "Delete the examples before filling a template in."
)
template_columns = st.columns(4)
for position, template in enumerate(uploads.templates()):
    template_columns[position % 4].download_button(
        template.label,
        data=template.data,
        file_name=template.file_name,
        mime=template.mime,
        icon=":material/download:",
        key=f"data_template_{template.file_name}",
        on_click="ignore",
    )
