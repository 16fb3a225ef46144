"""What a policy refers to: the trust's other policies, and the statutory guidance and
legislation it cites with their editions.

Other policies are found three ways: a capitalised name ending in "Policy" ("in line with the
**Child Protection and Safeguarding Policy**"), a possessive lower-case mention ("the school's
behaviour policy"), and the items listed under "Related policies" or "This policy should be read
alongside:". Guidance is found by its title or acronym (KCSIE) with the year written next to it
("Keeping Children Safe in Education 2025", "DfE (2025) 'Keeping Children Safe in Education'",
"KCSIE (September 2025)"), and by the citation forms a reference list uses ("DfE (2024)
'Information sharing'"). "Updated March 2026" is kept apart from the edition.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from safeguarding.contract import normalise_label
from safeguarding.policy_import.labels import without_parentheses

# Statutory guidance and DfE advice schools cite, by the name the trust's standards file uses
# ([guidance_editions]): (title, pattern for the title, case-insensitive; pattern for a short
# form or acronym, case-sensitive, or None). "KCSIE" alone counts; "kcsie" in a URL does not.
KNOWN_GUIDANCE: tuple[tuple[str, str, str | None], ...] = (
    (
        "Keeping Children Safe in Education",
        r"keeping\s+children\s+safe\s+in\s+education",
        r"\bKCSI[Ee]\b",
    ),
    (
        "Working Together to Safeguard Children",
        r"working\s+together\s+to\s+safeguard\s+children",
        r"\bWorking\s+Together\b(?!\s+to\s+[Ii]mprove)|\bWTSC\b",
    ),
    (
        "Working together to improve school attendance",
        r"working\s+together\s+to\s+improve\s+school\s+attendance",
        None,
    ),
    (
        "What to do if you're worried a child is being abused",
        r"what\s+to\s+do\s+if\s+you['’]?re\s+worried\s+a\s+child\s+is\s+being\s+abused",
        None,
    ),
    ("Information sharing", r"information\s+sharing:?\s+advice\s+for\s+practitioners", None),
    (
        "Child sexual exploitation: definition and guide for practitioners",
        r"child\s+sexual\s+exploitation:\s+definition\s+and\s+(?:a\s+)?guide",
        None,
    ),
    (
        "Sharing nudes and semi-nudes",
        r"sharing\s+nudes\s+and\s+semi[\s-]nudes:?\s+(?:advice|how\s+to\s+respond)",
        None,
    ),
    ("Prevent duty guidance", r"prevent\s+duty\s+guidance", None),
    (
        "Searching, screening and confiscation",
        r"searching,?\s+screening\s+and\s+confiscation",
        None,
    ),
    ("Teaching online safety in schools", r"teaching\s+online\s+safety\s+in\s+schools?", None),
    (
        "Relationships, sex and health education",
        r"relationships\s+education,\s+relationships\s+and\s+sex\s+education(?:\s*\(RSE\))?"
        r"(?:,?\s+and\s+health\s+education)?"
        r"|relationships,?\s+sex\s+and\s+health\s+education(?=\s*[:(]|\s+(?:statutory|guidance))",
        None,
    ),
    (
        "Mental health and behaviour in schools",
        r"mental\s+health\s+and\s+behaviour\s+in\s+schools",
        None,
    ),
    ("Behaviour in schools", r"behaviour\s+in\s+schools(?=:?\s*(?:advice|guidance|\(|\d))", None),
    ("Guidance for safer working practice", r"guidance\s+for\s+safer\s+working\s+practice", None),
    (
        "Supporting pupils at school with medical conditions",
        r"supporting\s+pupils\s+(?:at\s+school\s+)?with\s+medical\s+conditions(?!\s+policy)",
        None,
    ),
    (
        "SEND code of practice",
        r"special\s+educational\s+needs\s+and\s+disability\s+code\s+of\s+practice",
        r"\bSEND\s+[Cc]ode\s+of\s+[Pp]ractice",
    ),
    (
        "Multi-agency statutory guidance on female genital mutilation",
        r"multi[\s-]agency\s+statutory\s+guidance\s+on\s+female\s+genital\s+mutilation",
        None,
    ),
    (
        "Filtering and monitoring standards",
        r"filtering\s+and\s+monitoring\s+standards|meeting\s+digital\s+and\s+technology\s+standards",
        None,
    ),
)
# Linear: fixed words with runs of spaces between them, each run scanned once from the word
# before it.
_KNOWN = tuple(
    (
        title,
        re.compile(pattern, re.IGNORECASE),
        re.compile(short) if short else None,
    )
    for title, pattern, short in KNOWN_GUIDANCE
)


def _mentions(text: str, long_form: re.Pattern[str], short_form: re.Pattern[str] | None):
    """Matches of a guidance title in text: the full title first, then its short form where
    it does not overlap a full one."""
    found = list(long_form.finditer(text))
    # the full titles do not overlap and are in order: a bisect finds the one a short form
    # could be inside (comparing with every one made "KCSIE KCSIE KCSIE ..." quadratic)
    long_starts = [m.start() for m in found]
    if short_form:
        for match in short_form.finditer(text):
            before = bisect.bisect_right(long_starts, match.start())
            if not (before and match.start() < found[before - 1].end()):
                found.append(match)
    return sorted(found, key=lambda m: m.start())


_PUBLISHERS = (
    r"DfE|DFE|DfES|DCSF|Department\s+for\s+Education|HM\s+Government|Home\s+Office|DHSC|"
    r"Department\s+of\s+Health(?:\s+and\s+Social\s+Care)?|UKCIS|UK\s+Council\s+for\s+Internet"
    r"\s+Safety|Ofsted|NSPCC|NPCC|ESFA|Cabinet\s+Office|Ministry\s+of\s+Justice|Welsh\s+Government"
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_YEAR = r"(?:19|20)\d{2}"
_QUOTE_OPEN = "['‘\"“]"
_QUOTE_CLOSE = "['’\"”]"
# a quoted title may hold apostrophes ("What to do if you're worried ...")
_QUOTED = r"(?P<title>(?:[^'’\"”\n]|(?<=[A-Za-z])['’](?=[A-Za-z])){3,160})"

# Right after a title: "2025", "(2025)", "(KCSIE) 2025", "(DfE, September 2025)",
# "(updated March 2026)", ": 2023", "2025/26". Matched at the start of the 70 characters after
# the title, so bounded whatever it holds.
_AFTER = re.compile(
    rf"^\s*(?:\([A-Za-z]{{2,8}}\)\s*)?(?::[^()\n.;]{{0,90}}?)?[,:\-–]?\s*(?:\(\s*)?"
    rf"(?:(?:{_PUBLISHERS}|KCSI[Ee]|WTSC)[,\s]+)?"
    rf"(?:(?P<updated>updated|revised|amended|last\s+updated)(?:\s+(?:in|on))?\s+)?"
    rf"(?P<when>(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTH}\s+)?(?P<year>{_YEAR}))"
    rf"(?!\d)(?:\s*[/\-–]\s*\d{{2,4}})?\)?",
    re.IGNORECASE,
)
# Just before a title: "DfE (2025) '", "(updated March 2026) '", "the 2025 edition of ".
# Searched in the 60 characters before the title; the spaces after ")" are one run, with the
# quote mark and its own spaces optional after it ("\s*'?\s*" shared a run in every way).
_BEFORE = re.compile(
    rf"(?:\(\s*(?:(?P<updated>updated|revised|amended)\s+)?(?P<when>(?:{_MONTH}\s+)?"
    rf"(?P<year>{_YEAR}))\s*\)\s*(?:{_QUOTE_OPEN}\s*)?|(?P<year2>{_YEAR})\s+(?:edition|version)"
    rf"\s+of\s+(?:the\s+)?{_QUOTE_OPEN}?)$",
    re.IGNORECASE,
)
# A reference-list citation of guidance not in KNOWN_GUIDANCE. After ")", one run of spaces and
# then "," or ":" with its own: "\s*[,:]?\s*" let two "\s*" share a run of spaces in every way
# (quadratic in a long run after "DfE (2024)"). The quoted title is at most 160 characters.
_CITATION_BEFORE = re.compile(
    rf"(?P<publisher>{_PUBLISHERS})\s*\(\s*(?:(?P<updated>updated|revised)\s+)?"
    rf"(?P<when>(?:{_MONTH}\s+)?(?P<year>{_YEAR}))\s*\)\s*(?:[,:]\s*)?{_QUOTE_OPEN}"
    rf"{_QUOTED}{_QUOTE_CLOSE}"
)
_CITATION_AFTER = re.compile(
    rf"{_QUOTE_OPEN}{_QUOTED}{_QUOTE_CLOSE}\s*\(\s*(?P<publisher>"
    rf"{_PUBLISHERS})[,\s]+(?:(?P<updated>updated|revised)\s+)?(?P<when>(?:{_MONTH}\s+)?"
    rf"(?P<year>{_YEAR}))\s*\)"
)
# "Children Act 1989", "The Education (Independent School Standards) Regulations 2014": up to
# 15 words, each capitalised, a connecting word or in brackets. Searched in
# `_first_capitals_only(text)`, never in the text itself (see there).
_LEGISLATION = re.compile(
    r"(?P<title>(?:The\s+)?(?:[A-Z][A-Za-z'’\-]*|\([A-Za-z'’,\s\-]+\)|and|of|for|the|on|in|to)"
    r"(?:\s+(?:[A-Z][A-Za-z'’\-]*|\([A-Za-z'’,\s\-]+\)|and|of|for|the|on|in|to)){0,14}?"
    r"\s+(?:Act|Regulations|Order|Measure))\s+(?P<year>(?:18|19|20)\d{2})\b"
)
# A run of letters (with apostrophes and hyphens) holding two capitals or more, found from the
# run's first character only.
_RUN_WITH_CAPITALS = re.compile(r"(?<![A-Za-z'’\-])[a-z'’\-]*+[A-Z][a-z'’\-]*+[A-Z][A-Za-z'’\-]*+")
_CAPITAL = re.compile(r"[A-Z]")


def _later_capitals_replaced(run: re.Match[str]) -> str:
    text = run.group(0)
    first = _CAPITAL.search(text).end()
    return text[:first] + _CAPITAL.sub("q", text[first:])


def _first_capitals_only(text: str) -> str:
    """The text with every capital after the first in a run of letters, apostrophes and
    hyphens replaced by "q" ("KCSIE" -> "Kqqqq", "Anti-Bullying" -> "Anti-qullying"), for
    `_LEGISLATION` and `_POLICY_NAME` to be searched in. Their words run from a capital to the
    end of its run, so a match tried from a later capital of a run only repeats the one tried
    from its first, after the same words; tried from every capital, a long run ("AAAA...",
    "A-A-A-...", "AbAb...") cost its length times the words after it, for every capital in it.
    "q" is a letter where a capital was, in no word these patterns look for ("Act", "Policy",
    "and", ...), so they find the same spans in the copy, and what they found is read from
    the text itself at those spans. (One case differs: a run that begins "Policy-" or
    "Policies'", whose first capital a policy name may not start at, no longer lets a later
    capital in the run start one instead.)"""
    return _RUN_WITH_CAPITALS.sub(_later_capitals_replaced, text)


@dataclass
class Citation:
    title: str
    kind: str  # guidance | legislation
    edition_year: int | None = None  # the latest edition cited
    editions: list[int] = field(default_factory=list)
    updated_text: str | None = None  # "March 2026" in "(updated March 2026)"
    cited_as: str = ""  # the first citation, as written

    @property
    def key(self) -> str:
        return normalise_label(self.title)

    def describe(self) -> str:
        edition = str(self.edition_year) if self.edition_year else "no edition given"
        if len(self.editions) > 1:
            edition += f" (also cites {', '.join(str(e) for e in self.editions[:-1])})"
        if self.updated_text:
            edition += f", updated {self.updated_text}"
        return f"{self.title} — {edition}"


def _known_title(text: str) -> str | None:
    for title, long_form, short_form in _KNOWN:
        if long_form.search(text) or (short_form and short_form.search(text)):
            return title
    return None


def find_guidance(paragraphs: list[str]) -> list[Citation]:
    """Guidance cited, one entry per title, in order of first mention."""
    found: dict[str, Citation] = {}

    def note(title: str, year: str | None, updated: str | None, cited_as: str) -> None:
        citation = found.setdefault(
            normalise_label(title), Citation(title, "guidance", cited_as=cited_as.strip())
        )
        if year and not updated:
            edition = int(year)
            if edition not in citation.editions:
                citation.editions.append(edition)
                citation.editions.sort()
            citation.edition_year = citation.editions[-1]
        if updated and citation.updated_text is None:
            citation.updated_text = re.sub(r"\s+", " ", updated.strip())

    for text in paragraphs:
        for title, long_form, short_form in _KNOWN:
            for match in _mentions(text, long_form, short_form):
                after = _AFTER.match(text[match.end() : match.end() + 70])
                before = _BEFORE.search(text[max(0, match.start() - 60) : match.start()])
                year = updated = None
                cited = match.group(0)
                if after:
                    if after.group("updated"):
                        updated = after.group("when")
                    else:
                        year = after.group("year")
                    cited = text[match.start() : match.end() + after.end()]
                if before and year is None:
                    if before.group("updated"):
                        updated = updated or before.group("when")
                    else:
                        year = before.group("year") or before.group("year2")
                    if not after:
                        cited = text[max(0, match.start() - 60) + before.start() : match.end()]
                note(title, year, None, cited)
                if updated:
                    note(title, None, updated, cited)
        for pattern in (_CITATION_BEFORE, _CITATION_AFTER):
            for match in pattern.finditer(text):
                raw_title = match.group("title").strip().rstrip(".,")
                title = _known_title(raw_title) or _known_short_title(raw_title) or raw_title
                if _LEGISLATION.fullmatch(raw_title + " 2000"):
                    continue
                if match.group("updated"):
                    note(title, None, match.group("when"), match.group(0))
                else:
                    note(title, match.group("year"), None, match.group(0))
    return list(found.values())


def _known_short_title(title: str) -> str | None:
    """A reference list's short form of a known title: 'Information sharing', 'Child sexual
    exploitation' (DfE 2017)."""
    key = normalise_label(title)
    for known, _, _ in KNOWN_GUIDANCE:
        known_key = normalise_label(known)
        short = normalise_label(known.split(":")[0])
        if key in (known_key, short):
            return known
    return None


