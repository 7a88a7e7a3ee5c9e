"""The organisation: staff accounts and tokens, branches and phone lines, the audit trail (留痕),
who may see which rows (``access``) and who is told when something needs a person (``duty``).

The first area: imports only ``crm.core``, ``crm.models`` and ``crm.errors``.
"""
