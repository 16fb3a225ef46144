"""What policy documents call their fields, and how often they say a policy is reviewed.

Documents name the same thing many ways: "Next Review", "Date of next review", "Review due",
"To be reviewed by", "Renewal date"; "Issued", "Date approved", "Ratified by governors on",
"Effective from"; "Owner", "Policy lead", "Responsible officer". A label is normalised (case,
punctuation, bullets and numbering dropped, "&" read as "and") and then matched against the
patterns below, whole. Patterns, not lists: "Date approved by the Local Governing Body" and
"Approved by Trustees on" are both covered without listing every body.
"""

from __future__ import annotations

import re

# field -> patterns over a normalised label (matched whole)
_RULES: tuple[tuple[str, str], ...] = (
    # "Review date" alone usually means the next review; `is_ambiguous_review` lets the
    # extractor read it as the last review when the document also gives an explicit next one.
    (
        "next_review",
        r"(?:(?:date of|date for|the|policy|document) )?next (?:policy |formal |full |scheduled )?"
        r"(?:review|revision)(?: date| due(?: date)?| due by| by| on| in| deadline)?"
        r"|(?:policy |document )?review (?:date|due|due date|due by|by|deadline|due on)"
        r"|date (?:of|for) (?:policy |document )?(?:review|renewal)"
        r"|(?:date )?due for (?:next |its next |a )?review(?: on| by| in| date)?"
        r"|(?:date )?(?:to be|will be|next) reviewed(?: by| on| in| before)?"
        r"|(?:to be|will be) reviewed by [a-z ]{2,60} (?:by|on|in|before)"
        r"|(?:renewal|expiry|expiration|revision) date|next renewal(?: date)?|valid until"
        r"|review",
    ),
    (
        "last_reviewed",
        r"(?:date )?(?:last )?reviewed(?: on| date| in)?|(?:date of )?last review(?: date)?"
        r"|(?:date )?(?:last )?reviewed by [a-z ]{2,60}"
        r"|date (?:last )?reviewed|review(?:ed)? completed(?: on)?|last (?:updated|revised|amended)"
        r"(?: on)?|date (?:last )?(?:updated|revised|amended)|(?:updated|revised|amended)(?: on)?"
        r"|date of (?:last )?(?:update|revision|amendment)",
    ),
    (
        "issued",
        r"(?:date )?(?:of )?(?:issue|issued)(?: date| on)?|issue date"
        r"|(?:date )?(?:of )?(?:approval|approved|adopted|adoption|ratified|ratification|agreed"
        r"|agreement|publication|published|implementation|implemented|effective|sign off"
        r"|signed off|accepted|authorised|authorized)(?: date| on| from)?"
        r"|date (?:approved|adopted|ratified|agreed|signed off|accepted|authorised) by [a-z ]{2,60}"
        r"|(?:approved|adopted|ratified|agreed|signed off|accepted) by [a-z ]{2,60} on"
        r"|(?:policy|document|version|this version) date|date of (?:this )?(?:policy|document"
        r"|version)|dated|date|effective from|date effective|in force from|date in force"
        r"|date of [a-z ]{2,40} (?:approval|ratification|adoption)"
        r"|[a-z ]{2,40} (?:approval|ratification|adoption)(?: date| on)?|(?:meeting )?held on",
    ),
    (
        "owner",
        r"(?:policy |document )?owner(?:s|ship)?|owned by|(?:policy |document )?owner ?/ ?"
        r"(?:author|reviewer|lead)|(?:author|lead) ?/ ?owner"
        r"|(?:policy |document |staff |trust |senior |strategic |lead )?(?:lead|holder)"
        r"(?: person| officer| member of staff| professional)?"
        r"|lead (?:person|officer|member of staff|professional|responsible)"
        r"|person responsible(?: for (?:the |this )?(?:policy|document|review))?"
        r"|responsible(?: person| officer| lead| manager| member of staff| director| leader"
        r"| post| role)?(?: for (?:the |this )?(?:policy|document|review|policy review))?"
        r"|responsibility(?: for (?:the |this )?(?:policy|document|review))?"
        r"|accountable(?: person| officer| lead)?|maintained by|policy sponsor"
        r"|(?:member of staff|staff member|person|officer|post holder|senior leader|lead)"
        r" responsible(?: for (?:the |this )?(?:policy|document|review))?",
    ),
    (
        "author",
        r"authors?|written by|prepared by|drafted by|authored by|originator|compiled by"
        r"|created by|produced by",
    ),
    (
        "approved_by",
        r"(?:approved|adopted|ratified|agreed|signed off|accepted|authorised|authorized) by"
        r"(?: the)?(?: [a-z ]{2,60})?"
        r"|approv(?:ing|al) (?:body|authority|committee|group|level)|approver|governor approval"
        r"|ratifying body|adopting body",
    ),
    (
        "category",
        r"(?:policy |document )?(?:category|area|group|theme|classification)"
        r"|category of (?:the )?(?:policy|document)",
    ),
    (
        "version",
        r"(?:version|revision|rev|issue)(?: number| no| ref| reference| control)?|version",
    ),
    (
        "review_cycle",
        r"(?:review )?(?:cycle|frequency|period|interval|schedule)"
        r"|(?:frequency|cycle|period|interval) of (?:policy )?review"
        r"|review(?:ed)? (?:cycle|frequency|period|interval|schedule)|how often reviewed"
        r"|reviewing|reviewed",
    ),
    (
        "title",
        r"title|(?:policy |document )(?:title|name)|(?:name|title) of (?:the )?(?:policy|document)"
        r"|policy|document",
    ),
)
_COMPILED = tuple((name, re.compile(pattern)) for name, pattern in _RULES)

