"""One child across the trust (issue 20.1): `anonymise --trust-key-file` adds trust_pupil_ref,
the pupil's pseudonym under the trust's linking key, beside the academy's own pupil_ref. The
same UPN gives one trust pseudonym at every academy and a different academy pseudonym at each;
the ingest takes the column and refuses anything that is not a trust pseudonym."""

from __future__ import annotations

import re

import duckdb
import pytest
from conftest import TODAY
from test_anonymise import (
    ACADEMIES,
    MAPPING,
    RAW_ROWS,
    UPNS,
    assert_no_secrets,
    out_rows,
    write_raw,
)

from safeguarding import anonymise, cli
from safeguarding.anonymise import AnonymiseRefused, anonymise_file
from safeguarding.ingest import ingest_files

TWO_ACADEMIES = ACADEMIES + "ELM,Demo Elm,secondary\n"


@pytest.fixture
def trust(tmp_path):
    """Two academies, each with its own key and mapping, and the trust's linking key."""
    for code in ("OAK", "ELM"):
        folder = tmp_path / code.lower()
        folder.mkdir()
        (folder / "mapping.toml").write_text(
            MAPPING.replace('academy_code = "OAK"', f'academy_code = "{code}"')
        )
        anonymise.create_key(folder / "academy.key")
    anonymise.create_key(tmp_path / "trust-link.key")
    return tmp_path


def export(trust, code, rows=RAW_ROWS, trust_key=True):
    folder = trust / code.lower()
    raw = write_raw(folder, "utf-8", rows=rows)
    summary = anonymise_file(
        raw,
        folder / "mapping.toml",
        folder / "academy.key",
        folder / "out.csv",
        trust_key_path=trust / "trust-link.key" if trust_key else None,
    )
    return summary, folder / "out.csv"


def test_one_upn_gives_one_trust_pseudonym_and_two_academy_pseudonyms(trust):
    _, oak = export(trust, "OAK")
    # the first child moves to ELM: the same UPN in ELM's own export
    summary, elm = export(trust, "ELM", rows=[RAW_ROWS[0]])
    oak_rows, elm_rows = out_rows(oak), out_rows(elm)
    assert oak_rows[0]["trust_pupil_ref"] == elm_rows[0]["trust_pupil_ref"]
    assert oak_rows[0]["pupil_ref"] != elm_rows[0]["pupil_ref"]
    assert re.fullmatch(r"T-[A-Z2-7]{16}", elm_rows[0]["trust_pupil_ref"])
    # different children, different trust pseudonyms; one child's two concerns, one
    assert len({r["trust_pupil_ref"] for r in oak_rows}) == 3
    assert oak_rows[0]["trust_pupil_ref"] == oak_rows[1]["trust_pupil_ref"]
    assert summary.trust_linked == 1
    # beside pupil_ref, in the contract's order
    header = oak.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[-1] == "trust_pupil_ref"
    assert "pupils linked across the trust" in anonymise.format_summary(summary)


def test_no_raw_identifier_reaches_the_output_and_the_trust_ref_is_no_academy_ref(trust):
    _, oak = export(trust, "OAK")
    assert_no_secrets(oak.read_bytes())
    rows = out_rows(oak)
    assert not {r["trust_pupil_ref"] for r in rows} & {r["pupil_ref"] for r in rows}
    assert not any(upn in oak.read_text() for upn in UPNS)


def test_without_a_trust_key_the_column_is_not_written(trust):
    summary, oak = export(trust, "OAK", trust_key=False)
    assert "trust_pupil_ref" not in out_rows(oak)[0]
    assert summary.trust_linked is None


