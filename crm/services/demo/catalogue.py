"""The fixed parts of the demo data: branches, staff, products, names and visit notes.

``crm.services.demo.seed`` draws the variable parts (customers, assessments, visits) from these
with a seeded random generator, so every installation gets the same demo.
"""

# code, name, hotline, ID-number region (行政区划代码), account-number prefix
BRANCHES = (
    ("SH01", "上海浦东营业部", "+862150508888", "310115", "3101"),
    ("BJ01", "北京金融街营业部", "+861066006600", "110102", "1101"),
)

# job number, name, role, branch code (None: admins work for every branch)
STAFF = (
    ("9001", "王建国", "admin", None),
    ("1001", "陈静", "supervisor", "SH01"),
    ("1101", "李明", "agent", "SH01"),
    ("1102", "张丽华", "agent", "SH01"),
    ("1103", "刘洋", "agent", "SH01"),
    ("1104", "周婷", "agent", "SH01"),
    ("2001", "赵志刚", "supervisor", "BJ01"),
    ("2101", "孙伟", "agent", "BJ01"),
    ("2102", "杨雪", "agent", "BJ01"),
    ("2103", "黄磊", "agent", "BJ01"),
    ("2104", "吴敏", "agent", "BJ01"),
)

# code, name, category (the category sets the risk level — crm.services.customers.suitability)
PRODUCTS = (
    ("MMF001", "天天利货币A", "money_market"),
    ("SBF002", "稳利短债债券", "short_term_bond"),
    ("CGF003", "安心保本混合", "capital_guaranteed"),
    ("BND004", "信用纯债债券A", "bond"),
    ("BBF005", "双债增强债券", "bond_biased"),
    ("IDX006", "沪深300指数", "index"),
    ("EIX007", "中证500指数增强", "enhanced_index"),
    ("EQF008", "成长优选股票", "equity"),
    ("EBF009", "价值精选混合", "equity_biased"),
    ("BAL010", "平衡配置混合", "balanced"),
    ("FLX011", "灵活配置混合", "flexible_allocation"),
    ("CNX012", "创业板ETF联接", "chinext"),
    ("MGN013", "融资融券", "margin"),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤欧阳"
)
GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲建国文辉力斌宇浩凯鹏飞鑫波婷雪琳晨欣怡子涵梓轩"
    "一诺佳俊思雨嘉博雅志海晓东春梅兰林峰慧颖新荣德福"
)

# Share of demo customers per class (A+ … G): few wealthy, many small and dormant accounts.
CLASS_WEIGHTS = {"A+": 2, "B+": 3, "A": 4, "B": 6, "C": 5, "D": 8, "C-": 10, "D-": 14, "E": 20, "F": 13, "G": 15}

CHANNEL_WEIGHTS = {"phone": 60, "on_site": 12, "home_visit": 4, "online": 12, "sms": 6, "email": 6}
PREFERRED_CHANNELS = ("phone", "phone", "phone", "online", "sms", "email", "on_site")

# purpose → (summary, outcome, next step or None)
VISIT_NOTES = {
    "service": (
        ("客户咨询账户资金划转到账时间，已解释银证转账规则。", "客户满意", None),
        ("协助客户重置交易密码并核对身份信息。", "已办结", None),
        ("客户询问新股申购额度计算方法，已详细说明。", "客户理解", "下周提醒客户关注申购日"),
    ),
    "product": (
        ("介绍稳健型理财产品，客户表示会考虑。", "有意向", "三日后回访确认意向"),
        ("向客户推荐债券基金组合，讲解风险收益特征。", "客户需与家人商量", "一周后再次沟通"),
        ("客户关注指数基金定投，已演示定投计划设置。", "已开通定投", None),
    ),
    "risk_reminder": (
        ("提示客户近期市场波动加大，建议控制仓位。", "客户已知悉", None),
        ("客户持仓集中于单一行业，提示分散投资风险。", "客户表示会调整", "月底复查持仓"),
    ),
    "care": (
        ("生日问候，并告知财富俱乐部近期讲座安排。", "客户感谢", None),
        ("节前问候，了解客户近期投资感受。", "关系良好", None),
    ),
    "retention": (
        ("客户因佣金问题有转户意向，说明优惠政策与服务内容。", "客户暂不转户", "两周后跟进"),
        ("客户咨询销户流程，了解原因为资金周转，已介绍质押融资服务。", "待客户决定", "三日后回访"),
    ),
    "account_opening": (("潜在客户预约开户，已说明所需材料与流程。", "已预约到店", "按预约日期接待开户"),),
}

DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "139.com")
