"""What every layer may use, models included: the one clock, per-transaction memo, phone
normalisation and masking, bulk-insert helpers.

Imports nothing of Kefu but ``crm.errors``: no models, services, API, telephony or workers.
"""
