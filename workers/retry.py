"""The one retry policy of every RQ job: periodic runs and telephony calls alike."""

from rq import Retry

# A run that fails (database restarting, Redis blip, provider time-out) is tried again 10, 30
# and 60 s later, then left in the queue's failed registry for the admins (GET /api/v1/admin/jobs).
BACKOFF = Retry(max=3, interval=[10, 30, 60])
