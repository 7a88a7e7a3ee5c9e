"""The screen-pop card as JSON without marshmallow (issue 13: dumping it cost more than its queries).

``dump_card`` gives exactly what ``CustomerCard().dump`` gives for the same card (a test compares
them); ``CustomerCard`` still documents the route. A field added to the schema must be added here.
"""

_AS_IS = (
    "id",
    "account_no",
    "name",
    "id_number",
    "email",
    "masked",
    "status",
    "preferred_channel",
    "language",
    "is_vip",
    "risk_tolerance",
    "risk_assessment_pending",
    "trading_habit",
    "value_segment",
    "decision_style",
    "sms_opted_out",
)
_ISO = ("last_trade_on", "vip_since", "sms_opted_out_at", "created_at", "updated_at")
_DECIMALS = ("assets", "turnover_rate")


def dump_card(card):
    out = {name: card[name] for name in _AS_IS}
    out.update({name: _iso(card[name]) for name in _ISO})
    out.update({name: None if card[name] is None else format(card[name], "f") for name in _DECIMALS})
    out["class"] = card["customer_class"]
    out["birthday"] = None if card["birthday"] is None else str(card["birthday"])
    out["phones"] = [{"number": phone["number"], "label": phone["label"]} for phone in card["phones"]]
    out["branch"] = _brief(card["branch"], ("id", "code", "name"))
    out["manager"] = _brief(card["manager"], ("id", "job_no", "name"))
    out["last_visits"] = [
        {
            "id": visit["id"],
            "started_at": _iso(visit["started_at"]),
            "channel": visit["channel"],
            "purpose": visit["purpose"],
            "summary": visit["summary"],
            "manager": _brief(visit["manager"], ("id", "job_no", "name")),
        }
        for visit in card["last_visits"]
    ]
    return out


def _iso(value):
    return None if value is None else value.isoformat()


def _brief(values, names):
    return None if values is None else {name: values[name] for name in names}
