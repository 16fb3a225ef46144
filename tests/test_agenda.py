"""The weekly meeting (product.md §4.2): the agenda now against the agenda the last meeting saw,
rebuilt as known then, and the action register's decisions. Hand-made referrals ingested at
moments the test chooses.

The last meeting: Friday 20 November 2026; this one: Friday 27 November. Ingests: Mon 16 Nov
08:00, Fri 20 Nov 12:00, Wed 25 Nov 08:00 (a full export). Feedback from social care is due one
working day after the referral; an item still open more than 5 working days after its deadline
is escalated.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from safeguarding import actions, agenda, cli, clock, database, standards
from safeguarding.scope import Scope
from safeguarding.window import ScopeError, Window

HEADER = "academy_code,referral_id,pupil_ref,referred_at,agency,feedback_at\n"
# Deadline Tue 3 Nov; never answered.
R_OPEN = "OAK,R-OPEN,PUPIL-A,2026-11-02 09:00,children_social_care,\n"
# Deadline Tue 10 Nov. The 25 Nov export records feedback given on 18 Nov: the meeting on the
# 20th could not have known it.
R_LATE = "OAK,R-LATE,PUPIL-B,2026-11-09 09:00,children_social_care,\n"
R_LATE_ANSWERED = "OAK,R-LATE,PUPIL-B,2026-11-09 09:00,children_social_care,2026-11-18 10:00\n"
# From 2023, never answered: closed by a decision on Mon 23 Nov.
R_HISTORIC = "OAK,R-HISTORIC,PUPIL-C,2023-09-12 09:00,children_social_care,\n"
# Deleted at source: the full export of 25 Nov no longer holds it.
R_DELETED = "OAK,R-DELETED,PUPIL-D,2026-11-04 09:00,children_social_care,\n"
# Made on the morning of the last meeting: due Mon 23 Nov, so it falls overdue mid-week.
R_MIDWEEK = "OAK,R-MIDWEEK,PUPIL-E,2026-11-20 09:00,children_social_care,\n"

LAST_MEETING = dt.date(2026, 11, 20)
THIS_MEETING = dt.date(2026, 11, 27)
LEAD = actions.Actor("lead@example.invalid", Scope.trust_lead(("OAK", "ELM")))
OAK_DSL = actions.Actor("dsl@example.invalid", Scope("dsl", ("OAK",), ("OAK",), False, ("OAK",)))


def _key(referral_id):
    return f"referral:OAK:{referral_id}:csc_feedback"


def _decide(db, actor, referral_id, **fields):
    """Record one decision about a referral's feedback item."""
    actions.record(db, actor, [actions.Decision(_key(referral_id), "Feedback overdue", **fields)])


@pytest.fixture
def week(trust, db, monkeypatch):
    trust(
        "referrals.csv",
        HEADER + R_OPEN + R_LATE + R_HISTORIC + R_DELETED,
        now=dt.datetime(2026, 11, 16, 8, 0),
    )
    trust("referrals.csv", HEADER + R_MIDWEEK, now=dt.datetime(2026, 11, 20, 12, 0))
    monkeypatch.setenv(clock.PIN_VARIABLE, "2026-11-23T10:00")
    actions.record(
        db,
        LEAD,
        [
            actions.Decision(
                _key("R-HISTORIC"), "Feedback overdue", status="wont_act", reason="historic"
            ),
            actions.Decision(
                _key("R-OPEN"),
                "Feedback overdue",
                status="in_hand",
                owner_role="dsl",
                owner_academy="OAK",
                action="chase_social_care",
                target_on=dt.date(2026, 11, 26),
            ),
        ],
    )
    monkeypatch.delenv(clock.PIN_VARIABLE)
    result = trust(
        "referrals.csv",
        HEADER + R_OPEN + R_LATE_ANSWERED + R_HISTORIC + R_MIDWEEK,
        now=dt.datetime(2026, 11, 25, 8, 0),
        full=True,
    )
    assert result.rows_retired == 1
    return db


