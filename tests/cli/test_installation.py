"""The operator commands, run as ``flask --app wsgi kefu …`` would run them."""

import pytest
from sqlalchemy import func, select

from crm.models import Branch, Customer, PhoneLine, Staff
from crm.services.org.duty import Roster


def test_create_user_prints_a_working_api_token_as_its_last_line(kefu, client, branch):
    result = kefu("create-user", "--job-no", "7001", "--name", "张三", "--role", "agent", "--branch", branch.code)

    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["job_no"] == "7001" and response.json["role"] == "agent"


def test_token_prints_a_new_working_api_token_for_a_demo_user_in_one_step(kefu, client, agent):
    result = kefu("token", "--job-no", agent.job_no)

    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json["job_no"] == agent.job_no
    assert client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {agent.token}"}).status_code == 200


def test_token_refuses_an_unknown_job_number(kefu, db):
    result = kefu("token", "--job-no", "0000")
    assert result.exit_code == 1
    assert "No active staff member with job number 0000" in result.output


def test_create_user_admin_needs_no_branch_and_may_get_a_console_password(kefu, db):
    result = kefu("create-user", "--job-no", "9001", "--name", "王建国", "--role", "admin", "--password", "s3cret-pass")

    assert result.exit_code == 0, result.output
    from crm.services.org.staff import check_login

    assert check_login(db.session, "9001", "s3cret-pass").role == "admin"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "agent", "--branch", "NOPE"], "No branch with code 'NOPE'."),
        (["--role", "agent"], "Agents and supervisors belong to a branch."),
        (["--role", "agent", "--branch", "{branch}", "--job-no", "{taken}"], "is taken."),
        (["--role", "agent", "--branch", "{branch}", "--password", "short"], "Password too short."),
    ],
)
def test_create_user_refuses_bad_input_with_a_message_and_writes_nothing(kefu, db, agent, args, message):
    args = [arg.format(branch=agent.branch.code, taken=agent.job_no) for arg in args]
    job_no = [] if "--job-no" in args else ["--job-no", "7002"]

    result = kefu("create-user", *job_no, "--name", "李四", *args)

    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(Staff)) == 1


def test_create_user_refuses_an_unknown_role(kefu):
    result = kefu("create-user", "--job-no", "7003", "--name", "李四", "--role", "boss")

    assert result.exit_code == 2 and "'boss' is not one of" in result.output


def test_create_user_on_duty_makes_a_supervisor_the_one_paged_about_complaints(kefu, db, branch, supervisor):
    result = kefu(
        "create-user",
        "--job-no",
        "7004",
        "--name",
        "值班主管",
        "--role",
        "supervisor",
        "--branch",
        branch.code,
        "--on-duty",
    )

    assert result.exit_code == 0, result.output
    on_duty = db.session.scalar(select(Staff).where(Staff.job_no == "7004"))
    assert Roster(db.session).on_duty(branch.id) == [on_duty]


def test_add_line_registers_a_number_in_e164_for_the_branch(kefu, db, branch):
    result = kefu("add-line", "--number", "021-6888 8888", "--line", "wealth_club", "--branch", branch.code)

    assert result.exit_code == 0, result.output
    assert "+862168888888" in result.output
    line = db.session.scalar(select(PhoneLine))
    assert (line.number, line.line, line.branch_id) == ("+862168888888", "wealth_club", branch.id)


@pytest.mark.parametrize(
    ("number", "branch_code", "message"),
    [
        ("+862168888888", "{branch}", "+862168888888 is already a phone line."),
        ("12345", "{branch}", "is not a valid phone number."),
        ("021 6888 8889", "NOPE", "No branch with code 'NOPE'."),
    ],
)
def test_add_line_refuses_a_taken_bad_or_branchless_number_and_exits_1(kefu, db, branch, number, branch_code, message):
    kefu("add-line", "--number", "021 6888 8888", "--line", "hotline", "--branch", branch.code)

    result = kefu(
        "add-line", "--number", number, "--line", "hotline", "--branch", branch_code.format(branch=branch.code)
    )

    assert result.exit_code == 1 and message in result.output
    assert db.session.scalars(select(PhoneLine.number)).all() == ["+862168888888"]


def test_create_branch_adds_a_branch_and_refuses_a_taken_code(kefu, db):
    first = kefu("create-branch", "--code", "SZ01", "--name", "深圳福田营业部", "--hotline", "+8675588888888")
    again = kefu("create-branch", "--code", "SZ01", "--name", "重复")

    assert first.exit_code == 0 and again.exit_code == 1 and "SZ01 is taken" in again.output
    assert db.session.scalars(select(Branch.name)).all() == ["深圳福田营业部"]