# Labels that read as a field only in a table cell or in "Label: value" form, never in a
# sentence: too common as ordinary words.
# fmt: off
WEAK_LABELS = frozenset((
    "policy", "document", "date", "dated", "review", "reviewed", "lead", "area", "group",
    "held on", "meeting held on",
    # the date of a version rather than of its approval: an approval label wins over these
    "date of policy", "policy date", "document date", "version date", "date of document",
    "date of this version", "this version date",
))
# fmt: on

# "Review date" next to an explicit "Next review date" is the date of the last review.
AMBIGUOUS_REVIEW_LABELS = {"review date", "date of review", "review", "date for review"}

_NUMBERING = re.compile(r"^(?:[\-•·▪◦*o>]\s+|\(?\d{1,2}(?:\.\d{1,2})*[.)]?\s+|\(?[a-z][.)]\s+)")
_PARENTHESISED = re.compile(r"\([^)]*\)")


def without_parentheses(text: str, replacement: str = " ") -> str:
    """Each "(" and what follows it up to the next ")" replaced: "Review date (if sooner)".
    Only the text up to the last ")" is searched, so an unclosed "(" costs nothing: searched
    to the end, every "(" of "((((..." would rescan the rest of the text (quadratic)."""
    end = text.rfind(")") + 1
    return _PARENTHESISED.sub(replacement, text[:end]) + text[end:]


def normalise(label: str) -> str:
    text = label.replace("&", " and ").replace("’", "'").strip().lower()
    text = _NUMBERING.sub("", text)
    text = without_parentheses(text)  # "Review date (if sooner)"
    text = re.sub(r"[^a-z0-9/' ]+", " ", text)
    text = text.replace("'", "")
    return re.sub(r"\s+", " ", text).strip(" /")


def classify(label: str) -> str | None:
    """The field a label names, or None. Fields are tried in the order of _RULES, so "Next
    review date" is a next review, not an issue date."""
    key = normalise(label)
    if not key or len(key.split()) > 9:
        return None
    for name, pattern in _COMPILED:
        if pattern.fullmatch(key):
            return name
    return None


def is_weak(label: str) -> bool:
    return normalise(label) in WEAK_LABELS


def is_ambiguous_review(label: str) -> bool:
    return normalise(label) in AMBIGUOUS_REVIEW_LABELS


