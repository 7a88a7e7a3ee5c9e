"""The risk-classification table (风险承受能力客户分类表, S2 §8.4): active customers counted by risk band
(very_low, low, medium, high, not assessed) × class (A+ … G), per branch, as CSV or Excel.

The counting is one GROUP BY over the customers; the band is the customer's current risk tolerance
(the latest confirmed assessment, or the manager's label), none meaning not assessed. A table covers one
branch, or every branch (one block of rows each, then the all-branch block) for admins. It is a report
kind of ``report_runs``: ``scope`` checks who may ask for which branch, ``build`` writes the file.
"""

from datetime import date

from sqlalchemy import func, select

from crm.errors import Forbidden, InvalidInput
from crm.models import Branch, Customer
from crm.models.customers import BANDS, CLASSES
from crm.services.org.organisation import branch_by_id
from crm.services.quality.report_files import table_file

KIND = "risk_classification"
NOT_ASSESSED = "not_assessed"
ROW_BANDS = (*BANDS, NOT_ASSESSED)
BAND_LABELS = {"very_low": "极低", "low": "低", "medium": "中", "high": "高", NOT_ASSESSED: "未评估"}
TOTAL = "total"
ALL_BRANCHES = ("ALL", "全部营业部")
HEADER = ("day", "branch_code", "branch", "risk_band", "风险承受能力", *CLASSES, "total")


def counts(session, branch_id=None):
    """{(branch id, band or None, class): customers} for the active customers (of ``branch_id`` only)."""
    stmt = (
        select(Customer.branch_id, Customer.risk_tolerance, Customer.customer_class, func.count())
        .where(Customer.status == "active")
        .group_by(Customer.branch_id, Customer.risk_tolerance, Customer.customer_class)
    )
    if branch_id is not None:
        stmt = stmt.where(Customer.branch_id == branch_id)
    return {(branch, band, klass): n for branch, band, klass, n in session.execute(stmt)}


def table_rows(day, branches, counted):
    """The table's rows: for each of ``branches`` (code, name, id) a row per band and a total row; with
    more than one branch, the same block summed over all of them last."""
    blocks = [((code, name), _block(counted, {branch_id})) for code, name, branch_id in branches]
    if len(branches) > 1:
        blocks.append((ALL_BRANCHES, _block(counted, {branch_id for _, _, branch_id in branches})))
    return [[day.isoformat(), code, name, *row] for (code, name), block in blocks for row in block]


def _block(counted, branch_ids):
    per_band = {band: dict.fromkeys(CLASSES, 0) for band in ROW_BANDS}
    for (branch_id, band, klass), n in counted.items():
        if branch_id in branch_ids:
            per_band[band or NOT_ASSESSED][klass] += n
    rows = [
        [band, BAND_LABELS[band], *by_class.values(), sum(by_class.values())] for band, by_class in per_band.items()
    ]
    totals = [sum(row[2 + i] for row in rows) for i in range(len(CLASSES) + 1)]
    return [*rows, [TOTAL, "合计", *totals]]


def scope(session, viewer, params, today):
    """Check ``params`` (``branch_id``: one branch, or none for all) against ``viewer``; the params the run
    keeps (with the day it is for) and the branch it covers. Supervisors get their own branch only."""
    unknown = set(params) - {"branch_id"}
    if unknown:
        raise InvalidInput("Unknown parameters.", {"params": [f"Not a parameter: {', '.join(sorted(unknown))}."]})
    branch_id = params.get("branch_id")
    if branch_id is not None and (isinstance(branch_id, bool) or not isinstance(branch_id, int)):
        raise InvalidInput("branch_id is a branch's id.", {"params": ["branch_id must be an integer or null."]})
    if viewer is not None and viewer.role != "admin":
        if branch_id not in (None, viewer.branch_id):
            raise Forbidden("That branch's table is not yours to see.")
        branch_id = viewer.branch_id
    if branch_id is not None:
        branch_by_id(session, branch_id)
    return {"branch_id": branch_id, "day": today.isoformat()}, branch_id


def build(session, viewer, params, fmt, progress):
    """The table of ``params`` as a CSV or Excel ``ReportFile``; ``progress`` told after each step."""
    branch_id = params["branch_id"]
    day = date.fromisoformat(params["day"])
    branches_stmt = select(Branch.code, Branch.name, Branch.id).order_by(Branch.code)
    if branch_id is not None:
        branches_stmt = branches_stmt.where(Branch.id == branch_id)
    branches = [tuple(row) for row in session.execute(branches_stmt)]
    progress(0.2)
    counted = counts(session, branch_id)
    progress(0.6)
    rows = table_rows(day, branches, counted)
    progress(0.8)
    scope_code = branches[0][0] if branch_id is not None else "all"
    stem = f"risk-classification-{day.isoformat()}-{scope_code}"
    return table_file(fmt, "风险承受能力客户分类表", HEADER, rows, stem)
