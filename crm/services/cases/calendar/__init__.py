"""The business calendar: working days and hours (``working_days``), the installation's calendar with
the admins' overrides (``installation``), and the look-ahead for unpublished holiday arrangements.

Used by every area that counts working time; imports only ``crm.core`` and ``crm.models``.
"""