def test_import_customers_reports_bad_rows_keeps_good_ones_and_exits_1(kefu, db, clock, branch, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(
        "account_no,name,phones\nC1,张三,13800138000\nC2,李四,123\nC3,王五,13900139000 / 021-68888888\n",
        encoding="utf-8",
    )

    result = kefu("import-customers", str(path), "--branch", branch.code)

    assert result.exit_code == 1
    assert "line 3: phones: number 1 is not a valid phone number" in result.stderr
    assert "2 created, 0 updated, 0 unchanged, 1 rejected." in result.stdout
    assert sorted(db.session.scalars(select(Customer.account_no))) == ["C1", "C3"]


def test_reimporting_a_file_through_the_command_changes_nothing(kefu, db, clock, branch, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(f"account_no,name,phones,branch\nC1,张三,13800138000,{branch.code}\n", encoding="utf-8")
    kefu("import-customers", str(path))

    result = kefu("import-customers", str(path))

    assert result.exit_code == 0
    assert "0 created, 0 updated, 1 unchanged, 0 rejected." in result.stdout


def test_import_customers_with_an_unknown_column_or_branch_stops_before_writing(kefu, db, branch, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("account_no,name,phone\nC1,张三,13800138000\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("account_no,name\nC1,张三\n", encoding="utf-8")

    bad_header = kefu("import-customers", str(path), "--branch", branch.code)
    bad_branch = kefu("import-customers", str(good), "--branch", "NOPE")

    assert bad_header.exit_code == 1 and "account_no column and only known columns" in bad_header.output
    assert bad_branch.exit_code == 1 and "No branch with code 'NOPE'." in bad_branch.output
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_import_customers_reads_gbk_files_from_excel(kefu, db, branch, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(f"account_no,name,branch\nC1,张三,{branch.code}\n".encode("gbk"))

    result = kefu("import-customers", str(path), "--encoding", "gbk")

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Customer.name)) == "张三"


def test_import_customers_reports_rows_with_extra_cells_nul_or_foreign_bytes_and_keeps_the_rest(
    kefu, db, branch, tmp_path
):
    path = tmp_path / "customers.csv"
    lines = [
        b"account_no,name,phones\n",
        "C1,张三,13800138000\n".encode(),
        "C2,李四,13800138001,多余,单元格\n".encode(),
        "C3,王\x00五,13800138002\n".encode(),
        b"C4," + "赵六".encode("gbk") + b",13800138003\n",
        "C5,钱七,13800138004,,\n".encode(),  # blank cells past the header, as spreadsheets write them
    ]
    path.write_bytes(b"".join(lines))

    result = kefu("import-customers", str(path), "--branch", branch.code)

    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-3:] == [
        "line 3: row: 5 cells where the header has 3",
        "line 4: name: contains a NUL character",
        "line 5: name: is not text in the file's encoding",
    ]
    assert "2 created, 0 updated, 0 unchanged, 3 rejected." in result.stdout
    assert sorted(db.session.scalars(select(Customer.account_no))) == ["C1", "C5"]


def test_import_customers_reads_old_mac_line_endings(kefu, db, branch, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(f"account_no,name,branch\rC1,张三,{branch.code}\rC2,李四,{branch.code}\r".encode())

    result = kefu("import-customers", str(path))

    assert result.exit_code == 0, result.output
    assert sorted(db.session.scalars(select(Customer.name))) == ["张三", "李四"]


def test_a_file_not_in_the_encoding_given_gets_one_message_suggesting_gbk_and_writes_nothing(
    kefu, db, branch, tmp_path
):
    path = tmp_path / "excel.csv"
    path.write_bytes(f"account_no,name,branch\nC1,Zhang,{branch.code}\nC2,张三,{branch.code}\n".encode("gbk"))

    result = kefu("import-customers", str(path))

    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines()[-1] == (
        "Error: The file is not utf-8-sig text (line 3 cannot be read as utf-8-sig). "
        "Run the import again with --encoding gbk."
    )
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_a_utf8_file_read_as_gbk_or_an_unknown_encoding_is_refused_with_a_message(kefu, db, branch, tmp_path):
    path = tmp_path / "utf8.csv"
    path.write_bytes(f"account_no,name,branch\nC1,张三,{branch.code}\n".encode("utf-8-sig"))

    as_gbk = kefu("import-customers", str(path), "--encoding", "gbk")
    unknown = kefu("import-customers", str(path), "--encoding", "big-5-ish")

    assert as_gbk.exit_code == 1 and "Run the import again with --encoding utf-8-sig." in as_gbk.output
    assert unknown.exit_code == 1 and "Unknown encoding 'big-5-ish'." in unknown.output
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_seed_demo_prints_the_logins_once_and_then_leaves_the_data_alone(kefu, db, clock, monkeypatch):
    from crm.services.demo import seed

    monkeypatch.setattr(seed, "CUSTOMERS_PER_BRANCH", 12)

    first = kefu("seed-demo")
    customers = db.session.scalar(select(func.count()).select_from(Customer))
    again = kefu("seed-demo")

    assert first.exit_code == 0 and again.exit_code == 0
    assert "password for all: kefu-demo" in first.output
    assert "9001    admin       all     王建国" in first.output
    assert "Demo data not loaded: the database already has staff or customers." in again.output
    assert db.session.scalar(select(func.count()).select_from(Customer)) == customers == 24


def test_load_defaults_adds_scripts_and_surveys_once(app, db):
    from sqlalchemy import func, select

    from crm.models import Script, Survey

    runner = app.test_cli_runner()
    first = runner.invoke(args=["kefu", "load-defaults"])
    assert first.exit_code == 0, first.output
    scripts = db.session.scalar(select(func.count()).select_from(Script))
    surveys = db.session.scalar(select(func.count()).select_from(Survey))
    assert scripts > 0 and surveys == 2
    again = runner.invoke(args=["kefu", "load-defaults"])
    assert (
        first.output.startswith("Defaults added: ")
        and "scripts, 2 surveys, 8 SMS templates, 10 marketing words, 2 quota targets, 11 contact cadences, "
        "31 QA phrases. Already there: deadline policies."
        in first.output
    )
    assert again.output.strip() == (
        "Nothing added: the defaults were already there "
        "(deadline policies, scripts, surveys, SMS templates, marketing words, quota targets, contact cadences, "
        "QA phrases)."
    )
    assert db.session.scalar(select(func.count()).select_from(Script)) == scripts