def find_legislation(paragraphs: list[str]) -> list[Citation]:
    found: dict[str, Citation] = {}
    for text in paragraphs:
        for match in _LEGISLATION.finditer(_first_capitals_only(text)):
            title = re.sub(r"^(?:The|the)\s+", "", text[slice(*match.span("title"))]).strip()
            title = re.sub(r"^(?:(?:and|of|for|the|on|in|to)\s+)+", "", title)
            if len(title.split()) < 2:
                continue
            key = normalise_label(f"{title} {match.group('year')}")
            if key not in found:
                year = int(match.group("year"))
                found[key] = Citation(
                    f"{title} {year}",
                    "legislation",
                    year,
                    [year],
                    cited_as=text[slice(*match.span())],
                )
    return list(found.values())


# --- obsolete references ---------------------------------------------------------------------


@dataclass(frozen=True)
class Obsolete:
    """A body, law or guidance a document names that has been replaced, and what replaced it."""

    title: str  # as the flag names it
    pattern: re.Pattern[str]
    current: str  # the current name, for the flag's message
    unless: re.Pattern[str] | None = None  # the document also names the current one: not stale


OBSOLETE = (
    Obsolete(
        "Local Safeguarding Children Board",
        re.compile(r"\bLocal\s+Safeguarding\s+Children(?:'s)?\s+Boards?\b|\bLSCBs?\b"),
        "the local safeguarding partners (Children and Social Work Act 2017; in place since "
        "September 2019)",
    ),
    Obsolete(
        "GDPR",
        re.compile(r"(?<!UK\s)(?<!UK-)\bGDPR\b|\bGeneral\s+Data\s+Protection\s+Regulation\b"),
        "the UK GDPR and the Data Protection Act 2018",
        unless=re.compile(r"\bUK[\s-]+GDPR\b|\bUK\s+General\s+Data\s+Protection\b"),
    ),
    Obsolete(
        "Data Protection Act 1998",
        re.compile(r"\bData\s+Protection\s+Act\s+1998\b"),
        "the Data Protection Act 2018 and the UK GDPR",
    ),
    Obsolete(
        "Sexting in schools and colleges",
        re.compile(
            r"\bSexting\s+in\s+schools(?:\s+and\s+colleges)?\b|\bsexting\s+guidance\b"
            r"|\bUKCCIS\b[^.]{0,60}\bsexting\b",
            re.IGNORECASE,
        ),
        "Sharing nudes and semi-nudes: advice for education settings (UKCIS 2020, updated 2024)",
    ),
)