# The body, then at the end of the stripped label " on", " :", " on:" or nothing. Written so
# that no run of spaces is scanned more than twice: "\s*(?:\bon\b)?\s*:?\s*$" let three "\s*"
# share a run in every way (cubic in the run when the label goes on after it), and the body
# ends with a space only in its shortest form ("X "), so the spaces after it are not rescanned
# for each of its lengths. (The shortest body that fits never ends with a space otherwise: the
# body without that space would fit too.)
_APPROVING_BODY = re.compile(
    r"(?i)\b(?:approved|adopted|ratified|agreed|signed off|accepted|authorised)\s+by\s+"
    r"(?:the\s+)?(?P<body>[A-Za-z] |[A-Za-z][A-Za-z '&\-]{0,59}?[A-Za-z'&\-])(?:\s*\bon)?\s*:?$"
)


_REVIEWING_BODY = re.compile(
    r"(?i)\breviewed\s+by\s+(?:the\s+)?(?P<body>[A-Za-z] |[A-Za-z][A-Za-z '&\-]{0,59}?"
    r"[A-Za-z'&\-])(?:\s*\b(?:on|by|in))?\s*:?$"
)


def reviewing_body(label: str) -> str | None:
    """The body inside "Reviewed by governors" or "To be reviewed by the Board of Directors by",
    as written."""
    found = _REVIEWING_BODY.search(label.strip())
    return found.group("body").strip() if found else None


def approving_body(label: str) -> str | None:
    """The body inside a label such as "Approved by the Trust Board on" or "Date ratified by
    governors", as written."""
    found = _APPROVING_BODY.search(label.strip())
    return found.group("body").strip() if found else None


# How often: the words documents use, in months.
_CYCLES: tuple[tuple[str, int], ...] = (
    (r"half[\s-]?termly|every half[\s-]?term", 2),
    (r"termly|every term|each term|once a term", 4),
    (r"every (?:six|6) months|six[\s-]?monthly|twice (?:a|per|each) year|bi-?annual(?:ly)?", 6),
    (
        r"every (?:two|2) years|every other year|bienniall?y|bi-?ennial|(?:two|2)[\s-]?yearly"
        r"|every (?:24|twenty[\s-]four) months|(?:24|twenty[\s-]four) months|(?:two|2) years"
        r"|on a (?:two|2)[\s-]year(?:ly)? (?:basis|cycle)",
        24,
    ),
    (
        r"every (?:three|3) years|(?:three|3)[\s-]?yearly|triennial(?:ly)?|every (?:36|thirty"
        r"[\s-]six) months|(?:36|thirty[\s-]six) months|(?:three|3) years"
        r"|on a (?:three|3)[\s-]year(?:ly)? (?:basis|cycle)",
        36,
    ),
    (r"every (?:four|4) years|(?:four|4) years", 48),
    (
        r"annual(?:ly)?|yearly|every year|each year|once a year|per year|per annum"
        r"|every (?:12|twelve) months|(?:12|twelve) months|(?:one|1) year|on an annual basis",
        12,
    ),
)
_CYCLE_PATTERNS = tuple((re.compile(rf"(?i)\b(?:{p})\b"), months) for p, months in _CYCLES)


def cycle_months(text: str) -> tuple[int, str] | None:
    """(months, the words) for "annually", "every two years", "Biennial", "termly", ..."""
    for pattern, months in _CYCLE_PATTERNS:
        found = pattern.search(text)
        if found:
            return months, found.group(0)
    return None


# Anchored at the start, so each branch is one scan of the value (".*" to its end, then back to
# the closing bracket): linear.
_PLACEHOLDER = re.compile(
    r"(?i)^(?:n/?a|tbc|tbd|to be (?:confirmed|decided|agreed)|none|nil|not (?:known|applicable"
    r"|stated)|unknown|-+|–|—|\?+|x+|\.+|_+|\[.*\]|<.*>|\{.*\}|insert\b.*|enter\b.*|add\b.*"
    r"|name of .*|\(.*\))$"
)


def is_placeholder(value: str) -> bool:
    """Template text or blanks written as words: "TBC", "N/A", "[Insert name]", "____"."""
    return bool(_PLACEHOLDER.match(value.strip()))
