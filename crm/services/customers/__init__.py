"""Customers — DOMAIN §1–§4: records and the screen-pop lookup, classification and the nightly
reclassification, the CSV import and its field rules, the risk questionnaire, product suitability,
and visit logs.

May import ``org`` (access, audit) besides ``crm.core`` and ``crm.models``.
"""
