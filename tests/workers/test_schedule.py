from crm.queueing import QUEUE_NAMES
from workers.schedule import SCHEDULE, build_scheduler


def test_every_periodic_job_is_registered_under_its_stable_name(queue):
    scheduler = build_scheduler(queue)

    registered = {job.name: job for job in scheduler.get_jobs()}
    assert list(registered) == [periodic.name for periodic in SCHEDULE]
    assert registered["nightly-reclassification"].func_name == "workers.jobs.reclassify_customers"
    assert registered["nightly-reclassification"].cron == "30 16 * * *"


def test_periodic_jobs_name_real_queues_and_one_timing_each():
    assert len({periodic.name for periodic in SCHEDULE}) == len(SCHEDULE)
    for periodic in SCHEDULE:
        assert periodic.queue in QUEUE_NAMES
        assert (periodic.interval is None) != (periodic.cron is None)
        assert periodic.timeout > 0


def test_a_due_job_is_enqueued_on_its_queue(queue):
    scheduler = build_scheduler(queue)
    for job in scheduler.get_jobs():
        if job.cron:  # interval jobs run at start-up anyway
            job.next_enqueue_time = job.next_enqueue_time.replace(year=2000)

    enqueued = scheduler.enqueue_jobs()

    assert [job.name for job in enqueued] == [periodic.name for periodic in SCHEDULE]
    from rq import Queue

    assert Queue("default", connection=queue).count == sum(periodic.queue == "default" for periodic in SCHEDULE)