def test_the_trust_key_must_not_be_the_academy_key_and_only_linked_datasets_take_it(trust):
    folder = trust / "oak"
    raw = write_raw(folder, "utf-8")
    with pytest.raises(AnonymiseRefused, match="academy's own key"):
        anonymise_file(
            raw,
            folder / "mapping.toml",
            folder / "academy.key",
            folder / "out.csv",
            trust_key_path=folder / "academy.key",
        )
    staff_mapping = folder / "staff.toml"
    staff_mapping.write_text(
        'dataset = "staff"\nacademy_code = "OAK"\n\n[columns]\n'
        'staff_ref = { from = "UPN", pseudonymise = "staff" }\nrole = "Status"\n'
        'start_date = "Date Added"\n'
    )
    with pytest.raises(AnonymiseRefused, match="only concerns, referrals and transfers"):
        anonymise_file(
            raw,
            staff_mapping,
            folder / "academy.key",
            folder / "staff.csv",
            trust_key_path=trust / "trust-link.key",
        )
    mapped = folder / "mapped.toml"
    mapped.write_text(
        MAPPING.replace(
            'pupil_ref = { from = "UPN", pseudonymise = "pupil" }',
            'pupil_ref = { from = "UPN", pseudonymise = "pupil" }\ntrust_pupil_ref = "Incident ID"',
        )
    )
    with pytest.raises(AnonymiseRefused, match="only --trust-key-file writes"):
        anonymise_file(raw, mapped, folder / "academy.key", folder / "out.csv")


def test_the_command_line_creates_and_uses_the_trust_key(trust, capsys):
    folder = trust / "oak"
    raw = write_raw(folder, "utf-8")
    new_key = trust / "new-trust.key"
    command = [
        "anonymise",
        str(raw),
        "--mapping",
        str(folder / "mapping.toml"),
        "--key-file",
        str(folder / "academy.key"),
        "--out",
        str(folder / "cli.csv"),
        "--trust-key-file",
        str(new_key),
    ]
    assert cli.main([*command, "--new-trust-key"]) == cli.EXIT_OK
    assert "new trust linking key created" in capsys.readouterr().out
    assert new_key.stat().st_mode & 0o077 == 0
    first = out_rows(folder / "cli.csv")
    assert cli.main(command) == cli.EXIT_OK  # the same key again: the same pseudonyms
    assert out_rows(folder / "cli.csv") == first
    assert cli.main([*command, "--new-trust-key"]) == cli.EXIT_REFUSED  # never replaced
    assert cli.main([*command[:8], "--new-trust-key"]) == cli.EXIT_USAGE


def ingest(tmp_path, path, academy):
    db = tmp_path / "t.duckdb"
    academies = tmp_path / "academies.csv"
    academies.write_text(TWO_ACADEMIES)
    ingest_files([academies], db=db, today=TODAY)
    [result] = ingest_files([path], db=db, academy=academy, today=TODAY)
    return result, db


def test_the_ingest_keeps_the_trust_pseudonym_on_both_academies_rows(trust):
    _, oak = export(trust, "OAK")
    _, elm = export(trust, "ELM", rows=[RAW_ROWS[0]])
    result, db = ingest(trust, oak, "OAK")
    assert result.status == "loaded" and result.rows_loaded == 4
    [result] = ingest_files([elm], db=db, academy="ELM", today=TODAY)
    assert result.status == "loaded"
    with duckdb.connect(str(db), read_only=True) as con:
        linked = con.execute(
            "select trust_pupil_ref, count(distinct academy_code), count(distinct pupil_ref) "
            "from concerns group by 1 having count(distinct academy_code) > 1"
        ).fetchall()
    assert linked == [(out_rows(elm)[0]["trust_pupil_ref"], 2, 2)]


@pytest.mark.parametrize(
    "value, why",
    [
        (UPNS[0], "is a real UPN"),
        ("P-ABCDEFGHIJKLMNOP", "is not a trust pseudonym"),
        ("T-abc", "is not a trust pseudonym"),
    ],
)
def test_the_ingest_refuses_a_trust_ref_that_is_no_trust_pseudonym(tmp_path, value, why):
    path = tmp_path / "concerns.csv"
    path.write_text(
        "concern_id,pupil_ref,logged_at,category,trust_pupil_ref\n"
        f"C1,P-ABCDEFGHIJKLMNOP,2026-03-02 10:00,neglect,{value}\n"
        "C2,P-ABCDEFGHIJKLMNOQ,2026-03-02 11:00,neglect,T-ABCDEFGHIJKLMNOP\n"
    )
    result, _db = ingest(tmp_path, path, "OAK")
    assert result.rows_loaded == 1 and result.rows_quarantined == 1
    reasons = " ".join(str(q) for q in result.quarantined)
    assert why in reasons and value not in reasons  # the value itself is never repeated
