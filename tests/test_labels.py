"""Codes reach people as the contract's labels: one rule, in Python (contract.label) and in SQL
(the value_label model), held equal for every value the contract allows."""

from __future__ import annotations

import duckdb
import pytest

from safeguarding import contract, sql

EVERY_VALUE = sorted({value for values in contract.ENUMS.values() for value in values})


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    connection.execute(sql.load("models/value_label"))
    yield connection
    connection.close()


def test_sql_and_python_spell_every_contract_value_alike(con):
    spelled = con.execute(
        "select code, value_label(code) from unnest(?::varchar[]) as t(code)", [EVERY_VALUE]
    ).fetchall()
    assert {code: text for code, text in spelled} == {v: contract.label(v) for v in EVERY_VALUE}


@pytest.mark.parametrize(
    "code, text",
    [
        ("sharing_nudes", "Sharing nudes"),
        ("deputy_dsl", "Deputy DSL"),
        ("kcsie_annex_b", "KCSIE annex B"),
        ("camhs", "CAMHS"),
        ("section_47", "Section 47"),
        ("never_trained", "Never trained"),
        ("teacher", "Teacher"),
    ],
)
def test_labels_by_hand(code, text, con):
    assert contract.label(code) == text
    assert con.execute("select value_label(?)", [code]).fetchone()[0] == text


def test_a_missing_value_has_no_label(con):
    assert contract.label(None) is None
    assert con.execute("select value_label(null)").fetchone()[0] is None
