"""Activity volume (活动量管理, DOMAIN §4): quotas and attainment, work logs and weekly summaries,
spot checks of visits, care reminders and the contact cadence by customer class."""