def find_obsolete(paragraphs: list[str]) -> list[Citation]:
    """The replaced bodies, law and guidance a document names, one entry each, with the first
    mention as written."""
    text = "\n".join(paragraphs)
    found = []
    for obsolete in OBSOLETE:
        if obsolete.unless is not None and obsolete.unless.search(text):
            continue
        for paragraph in paragraphs:
            match = obsolete.pattern.search(paragraph)
            if match:
                start = max(0, match.start() - 60)
                found.append(
                    Citation(
                        obsolete.title,
                        "obsolete",
                        cited_as=paragraph[start : match.end() + 60].strip(),
                    )
                )
                break
    return found


# --- other policies --------------------------------------------------------------------------

_CAP = r"(?!Polic(?:y|ies)\b)\(?[A-Z][A-Za-z'’\-]*\)?"  # a capitalised word, perhaps "(CSE)"
_CONNECT = r"(?:and|&|of|for|the|in|on|to|with|at|from|or|/|-|–)"
_NAME = rf"{_CAP}(?:\s+(?:{_CONNECT}\s+){{0,2}}{_CAP}){{0,9}}"
# Searched in `_first_capitals_only(text)`, as `_LEGISLATION` is.
_POLICY_NAME = re.compile(rf"(?P<name>{_NAME})\s+(?P<term>Policy|Policies)\b")
# Searched in the text itself: "Code" may start in the middle of a run ("StaffCode of Conduct"
# from a PDF that lost a space), where the copy has lost its capital. Up to three words before
# it, each at most 40 characters and never starting just after a capital (that capital's own
# try covers it), so no start scans more than a few words.
_CODE_OF_CONDUCT = re.compile(
    r"(?P<name>(?:(?!Polic(?:y|ies)\b)\(?(?<![A-Z])[A-Z][A-Za-z'’\-]{0,39}\)?\s+){0,3})"
    r"Code\s+of\s+Conduct\b"
)
# Linear: starts only at the word before the mention and scans at most five words after it.
_LOWER_MENTION = re.compile(
    r"\b(?:school|academy|trust|college|setting|our|see\s+the|see\s+our)(?:'s|’s)?\s+"
    r"(?P<words>(?:[a-z][a-z\-]+\s+){1,5}?)(?P<term>policy|policies)\b"
)
# fmt: off
_GENERIC_WORDS = frozenset((
    "this", "the", "that", "these", "those", "our", "its", "their", "a", "an", "any", "each",
    "every", "all", "other", "relevant", "related", "such", "said", "same", "above", "below",
    "whole", "trust", "academy", "academies", "school", "schools", "college", "setting",
    "local", "national", "government", "dfe", "new", "current", "existing", "own", "main",
    "overarching", "separate", "specific", "statutory", "written", "full", "key", "wider",
    "internal", "associated", "various", "following", "appropriate", "respective", "further",
    "individual", "policy", "policies", "see", "in", "and", "of", "for", "with", "on", "to",
    "mat", "trust-wide", "school's", "academy's", "trust's",
))
# fmt: on
_LIST_INTRO = re.compile(
    r"(?i)\b(?:related|linked|associated|relevant|other|supporting)\s+(?:policies|documents"
    r"|documentation|procedures)\b|\bread\s+(?:alongside|in\s+conjunction\s+with|together"
    r"\s+with|with)\b|\bin\s+conjunction\s+with\s+the\s+following\b|\bsee\s+also\b"
)
_BULLET = re.compile(r"^\s*(?:[\-•·▪◦*o>–]|\d{1,2}[.)]|[a-z][.)])\s+")
_SMALL_WORDS = {"and", "of", "the", "in", "on", "for", "to", "with", "a", "an", "or", "at", "by"}
# fmt: off
ACRONYMS = frozenset((
    "CSE", "CCE", "SEND", "SEN", "RSE", "RSHE", "PSHE", "DSL", "KCSIE", "ICT", "EYFS", "LAC",
    "CLA", "GDPR", "FGM", "HR", "IT", "UK", "CPD", "LADO", "MAT", "CP", "SMSC", "PE", "DBS",
    "CCTV", "AUP", "SRE", "EAL", "PREVENT", "CIC", "LGB", "CEO", "HT", "SLT", "DDSL",
))
# fmt: on


