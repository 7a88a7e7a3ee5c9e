"""The bulk customer import: create, update by account number, report bad rows, write nothing twice."""

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from crm.errors import InvalidInput
from crm.models import AuditEntry, Customer, CustomerPhone
from crm.services.customers import importer
from crm.services.customers.import_file import read_csv
from crm.services.customers.importer import import_customers

HEADER = "account_no,name,id_number,phones,email,branch,manager,assets,turnover_rate,risk_tolerance,is_vip\n"


def run_import(db, text, **options):
    report = import_customers(db.session, read_csv(io.StringIO(text)), source="customers.csv", **options)
    db.session.commit()
    return report


def csv_text(header, rows):
    return "\n".join([header, *rows]) + "\n"


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def customer(db, account_no):
    db.session.expire_all()
    return db.session.scalar(select(Customer).where(Customer.account_no == account_no))


@pytest.fixture
def sample(branch, agent):
    return HEADER + (
        f"C001,张三,110101199003077774,13800138000;021-6888 8888,zs@example.com,{branch.code},{agent.job_no},"
        "6000000,4,high,1\n"
        f"C002,李四,,+86 139 0013 9000,,{branch.code},,20000,0.5,,0\n"
        f"C003,王五,,13700137000,,{branch.code},,0,0,,\n"
    )


def test_import_creates_customers_with_normalised_phones_and_computed_class(db, clock, sample, agent):
    report = run_import(db, sample)

    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    zhang = customer(db, "C001")
    assert zhang.name == "张三" and zhang.manager_id == agent.id and zhang.is_vip
    assert [p.e164 for p in zhang.phones] == ["+8613800138000", "+862168888888"]
    assert zhang.assets == Decimal("6000000") and zhang.customer_class == "A+"
    assert customer(db, "C002").customer_class == "E"
    assert customer(db, "C003").customer_class == "G"


def test_reimporting_the_same_file_changes_nothing(db, clock, sample):
    run_import(db, sample)
    stamps = dict(db.session.execute(select(Customer.account_no, Customer.updated_at)).all())
    counts = (count(db, Customer), count(db, CustomerPhone), count(db, AuditEntry))
    clock.advance(timedelta(hours=1))

    report = run_import(db, sample)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert (count(db, Customer), count(db, CustomerPhone), count(db, AuditEntry)) == counts
    db.session.expire_all()
    assert dict(db.session.execute(select(Customer.account_no, Customer.updated_at)).all()) == stamps


def test_bad_rows_are_reported_with_line_numbers_and_good_rows_kept(db, clock, branch):
    text = (
        "account_no,name,phones,branch,assets,status\n"
        f"G001,好客户,13800138000,{branch.code},100,active\n"
        f"B001,坏电话,123,{branch.code},100,active\n"
        f"B002,坏资产,13800138001,{branch.code},lots,frozen\n"
        "B003,未知营业部,13800138002,XX99,100,active\n"
        f"G001,重复,13800138003,{branch.code},100,active\n"
        ",没有账号,13800138004,,,\n"
        f"G002,另一个好客户,13800138005,{branch.code},,\n"
    )

    report = run_import(db, text)

    assert [str(error) for error in report.errors] == [
        "line 3: phones: number 1 is not a valid phone number",
        "line 4: assets: 'lots' is not a number",
        "line 4: status: 'frozen' is not one of prospect, active, closed",
        "line 5: branch: no branch with code 'XX99'",
        "line 6: account_no: 'G001' is already on line 2",
        "line 7: account_no: required",
    ]
    assert (report.created, report.rejected) == (2, 5)
    assert sorted(db.session.scalars(select(Customer.account_no))) == ["G001", "G002"]


def test_changed_row_updates_the_customer_and_audits_with_the_file_as_evidence(db, clock, sample, agent, make):
    run_import(db, sample)
    successor = make.staff(role="agent", branch=agent.branch)
    clock.advance(timedelta(days=1))
    first_row = sample.splitlines()[1]
    changed_row = (
        f"C001,张三,110101199003077774,13800138000;13900000001,zs@new.cn,{agent.branch.code},{successor.job_no},"
        "600000,1,medium,1"
    )

    report = run_import(db, sample.replace(first_row, changed_row))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    zhang = customer(db, "C001")
    assert (zhang.email, zhang.manager_id, zhang.risk_tolerance) == ("zs@new.cn", successor.id, "medium")
    assert zhang.customer_class == "D" and zhang.updated_at == clock.at
    assert [p.e164 for p in zhang.phones] == ["+8613800138000", "+862168888888", "+8613900000001"]
    audit = db.session.execute(select(AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value))
    assert sorted(audit) == [
        ("customer_class", "A+", "D"),
        ("email", "zs@example.com", "zs@new.cn"),
        ("manager", agent.job_no, successor.job_no),
        ("phones", "+8613800138000, +862168888888", "+8613800138000, +862168888888, +8613900000001"),
        ("risk_tolerance", "high", "medium"),
    ]
    assert set(db.session.scalars(select(AuditEntry.evidence))) == {"import customers.csv"}


def test_blank_cells_keep_what_the_customer_has(db, clock, sample):
    run_import(db, sample)

    report = run_import(db, "account_no,name,email,assets\nC001,,,7000000\n")

    zhang = customer(db, "C001")
    assert report.updated == 1
    assert (zhang.name, zhang.email, zhang.assets, len(zhang.phones)) == ("张三", "zs@example.com", 7000000, 2)


