"""Which dataset a file is, header aliases, and refusals for headers."""

from __future__ import annotations

import pytest
from conftest import rows, table_checksums

from safeguarding.ingest.aliases import ConfigError, load_aliases


@pytest.mark.parametrize(
    ("header", "dataset"),
    [
        ("academy_code,academy_name,phase", "academies"),
        ("concern_id,pupil_ref,logged_at,category", "concerns"),
        # a referrals file that also names the concern it came from is still referrals
        ("referral_id,agency,referred_at,concern_id,pupil_ref", "referrals"),
        ("staff_ref,role,start_date", "staff"),
        ("staff_ref,course,completed_on,kcsie_edition", "training"),
        ("academy_code,policy_title,next_review_on", "policies"),
    ],
)
def test_dataset_is_detected_from_headers(trust, header, dataset):
    result = trust("export.csv", header + "\n", academy="OAK")
    assert (result.status, result.dataset) == ("loaded", dataset)


def test_headers_match_ignoring_case_spaces_and_punctuation_and_through_aliases(trust, db):
    text = "Concern-ID,PUPIL REF,Date Logged,Concern Category\nC1,PUP-1,2026-03-02,CSE\n"
    result = trust("c.csv", text, academy="OAK")
    assert result.rows_loaded == 1
    assert rows(db, "select category, cse_flag from concerns") == [
        ("child_sexual_exploitation", True)
    ]


def test_headers_matching_no_dataset_are_refused(trust):
    result = trust("c.csv", "colour,size,weight\nred,1,2\n")
    assert result.status == "refused"
    assert "match none of the 7 datasets" in result.message and "--dataset" in result.message


def test_missing_required_column_is_refused_naming_it(trust, db):
    before = table_checksums(db)
    result = trust("c.csv", "concern_id,pupil_ref,category\nC1,PUP-1,neglect\n", academy="OAK")
    assert result.status == "refused"
    assert "concerns export but has no logged_at column" in result.message
    assert table_checksums(db) == before


def test_dataset_option_overrides_detection(trust):
    result = trust("c.csv", "concern_id,pupil_ref,logged_at,category\n", dataset="referrals")
    assert result.status == "refused" and "referrals export" in result.message


def test_two_headers_read_as_the_same_column_refuse_the_file(trust):
    result = trust("c.csv", "concern_id,pupil_ref,logged_at,Date Logged,category\n", academy="OAK")
    assert result.status == "refused" and "both read as logged_at" in result.message


def test_missing_academy_column_without_academy_option_is_refused(trust):
    result = trust("c.csv", "concern_id,pupil_ref,logged_at,category\nC1,P1,2026-03-02,neglect\n")
    assert result.status == "refused" and "--academy" in result.message


@pytest.mark.parametrize(
    "header",
    [
        "Pupil Name",
        "Surname",
        "DOB",
        "Date of Birth",
        "UPN",
        "Home Address",
        "Postcode",
        "Parent Email",
        "Phone",
        "Mobile",
        "NHS Number",
        "NI Number",
        "Description",
        "Notes",
        "Details",
        "Narrative",
        "Summary",
    ],
)
def test_identifying_or_free_text_headers_refuse_the_file(trust, db, header):
    before = table_checksums(db)
    result = trust("c.csv", f"concern_id,pupil_ref,logged_at,category,{header}\n", academy="OAK")
    assert result.status == "refused"
    assert "identifying or free-text" in result.message and "anonymise" in result.message
    assert table_checksums(db) == before


def test_contract_columns_that_contain_an_identifying_word_are_not_refused(trust):
    # academy_name contains "name" but is a contract column (and an alias "School Name")
    result = trust("a.csv", "academy_code,School Name,phase\nASH,Demo Ash,primary\n")
    assert result.status == "loaded" and result.rows_loaded == 1


def test_extra_columns_are_a_warning_and_not_stored(trust, db):
    result = trust(
        "c.csv",
        "concern_id,pupil_ref,logged_at,category,Colour\nC1,P1,2026-03-02,neglect,red\n",
        academy="OAK",
    )
    assert result.rows_loaded == 1
    assert any("'Colour'" in w and "not stored" in w for w in result.warnings)


def test_a_trust_extends_aliases_in_its_config_file(trust, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "aliases.toml").write_text(
        '[headers.concerns]\nlogged_at = ["When Entered"]\n'
        '[values.category]\nchild_on_child_abuse = ["Bullying (physical)"]\n'
    )
    monkeypatch.setenv("SAFEGUARDING_CONFIG", str(config))
    text = "concern_id,pupil_ref,When Entered,category\nC1,P1,2026-03-02,Bullying (physical)\n"
    result = trust("c.csv", text, academy="OAK")
    assert result.rows_loaded == 1 and result.warnings == []


def test_an_alias_pointing_two_ways_is_a_config_error_naming_the_file(tmp_path):
    path = tmp_path / "aliases.toml"
    path.write_text('[headers.concerns]\nlogged_at = ["When"]\nincident_at = ["When"]\n')
    with pytest.raises(ConfigError, match=r"aliases\.toml.*'When' points to both"):
        load_aliases(path)


def test_an_alias_to_a_value_outside_the_allowed_set_is_a_config_error(tmp_path):
    path = tmp_path / "aliases.toml"
    path.write_text('[values.agency]\nsocial_services = ["SS"]\n')
    with pytest.raises(ConfigError, match=r"\[values.agency\] social_services is not an allowed"):
        load_aliases(path)