def smart_title(text: str) -> str:
    """Title case for a heading written in capitals or lower case: small words lower,
    acronyms kept ("CHILD SEXUAL EXPLOITATION (CSE) POLICY" -> "Child Sexual Exploitation
    (CSE) Policy")."""
    words = text.split()
    result = []
    for position, word in enumerate(words):
        core = re.sub(r"[^A-Za-z]", "", word)
        if core.upper() in ACRONYMS or (word.startswith("(") and core.isupper() and len(core) <= 6):
            result.append(word.upper() if core.upper() in ACRONYMS else word)
        elif position > 0 and core.lower() in _SMALL_WORDS:
            result.append(word.lower())
        else:
            result.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(result)


def _clean_name(name: str) -> str | None:
    name = re.sub(r"\s+", " ", name).strip(" -–/&,")
    # "the Academy's Online Safety", "St. Bart's Child Protection": drop up to a possessive.
    # A word is tried from its first character only: the rest of it could only match the same.
    possessive = list(re.finditer(r"(?<!\S)\S+['’]s\s+", name))
    if possessive:
        name = name[possessive[-1].end() :]
    words = name.split()
    while words and (words[0].lower() in _GENERIC_WORDS or words[0].lower() in _SMALL_WORDS):
        words = words[1:]
    if not words or all(w.lower().strip("()") in _GENERIC_WORDS for w in words):
        return None
    return " ".join(words)


