"""Export styles: how each academy's systems write their files (format, encoding, date and
boolean spellings, header and value aliases), so that the demo exercises the contract the way
real exports do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExportStyle:
    extension: str = "csv"  # csv | xlsx
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1252
    datetimes: str = "iso"  # iso: 2026-03-31 14:05:00 | iso_t: 2026-03-31T14:05 | uk
    booleans: tuple[str, str] = ("true", "false")
    headers: Mapping[str, str] = field(default_factory=dict)  # contract column -> header
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # column -> labels
    extra_columns: tuple[tuple[str, str], ...] = ()  # (header, value) not in the contract
    omitted_columns: tuple[str, ...] = ()  # optional contract columns the system never exports


# Every header and value label below is in config/aliases.toml (tests hold them to it), or is
# the contract column's own name in other capitals and spaces ("Pupil Informed On").
CPOMS_CONCERN_HEADERS = {
    "academy_code": "Academy",
    "concern_id": "Concern ID",
    "pupil_ref": "Pupil",
    "logged_at": "Date Logged",
    "category": "Concern Category",
    "incident_at": "Incident Date",
    "year_group": "NC Year",
    "cse_flag": "CSE Flag",
    "dsl_reviewed_at": "DSL Reviewed",
    "decision_recorded": "Decision Recorded",
    "outcome": "Action Taken",
    "status": "Concern Status",
    "closed_at": "Date Closed",
    "mentor_allocated": "Mentor Allocated",
    "looked_after": "LAC",
    "send": "SEN",
    "child_protection_plan": "CP Plan",
    "missing_episode": "Missing Episode",
    "pupil_informed_on": "Pupil Informed On",
    "pupil_views_recorded": "Pupil Views Recorded",
    "mentor_last_contact_on": "Mentor Last Contact On",
}
CATEGORY_LABELS = {
    "child_sexual_exploitation": "CSE",
    "sharing_nudes": "Sexting",
    "mental_health_self_harm": "Self harm",
    "child_on_child_abuse": "Peer on peer",
    "domestic_abuse": "Domestic violence",
    "missing_from_home_or_education": "Missing",
    "radicalisation": "Prevent",
    "child_criminal_exploitation": "County lines",
    "honour_based_abuse": "FGM",
    "substance_misuse": "Drugs",
    "online_safety": "E-safety",
    "emotional_abuse": "Emotional abuse",
    "physical_abuse": "Physical abuse",
    "sexual_abuse": "Sexual abuse",
    "neglect": "Neglect",
    "other": "Other",
}
REFERRAL_HEADERS = {
    "academy_code": "Academy",
    "referral_id": "Referral ID",
    "agency": "Referred To",
    "referred_at": "Date Referred",
    "concern_id": "Linked Concern",
    "pupil_ref": "Pupil",
    "allegation_at": "Allegation Date",
    "immediate_danger": "Immediate Risk",
    "feedback_at": "Feedback Received",
    "decision": "Agency Decision",
    "followed_up_at": "Date Chased",
    "escalated_at": "Date Escalated",
    "nfa_reconsidered_on": "NFA Reconsidered On",
    "early_help_offered": "Early Help Offered",
}
AGENCY_LABELS = {
    "children_social_care": "CSC",
    "lado": "LADO",
    "camhs": "CAMHS",
    "early_help": "Early Help Hub",
    "police": "Police",
    "prevent": "Prevent",
    "other": "Other",
}
DECISION_LABELS = {
    "no_further_action": "NFA",
    "section_17": "S17",
    "section_47": "S47",
    "strategy_discussion": "Strategy meeting",
    "early_help": "Early help",
    "advice": "Advice",
    "other": "Other",
}
HR_STAFF_HEADERS = {
    "academy_code": "School Code",
    "staff_ref": "Staff ID",
    "role": "Job Role",
    "safeguarding_role": "DSL Role",
    "works_with_children": "Works With Pupils",
    "start_date": "Date Started",
    "leave_date": "Date Left",
}
ROLE_LABELS = {
    "principal": "Headteacher",
    "leadership": "SLT",
    "support": "Support Staff",
    "teacher": "Teacher",
    "volunteer": "Volunteer",
    "governor": "Governor",
    "trustee": "Trustee",
    "other": "Other",
}
SAFEGUARDING_ROLE_LABELS = {
    "dsl": "DSL",
    "deputy_dsl": "Deputy DSL",
    "safeguarding_governor": "Link Governor",
}
TRAINING_PLATFORM_HEADERS = {
    "academy_code": "Academy",
    "staff_ref": "Employee Ref",
    "course": "Course Title",
    "completed_on": "Date Completed",
    "kcsie_edition": "KCSIE Year",
    "provider": "Training Provider",
}
COURSE_LABELS = {
    "safeguarding_induction": "Safeguarding Induction",
    "safeguarding_update": "Annual Safeguarding Update",
    "dsl_full": "DSL Training",
    "dsl_refresh": "DSL Update",
    "kcsie_part1": "KCSIE Part 1",
    "kcsie_annex_b": "KCSIE Annex B",
    "prevent": "Prevent Duty",
    "governor_safeguarding": "Governor Safeguarding",
    "online_safety": "Online safety",
    "cse_awareness": "CSE awareness",
}
POLICY_REGISTER_HEADERS = {
    "academy_code": "Academy",
    "policy_title": "Policy",
    "policy_type": "Policy Kind",
    "last_reviewed_on": "Last Reviewed",
    "next_review_on": "Next Review",
    "review_cycle_months": "Review Cycle",
    "issued_on": "Date Issued",
    "kcsie_edition_referenced": "KCSIE Edition",
    "published_on_website": "On Website",
}


def export_style(style_position: int, dataset: str) -> ExportStyle:
    """The style of one academy's export of one dataset (position = academy index % 8)."""
    styles: dict[tuple[int, str], ExportStyle] = {
        (1, "concerns"): ExportStyle(
            datetimes="uk",
            booleans=("Y", "N"),
            headers=CPOMS_CONCERN_HEADERS,
            labels={"category": CATEGORY_LABELS, "outcome": {"no_further_action": "NFA"}},
            extra_columns=(("Source System", "Demo concern log"),),
        ),
        (1, "referrals"): ExportStyle(
            encoding="utf-8-sig",
            datetimes="uk",
            booleans=("Y", "N"),
            headers=REFERRAL_HEADERS,
            labels={"agency": AGENCY_LABELS, "decision": DECISION_LABELS},
        ),
        (2, "staff"): ExportStyle(
            extension="xlsx",
            booleans=("Yes", "No"),
            headers=HR_STAFF_HEADERS,
            labels={"role": ROLE_LABELS, "safeguarding_role": SAFEGUARDING_ROLE_LABELS},
        ),
        (2, "concerns"): ExportStyle(booleans=("1", "0")),
        (3, "concerns"): ExportStyle(datetimes="iso_t", booleans=("TRUE", "FALSE")),
        (3, "training"): ExportStyle(extension="xlsx"),
        (4, "concerns"): ExportStyle(extension="xlsx", booleans=("Yes", "No")),
        (4, "policies"): ExportStyle(
            encoding="cp1252", booleans=("Yes", "No"), headers=POLICY_REGISTER_HEADERS
        ),
        (5, "policies"): ExportStyle(extension="xlsx", booleans=("Yes", "No")),
        (5, "concerns"): ExportStyle(booleans=("yes", "no")),
        (6, "concerns"): ExportStyle(booleans=("Yes", "No"), labels={"category": CATEGORY_LABELS}),
        (6, "staff"): ExportStyle(labels={"role": ROLE_LABELS}),
        (7, "training"): ExportStyle(
            datetimes="uk", headers=TRAINING_PLATFORM_HEADERS, labels={"course": COURSE_LABELS}
        ),
        (7, "referrals"): ExportStyle(
            datetimes="iso_t", labels={"agency": AGENCY_LABELS, "decision": DECISION_LABELS}
        ),
    }
    return styles.get((style_position, dataset), ExportStyle())