def _agenda(db, since=LAST_MEETING, known_at=None):
    window = Window.ending(THIS_MEETING, known_at=known_at)
    with database.reader(db) as con:
        return agenda.agenda(con, agenda.meeting(window, since), ["OAK"], ["OAK"])


def test_new_open_and_resolved_are_counted_by_hand(week):
    items = _agenda(week).set_index("key")
    referrals = items[items.index.str.startswith("referral:")]
    assert referrals[["change", "resolved_by"]].to_dict("index") == {
        _key("R-OPEN"): {"change": "open", "resolved_by": None},
        _key("R-MIDWEEK"): {"change": "new", "resolved_by": None},
        _key("R-LATE"): {"change": "resolved", "resolved_by": "data"},
        _key("R-DELETED"): {"change": "resolved", "resolved_by": "data"},
        _key("R-HISTORIC"): {"change": "resolved", "resolved_by": "decision"},
    }


def test_new_plus_open_is_the_list_now_and_open_plus_resolved_the_list_then(week):
    items = _agenda(week)
    by_change = {c: set(items.loc[items["change"] == c, "key"]) for c in agenda.CHANGES}
    with database.reader(week) as con:
        window = Window.ending(THIS_MEETING)
        meeting = agenda.meeting(window, LAST_MEETING)
        now = set(agenda.attention.needs_attention(con, meeting.now, ["OAK"], ["OAK"])["key"])
        then = set(agenda.attention.needs_attention(con, meeting.then, ["OAK"], ["OAK"])["key"])
    closed = {_key("R-HISTORIC")}
    assert by_change["new"] | by_change["open"] == now - closed
    assert by_change["open"] | by_change["resolved"] == then
    assert not by_change["new"] & by_change["open"]
    # As known at the last meeting: R-LATE's feedback was not yet exported.
    assert _key("R-LATE") in then and _key("R-MIDWEEK") not in then


def test_the_last_meeting_is_rebuilt_as_known_then_not_with_hindsight(week):
    """Read with today's knowledge, R-LATE had its feedback by the 20th and would never have
    been on that agenda; the meeting saw it, so it is resolved now."""
    with database.reader(week) as con:
        hindsight = Window.ending(LAST_MEETING)  # latest knowledge
        listed = set(agenda.attention.needs_attention(con, hindsight, ["OAK"], ["OAK"])["key"])
    assert _key("R-LATE") not in listed
    assert _key("R-LATE") in set(_agenda(week).query("change == 'resolved'")["key"])


def test_escalation_past_target_and_the_order(week):
    items = _agenda(week)
    first = items.iloc[0]
    # 18 working days past Tue 3 Nov (> 5): escalate, and past its target of Thu 26 Nov.
    assert (first["key"], bool(first["escalate"]), bool(first["past_target"])) == (
        _key("R-OPEN"),
        True,
        True,
    )
    assert first["weeks_overdue"] == 3  # 24 days since Tue 3 Nov
    assert (first["owner_role"], first["owner_academy"], first["action"]) == (
        "dsl",
        "OAK",
        "chase_social_care",
    )
    midweek = items.set_index("key").loc[_key("R-MIDWEEK")]
    # Due Mon 23 Nov: 4 working days overdue on Fri 27, not yet escalated.
    assert (midweek["overdue_working_days"], bool(midweek["escalate"])) == (4, False)
    assert list(items["change"]).index("resolved") > list(items["change"]).index("new")


def test_the_counts_line(week):
    tally = agenda.counts(_agenda(week))
    assert (tally["new"], tally["resolved"], tally["escalate"], tally["past_target"]) == (
        1,
        3,
        1,
        1,
    )
    assert agenda.headline(tally).startswith("1 new · ")