def _split_plural(name: str) -> list[str]:
    # linear: every caller has made each run of spaces in the name one space
    parts = re.split(r"\s*,\s*|\s+(?:and|&)\s+", name)
    return [p for p in parts if p]


def find_linked_policies(
    paragraphs: list[str], list_lines: list[str], own_title: str | None
) -> list[str]:
    """Other policies the document refers to, in order of first mention, each once."""
    own_keys = set()
    if own_title:
        own_keys = {
            normalise_label(own_title),
            normalise_label(without_parentheses(own_title, "")),
        }
    found: dict[str, str] = {}

    def add(name: str) -> None:
        key = normalise_label(name)
        stripped = normalise_label(without_parentheses(name, ""))
        if not key or key in own_keys or stripped in own_keys:
            return
        # the cover's "Oakfield Trust Safeguarding Policy" next to a title without the trust
        if any(own and (own in key or own in stripped) for own in own_keys):
            return
        if _known_title(name) or re.search(r"\b(?:Act|Regulations)\s+\d{4}\b", name):
            return
        # `found` is keyed by each name's normalise_label, so this asks whether the name without
        # its brackets is one already found (rebuilding that set for every name was quadratic)
        if key not in found and stripped not in found:
            found[key] = name

    for text in paragraphs:
        for match in _POLICY_NAME.finditer(_first_capitals_only(text)):
            name = _clean_name(text[slice(*match.span("name"))])
            if not name:
                continue
            if match.group("term") == "Policies" and re.search(r",|\band\b|&", name):
                for part in _split_plural(name):
                    cleaned = _clean_name(part)
                    if cleaned:
                        add(f"{cleaned} Policy")
            else:
                add(f"{name} Policy")
        for match in _CODE_OF_CONDUCT.finditer(text):
            name = _clean_name(match.group("name") or "")
            add(f"{name} Code of Conduct" if name else "Code of Conduct")
        for match in _LOWER_MENTION.finditer(text):
            words = match.group("words").split()
            if any(w in _GENERIC_WORDS - {"and"} for w in words):
                continue
            phrase = " ".join(words)
            if match.group("term") == "policies" and " and " in f" {phrase} ":
                for part in _split_plural(phrase):
                    if part.split() and not set(part.split()) & _GENERIC_WORDS:
                        add(smart_title(part) + " Policy")
            elif "and" not in words or match.group("term") == "policy":
                add(smart_title(phrase) + " Policy")
    for item in list_lines:
        add(item)
    return list(found.values())


