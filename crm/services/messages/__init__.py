"""SMS to customers (S2 §34–35: every SMS to a customer goes through the CRM) — issue 10 item 9.

``templates``: the message texts with ``{variables}``, admin-editable, with defaults.
``outbox``: a message written (from a template or free text, checked for marketing words), held to
business hours unless urgent, and sent by the periodic sender under a lease; the welcome message
owed to new customers of a branch that turned it on.
``delivery``: Twilio's status callbacks on the message's row.
``opt_out``: a reply of "TD"/"退订" stops every SMS to the customer; staff reverse it with evidence.
"""