def test_a_stricter_escalation_standard_escalates_the_midweek_item(week, monkeypatch):
    strict = standards.load()
    strict = standards.Standards(**{**strict.__dict__, "escalate_after_working_days": 3})
    with database.reader(week) as con:
        items = agenda.agenda(
            con,
            agenda.meeting(Window.ending(THIS_MEETING), LAST_MEETING),
            ["OAK"],
            ["OAK"],
            strict,
        ).set_index("key")
    assert bool(items.loc[_key("R-MIDWEEK"), "escalate"])


def test_decisions_survive_a_re_export_and_keep_their_history(week, trust):
    trust(
        "referrals.csv",
        HEADER + R_OPEN + R_LATE_ANSWERED + R_HISTORIC + R_MIDWEEK,
        now=dt.datetime(2026, 11, 26, 8, 0),
        full=True,
    )
    _decide(week, LEAD, "R-OPEN", status="open", owner_role="trust_lead")
    with database.reader(week) as con:
        trail = actions.history(con, ["OAK"], _key("R-OPEN"))
        latest = actions.current(con, ["OAK"]).set_index("item_key").loc[_key("R-OPEN")]
        before = actions.current(con, ["OAK"], dt.datetime(2026, 11, 24)).set_index("item_key")
    assert list(trail["status"]) == ["in_hand", "open"]
    assert (latest["owner_role"], latest["decisions"]) == ("trust_lead", 2)
    assert before.loc[_key("R-OPEN"), "status"] == "in_hand"


def test_a_decision_is_scoped_like_every_read(week):
    with database.reader(week) as con:
        assert actions.current(con, ["ELM"]).empty
        assert len(actions.current(con, ["OAK"])) == 2


def test_who_may_decide(week):
    elm_item = actions.Decision("referral:ELM:R-1:csc_feedback", "Feedback overdue")
    governor = actions.Actor("gov@example.invalid", Scope("governor", ("OAK", "ELM"), (), True))
    with pytest.raises(actions.DecisionRefused, match="cannot record decisions about ELM"):
        actions.record(week, OAK_DSL, [elm_item])
    with pytest.raises(actions.DecisionRefused, match="governor cannot record"):
        actions.record(week, governor, [actions.Decision(_key("R-OPEN"), "x")])
    _decide(week, OAK_DSL, "R-MIDWEEK", status="in_hand", note="Chased by phone")
    with database.reader(week) as con:
        row = actions.current(con, ["OAK"]).set_index("item_key").loc[_key("R-MIDWEEK")]
    assert (row["decided_by"], row["decided_as"], row["note"]) == (
        "dsl@example.invalid",
        "dsl",
        "Chased by phone",
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"status": "closed"}, "not a status"),
        ({"action": "phone_mum"}, "not a action"),
        ({"status": "wont_act"}, "not a reason"),
        ({"status": "open", "reason": "historic"}, "only with the status"),
        ({"owner_academy": "PINE"}, "not one you can see"),
        ({"note": "x" * 201}, "at most 200"),
        ({"note": "Pupil A123456789012 again"}, "real identifier"),
        ({"note": "ring parent.name@example.com"}, "real identifier"),
        ({"note": "line\nbreak"}, "control character"),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_is_stored(week, change, message):
    with database.reader(week) as con:
        before = len(actions.history(con, ["OAK"]))
    decision = actions.Decision(_key("R-OPEN"), "Feedback overdue", **change)
    good = actions.Decision(_key("R-MIDWEEK"), "Feedback overdue", status="in_hand")
    with pytest.raises(actions.DecisionRefused, match=message):
        actions.record(week, LEAD, [good, decision])
    with database.reader(week) as con:
        assert len(actions.history(con, ["OAK"])) == before


