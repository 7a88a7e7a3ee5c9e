"""The standard phrases (规范用语) the IVR and agents use — DOMAIN §6 — as seed data.

Scripts are rows (``crm.models.Script``); these are the defaults a fresh installation gets
through ``ensure_default_scripts``. A script is found by ``purpose`` (+ ``line`` for the line
greetings) and ``name``; a holiday variant is another row with the same purpose, line and
name whose ``valid_from``/``valid_to`` range wins inside its dates (``crm.services.calls.greetings``).
Texts may use ``{branch}``, ``{agent_no}`` and ``{hotline}``.
"""

from datetime import date

from sqlalchemy import select

from crm.models import Branch, PhoneLine, Script

BRAND = "某某证券"

# (purpose, line, name, text) — the standard phrases.
STANDARD = (
    ("greeting", "hotline", "greeting", f"您好，{BRAND}{{branch}}！"),
    ("greeting", "wealth_club", "greeting", f"您好，这里是{BRAND}财富俱乐部！"),
    ("agent_pickup", None, "agent_pickup", "您好，{branch}（工号{agent_no}）为您服务，请问您有什么问题？"),
    ("menu", None, "menu", "账户业务请按1，投诉请按2，预约回电请按3，人工服务请按0。"),
    ("menu", None, "menu_invalid", "对不起，您的输入有误。"),
    ("menu", None, "callback_booked", "我们已记录您的回电请求，客户经理将尽快回电。"),
    ("after_hours", None, "after_hours", "现在是非工作时间，我们的工作时间是工作日上午九点至下午五点。"),
    ("voicemail", None, "voicemail_prompt", "请在提示音后留言，说明您的姓名、电话和问题，按井号键结束。"),
    ("voicemail", None, "voicemail_saved", "您的留言已收到，我们将在下一个工作日主动与您联系。"),
    ("voicemail", None, "record_greeting_prompt", "请在提示音后录制问候语，按井号键结束。"),
    ("voicemail", None, "record_greeting_saved", "录音已保存为问候语。"),
    ("waiting", None, "waiting", "请稍等"),
    ("long_wait", None, "long_wait", "对不起，让您久等了"),
    ("closing", None, "closing", "感谢您的来电，再见！"),
    ("complaint", None, "complaint_menu", "服务态度请按1，业务能力请按2，办事效率请按3，其他问题请按4。"),
    ("complaint", None, "complaint_record", "请在提示音后说明您要投诉的情况，按井号键结束。"),
    ("complaint", None, "complaint_saved", "您的投诉已受理，主管将尽快处理并答复您。"),
)

# Holiday variants replace the opening 「您好，」 of these phrases (DOMAIN §6).
HOLIDAY_NAMES = {("greeting", "hotline"), ("greeting", "wealth_club"), ("agent_pickup", None)}
PLAIN_SALUTATION = "您好，"

# (label, salutation, first day, last day) — the 2026 ranges; admins add next year's as rows.
HOLIDAYS_2026 = (
    ("元旦", "新年好！", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", "新年好！", date(2026, 2, 15), date(2026, 2, 23)),
    ("劳动节", "劳动节快乐！", date(2026, 5, 1), date(2026, 5, 5)),
    ("中秋", "中秋节快乐！", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆", "国庆节快乐！", date(2026, 10, 1), date(2026, 10, 7)),
)


def default_scripts():
    """Every default row as a dict: the standard phrases, then their holiday variants."""
    rows = [{"purpose": p, "line": line, "name": name, "text": text} for p, line, name, text in STANDARD]
    for purpose, line, name, text in STANDARD:
        if (purpose, line) not in HOLIDAY_NAMES:
            continue
        for _label, salutation, first, last in HOLIDAYS_2026:
            rows.append(
                {
                    "purpose": purpose,
                    "line": line,
                    "name": name,
                    "text": text.replace(PLAIN_SALUTATION, salutation, 1),
                    "valid_from": first,
                    "valid_to": last,
                }
            )
    return rows


def _key(purpose, line, name, valid_from):
    return purpose, line, name, valid_from


def ensure_default_scripts(session):
    """Add the default scripts that are missing (by purpose, line, name and start date); returns how many."""
    existing = {
        _key(*row) for row in session.execute(select(Script.purpose, Script.line, Script.name, Script.valid_from))
    }
    added = 0
    for row in default_scripts():
        if _key(row["purpose"], row["line"], row["name"], row.get("valid_from")) in existing:
            continue
        session.add(Script(**row))
        added += 1
    session.flush()
    return added


def ensure_phone_lines(session, lines):
    """Register ``(number, line, branch_id)`` triples that are not there yet (demo data, set-up)."""
    known = set(session.scalars(select(PhoneLine.number)))
    for number, line, branch_id in lines:
        if number not in known:
            session.add(PhoneLine(number=number, line=line, branch_id=branch_id))
    session.flush()


# Demo data: besides each branch's hotline (Branch.hotline), a wealth-club number per branch code.
DEMO_CLUB_NUMBERS = {"SH01": "+862150509999", "BJ01": "+861066009999"}


def ensure_demo_telephony(session):
    """The default scripts and every branch's phone lines: its hotline, and its club number if it has one."""
    ensure_default_scripts(session)
    lines = []
    for branch in session.scalars(select(Branch).order_by(Branch.id)):
        if branch.hotline:
            lines.append((branch.hotline, "hotline", branch.id))
        if branch.code in DEMO_CLUB_NUMBERS:
            lines.append((DEMO_CLUB_NUMBERS[branch.code], "wealth_club", branch.id))
    ensure_phone_lines(session, lines)
