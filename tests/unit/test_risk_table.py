"""The risk-classification table (S2 §8.4): counts by band × class per branch, in SQL; CSV and Excel alike."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from crm.errors import Forbidden, InvalidInput
from crm.models.customers import CLASSES
from crm.services.quality import risk_table

DAY = date(2026, 11, 23)
A_PLUS, D_MINUS, G = ({"assets": Decimal("6000000"), "turnover_rate": Decimal("5")}, {}, {"assets": Decimal("0")})


@pytest.fixture
def two_branches(make):
    """Branch one: 2 A+ high, 1 D- low, 1 G not assessed, 1 closed (not counted). Branch two: 1 D- high."""
    one, two = make.branch(code="BR-1"), make.branch(code="BR-2")
    for fields in (A_PLUS, A_PLUS):
        make.customer(branch=one, risk_tolerance="high", **fields)
    make.customer(branch=one, risk_tolerance="low", **D_MINUS)
    make.customer(branch=one, **G)
    make.customer(branch=one, risk_tolerance="high", status="closed", **A_PLUS)
    make.customer(branch=two, risk_tolerance="high", **D_MINUS)
    return one, two


def _cell(rows, branch_code, band, klass):
    header = list(risk_table.HEADER)
    row = next(r for r in rows if r[1] == branch_code and r[3] == band)
    return row[header.index(klass)]


def test_counts_are_grouped_in_sql_by_branch_band_and_class_active_customers_only(db, two_branches):
    one, two = two_branches
    assert risk_table.counts(db.session) == {
        (one.id, "high", "A+"): 2,
        (one.id, "low", "D-"): 1,
        (one.id, None, "G"): 1,
        (two.id, "high", "D-"): 1,
    }
    assert risk_table.counts(db.session, two.id) == {(two.id, "high", "D-"): 1}


def test_the_table_has_a_block_per_branch_with_totals_then_all_branches(db, two_branches):
    one, two = two_branches
    branches = [("BR-1", one.name, one.id), ("BR-2", two.name, two.id)]
    rows = risk_table.table_rows(DAY, branches, risk_table.counts(db.session))

    assert len(rows) == 3 * 6  # two branches and all: five bands and a total each
    assert _cell(rows, "BR-1", "high", "A+") == 2
    assert _cell(rows, "BR-1", "not_assessed", "G") == 1
    assert _cell(rows, "BR-1", "total", "total") == 4
    assert _cell(rows, "BR-2", "very_low", "total") == 0
    assert _cell(rows, "ALL", "high", "D-") == 1
    assert _cell(rows, "ALL", "high", "total") == 3
    assert _cell(rows, "ALL", "total", "total") == 5
    assert {row[0] for row in rows} == {"2026-11-23"}


def test_csv_and_excel_carry_the_same_numbers(db, two_branches):
    params = {"branch_id": None, "day": DAY.isoformat()}
    files = {fmt: risk_table.build(db.session, None, params, fmt, lambda _: None) for fmt in ("csv", "xlsx")}

    from_csv = list(csv.reader(io.StringIO(files["csv"].content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(files["xlsx"].content)).active
    from_xlsx = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]

    assert from_csv == from_xlsx
    assert from_csv[0][5 : 5 + len(CLASSES)] == list(CLASSES)
    assert _cell(from_csv[1:], "ALL", "total", "total") == "5"
    assert files["csv"].filename == "risk-classification-2026-11-23-all.csv"
    assert files["xlsx"].content_type.startswith("application/vnd.openxmlformats")


def test_a_supervisor_gets_their_own_branch_and_no_other(db, make, two_branches):
    one, two = two_branches
    supervisor = make.staff(role="supervisor", branch=one)

    assert risk_table.scope(db.session, supervisor, {}, DAY) == ({"branch_id": one.id, "day": "2026-11-23"}, one.id)
    with pytest.raises(Forbidden):
        risk_table.scope(db.session, supervisor, {"branch_id": two.id}, DAY)
    admin = make.staff(role="admin")
    assert risk_table.scope(db.session, admin, {}, DAY)[1] is None
    with pytest.raises(InvalidInput):
        risk_table.scope(db.session, admin, {"branch": 1}, DAY)