def test_a_meeting_date_becomes_the_default_since(week):
    actions.record_meeting(week, LEAD, dt.date(2026, 11, 19))
    with pytest.raises(actions.DecisionRefused):
        actions.record_meeting(week, OAK_DSL, dt.date(2026, 11, 19))
    with database.reader(week) as con:
        assert actions.last_meeting_before(con, THIS_MEETING) == dt.date(2026, 11, 19)
        assert actions.last_meeting_before(con, dt.date(2026, 11, 19)) is None


def test_since_must_be_before_the_as_of_date():
    with pytest.raises(ScopeError, match="must be before"):
        agenda.meeting(Window.ending(THIS_MEETING), THIS_MEETING)


def test_the_earlier_view_is_never_read_later_than_the_whole_view(week):
    early = dt.datetime(2026, 11, 18, 12, 0)
    meeting = agenda.meeting(Window.ending(THIS_MEETING, known_at=early), LAST_MEETING)
    assert meeting.then.known_at == early
    default = agenda.meeting(Window.ending(THIS_MEETING))
    assert (default.since, default.then.known_at) == (
        dt.date(2026, 11, 20),
        dt.datetime.combine(LAST_MEETING, dt.time.max),
    )


def test_the_command_adds_the_change_and_keeps_the_algebra(week, capsys):
    status = cli.main(
        [
            "attention",
            "--as-of",
            "2026-11-27",
            "--since",
            "2026-11-20",
            "--academy",
            "OAK",
            "--format",
            "json",
            "--db",
            str(week),
        ]
    )
    assert status == cli.EXIT_OK
    items = json.loads(capsys.readouterr().out)
    changes = {item["key"]: item["change"] for item in items if item["key"].startswith("ref")}
    assert changes == {
        _key("R-OPEN"): "open",
        _key("R-MIDWEEK"): "new",
        _key("R-LATE"): "resolved",
        _key("R-DELETED"): "resolved",
        _key("R-HISTORIC"): "resolved",
    }
    first = items[0]
    assert (first["owner_role"], first["status"], first["target_on"]) == (
        "dsl",
        "in_hand",
        "2026-11-26",
    )


def test_the_weekly_summary_holds_keys_and_counts_only(week, capsys):
    cli.main(
        [
            "attention",
            "--as-of",
            "2026-11-27",
            "--since",
            "2026-11-20",
            "--academy",
            "OAK",
            "--format",
            "text",
            "--db",
            str(week),
        ]
    )
    text = capsys.readouterr().out
    assert "1 new · " in text and _key("R-MIDWEEK") in text
    assert "PUPIL-" not in text  # keys name the referral, never the child's pseudonym
    cli.main(
        [
            "attention",
            "--as-of",
            "2026-11-27",
            "--since",
            "2026-11-20",
            "--academy",
            "OAK",
            "--format",
            "html",
            "--role",
            "governor",
            "--db",
            str(week),
        ]
    )
    html = capsys.readouterr().out
    assert html.lstrip().startswith("<") and "referral:" not in html
    assert "Items are not listed for governors" in html and " new · " not in html


def test_the_command_refuses_since_without_as_of_order(week, capsys):
    status = cli.main(
        ["attention", "--as-of", "2026-11-20", "--since", "2026-11-27", "--db", str(week)]
    )
    assert status == cli.EXIT_USAGE
    assert "must be before" in capsys.readouterr().err


def test_governors_counts_about_children_are_trust_wide_and_suppressed(week, trust):
    """Attack: with one academy's referral items 1 to 5, no governor row names that academy,
    and no count from 1 to 5 about children is shown."""
    items = _agenda(week)
    counts = agenda.governor_counts(items, limit=5)
    about_children = counts[
        counts["area"].isin(set(items.loc[items["key"].str.startswith("referral:"), "area"]))
    ]
    assert list(about_children["academy_code"]) == ["TRUST"]
    # 2 open (R-OPEN, R-MIDWEEK), 3 resolved: all small, all c.
    assert about_children[["open", "overdue", "resolved"]].values.tolist() == [["c", "c", "c"]]
    others = counts[~counts.index.isin(about_children.index)]
    assert set(others["academy_code"]) == {"OAK"}
    assert all(v.isdigit() for v in others["open"])