def test_amounts_beyond_their_columns_and_a_wrong_check_digit_are_refused_as_by_the_api(db, clock, branch):
    text = (
        "account_no,name,branch,id_number,assets,turnover_rate\n"
        f"G001,最大,{branch.code},11010119800101007x,9999999999999999.99,999999.9999\n"
        f"B001,校验位错,{branch.code},310101199001011235,,\n"
        f"B002,资产太多,{branch.code},,10000000000000000,\n"
        f"B003,换手太高,{branch.code},,,1000000\n"
        f"B004,四舍五入太多,{branch.code},,9999999999999999.995,\n"
    )

    report = run_import(db, text)

    assert [str(error) for error in report.errors] == [
        "line 3: id_number: the ID number has a wrong check digit",
        "line 4: assets: '10000000000000000' is out of range",
        "line 5: turnover_rate: '1000000' is out of range",
        "line 6: assets: '9999999999999999.995' is out of range",
    ]
    assert (report.created, customer(db, "G001").id_number) == (1, "11010119800101007X")


def test_a_new_customer_needs_a_name_and_a_branch(db, clock, branch):
    report = run_import(db, "account_no,name,branch\nN001,,\nN002,有名字,\n")

    assert [str(error) for error in report.errors] == [
        "line 2: name: required for a new customer",
        "line 2: branch: required for a new customer",
        "line 3: branch: required for a new customer",
    ]
    assert count(db, Customer) == 0


def test_default_branch_fills_blank_branch_cells(db, clock, branch):
    report = run_import(db, "account_no,name\nN001,赵六\n", default_branch=branch.code)

    assert report.created == 1 and customer(db, "N001").branch_id == branch.id


def test_a_manager_from_another_branch_is_refused(db, clock, make, branch):
    stranger = make.staff(role="agent", branch=make.branch())

    report = run_import(db, f"account_no,name,branch,manager\nN001,赵六,{branch.code},{stranger.job_no}\n")

    assert [str(error) for error in report.errors] == [f"line 2: manager: '{stranger.job_no}' works in another branch"]


def test_an_unknown_column_stops_the_import_before_anything_is_written(db):
    with pytest.raises(InvalidInput) as raised:
        list(read_csv(io.StringIO("account_no,name,phone\nC1,张三,13800138000\n")))

    assert raised.value.fields == {"header": ["Unknown column 'phone'."]}


def test_a_header_naming_a_column_twice_stops_the_import(db):
    with pytest.raises(InvalidInput) as raised:
        list(read_csv(io.StringIO("account_no,name,Name\nC1,张三,李四\n")))

    assert raised.value.fields == {"header": ["Column 'name' appears twice."]}


def test_a_cell_past_the_csv_size_limit_is_one_bad_row(db, clock, branch):
    huge = "x" * 200_000

    report = run_import(db, f'account_no,name\nC1,"{huge}"\nC2,王五\n', default_branch=branch.code)

    assert [str(error) for error in report.errors] == ["line 2: row: field larger than field limit (131072)"]
    assert (report.created, report.rejected) == (1, 1)


def test_rows_spanning_several_batches_are_all_imported(db, clock, branch):
    rows = "".join(f"K{n:03d},客户{n},1380013{n:04d}\n" for n in range(7))
    batches = []

    report = run_import(
        db, "account_no,name,phones\n" + rows, default_branch=branch.code, batch_size=3, progress=batches.append
    )

    assert report.created == 7 and batches == [3, 3, 1]
    assert count(db, CustomerPhone) == 7


def test_the_sample_file_in_scripts_imports_cleanly_into_the_demo_branches(db, clock, make):
    for code, job_nos in (("SH01", ("1101", "1102")), ("BJ01", ("2101", "2102"))):
        branch = make.branch(code=code)
        for job_no in job_nos:
            make.staff(role="agent", branch=branch, job_no=job_no)
    sample = Path(__file__).resolve().parents[2] / "scripts" / "sample_customers.csv"

    report = run_import(db, sample.read_text(encoding="utf-8"))

    assert (report.created, report.errors) == (5, [])
    classes = dict(db.session.execute(select(Customer.account_no, Customer.customer_class)).all())
    assert classes == {
        "310199000001": "A+",
        "110199000002": "D",
        "310199000003": "E",
        "110199000004": "G",
        "310199000005": "G",
    }


def test_changes_and_repeats_are_found_across_batch_boundaries(db, clock, branch):
    rows = [f"K{n},客户{n},1380013{n:04d}" for n in range(6)]
    run_import(db, csv_text("account_no,name,phones", rows), default_branch=branch.code, batch_size=2)
    rows[1] = "K1,改名,13800130001"
    rows[4] = "K4,客户4,13800130004;13900130004"
    rows.append("K2,重复,13800130002")

    report = run_import(
        db, "account_no,name,phones\n" + "\n".join(rows) + "\n", default_branch=branch.code, batch_size=2
    )

    assert (report.created, report.updated, report.unchanged) == (0, 2, 4)
    assert [str(error) for error in report.errors] == ["line 8: account_no: 'K2' is already on line 4"]
    assert customer(db, "K1").name == "改名" and len(customer(db, "K4").phones) == 2


STATISTICS_ROWS = {
    "sqlite": "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'customer_phones'",
    "postgresql": "SELECT count(*) FROM pg_stats WHERE tablename = 'customer_phones' AND attname = 'e164'",
}


def test_a_big_import_refreshes_the_planner_statistics(db, clock, branch, monkeypatch):
    monkeypatch.setattr(importer, "ANALYZE_AFTER_ROWS", 3)
    rows = [f"S{n},客户{n},1380013{n:04d}" for n in range(3)]

    run_import(db, csv_text("account_no,name,phones", rows), default_branch=branch.code)

    statistics = STATISTICS_ROWS[db.engine.dialect.name]
    assert db.session.execute(text(statistics)).scalar() > 0