def related_list_items(lines: list[str]) -> list[str]:
    """Items listed after "Related policies", "This policy should be read alongside:" and the
    like: short lines, bulleted or not, up to the next blank gap or paragraph."""
    items: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if _LIST_INTRO.search(line) and (
            line.endswith(":") or len(line.split()) <= 6 or line.endswith("include")
        ):
            index += 1
            blank_run = 0
            while index < len(lines) and len(items) < 60:
                candidate = lines[index].strip()
                if not candidate:
                    blank_run += 1
                    if blank_run >= 2 or (
                        items and blank_run >= 1 and not _next_is_item(lines, index)
                    ):
                        break
                    index += 1
                    continue
                blank_run = 0
                text = _BULLET.sub("", candidate).strip().rstrip(";,.")
                if (
                    len(text.split()) > 12
                    or not text[:1].isupper()
                    or text.endswith(":")
                    or re.match(r"^\d+(?:\.\d+)*\.?\s+[A-Z]", candidate)
                ):
                    break
                if not (_known_title(text) or re.search(r"\b(?:Act|Regulations)\s+\d{4}", text)):
                    for part in _split_on_semicolons(text):
                        if part:
                            items.append(part)
                index += 1
            continue
        index += 1
    return items


def _split_on_semicolons(text: str) -> list[str]:
    """The text split at each ";", the spaces around each ";" dropped and those at the ends of
    the text kept: what the pattern "\\s*;\\s*" split it into, without that pattern's rescanning
    of a long run of spaces from every space in it."""
    pieces = text.split(";")
    last = len(pieces) - 1
    parts = []
    for index, piece in enumerate(pieces):
        if index > 0:
            piece = piece.lstrip()
        if index < last:
            piece = piece.rstrip()
        parts.append(piece)
    return parts


def _next_is_item(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 : index + 3]:
        if line.strip():
            return bool(_BULLET.match(line)) or len(line.split()) <= 8
    return False