def _cells(workbook_bytes):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def test_the_meeting_record_is_rebuilt_cell_for_cell_after_later_loads(week, trust):
    from safeguarding import meeting_record

    known = dt.datetime(2026, 11, 27, 12, 0)
    meeting = agenda.meeting(Window.ending(THIS_MEETING, known_at=known), LAST_MEETING)

    def build(generated_at):
        with database.reader(week) as con:
            return _cells(meeting_record.build(con, meeting, ["OAK"], ["OAK"], generated_at))

    first = build(dt.datetime(2026, 11, 27, 12, 0))
    trust(
        "referrals.csv",
        HEADER + R_OPEN.replace(",\n", ",2026-11-27 09:00\n") + R_MIDWEEK,
        now=dt.datetime(2026, 11, 27, 18, 0),
    )
    _decide(week, LEAD, "R-MIDWEEK", status="done")
    again = build(dt.datetime(2026, 11, 28, 8, 0))
    generated = [i for i, row in enumerate(first["Meeting"]) if row[0] == "Generated at"]
    for rows in (first, again):
        for i in generated:
            rows["Meeting"][i] = None
    assert again == first
    agenda_rows = first["Agenda"]
    header = agenda_rows[2]
    open_row = next(r for r in agenda_rows if r[header.index("Item key")] == _key("R-OPEN"))
    assert (open_row[header.index("Owner")], open_row[header.index("Agreed action")]) == (
        "DSL, OAK",
        "Chase social care",
    )
    assert first["Figures"][3][0]  # the first headline figure's label
    # The latest knowledge sees the new feedback: the record differs.
    latest = agenda.meeting(Window.ending(THIS_MEETING), LAST_MEETING)
    with database.reader(week) as con:
        now_cells = _cells(meeting_record.build(con, latest, ["OAK"], ["OAK"], known))
    assert now_cells["Agenda"] != first["Agenda"]


def _section_4_2():
    from safeguarding.paths import PROJECT_ROOT

    text = (PROJECT_ROOT / "docs" / "product.md").read_text(encoding="utf-8")
    return text[text.index("### 4.2 The weekly meeting") : text.index("## 5. Roles")], text


def test_the_docs_name_every_pick_list_value_and_field():
    section, whole = _section_4_2()
    flat = " ".join(section.lower().split())
    for label in [*actions.ACTIONS.values(), *actions.STATUSES.values()]:
        assert label.lower() in flat, label
    row = next(line for line in whole.splitlines() if line.startswith("| `attention` |"))
    added = [c for c in agenda.COLUMNS if c not in agenda.attention.COLUMNS]
    for field in added:
        assert f"`{field}`" in row, field
    assert f"{standards.load().escalate_after_working_days} working days" in whole


def test_governors_counts_about_children_come_from_the_whole_trust(week):
    """A view of one academy shows the trust's counts about children, not that academy's."""
    whole = _agenda(week)
    elm_only = whole[whole["academy_code"] == "ELM"]  # ELM has no referral items
    counts = agenda.governor_counts(elm_only, limit=1, trust_items=whole)
    referral_area = whole.loc[whole["key"].str.startswith("referral:"), "area"].iloc[0]
    row = counts[counts["area"] == referral_area]
    assert row[["academy_code", "open", "resolved"]].values.tolist() == [["TRUST", "2", "3"]]


def test_two_empty_lists_make_an_empty_agenda():
    frame = agenda.pd.DataFrame(columns=agenda.attention.COLUMNS)
    decided = agenda.pd.DataFrame(columns=["item_key", "status", *agenda.DECISION_COLUMNS])
    result = agenda.compare(frame, frame, decided, decided, THIS_MEETING, standards.load())
    assert result.empty and list(result.columns) == agenda.COLUMNS
