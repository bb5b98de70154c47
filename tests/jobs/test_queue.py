from sqlalchemy import select

from app.jobs import enqueue, handler, run_pending
from app.jobs.models import Job
from app.transaction import unit_of_work

calls: list[dict] = []


@handler("test.record")
def _record(session, payload):
    calls.append(payload)


@handler("test.fail")
def _fail(session, payload):
    raise ValueError("always fails")


def test_enqueued_job_runs_once_and_is_done(session_factory):
    calls.clear()
    with unit_of_work(session_factory) as session:
        enqueue(session, "test.record", {"n": 1})
    assert run_pending(session_factory) == 1
    assert run_pending(session_factory) == 0
    assert calls == [{"n": 1}]
    with unit_of_work(session_factory) as session:
        assert session.execute(select(Job.status)).scalar_one() == "done"


def test_job_from_rolled_back_transaction_never_runs(session_factory):
    calls.clear()
    try:
        with unit_of_work(session_factory) as session:
            enqueue(session, "test.record", {"n": 2})
            raise RuntimeError
    except RuntimeError:
        pass
    assert run_pending(session_factory) == 0 and calls == []


def test_dedupe_key_keeps_one_waiting_job(session_factory):
    with unit_of_work(session_factory) as session:
        assert enqueue(session, "test.record", {}, dedupe_key="k") is not None
        assert enqueue(session, "test.record", {}, dedupe_key="k") is None
    run_pending(session_factory)
    with unit_of_work(session_factory) as session:
        assert enqueue(session, "test.record", {}, dedupe_key="k") is not None  # finished jobs free the key


def test_failing_job_is_retried_later_then_given_up(session_factory):
    with unit_of_work(session_factory) as session:
        enqueue(session, "test.fail", {}, max_attempts=2)
    assert run_pending(session_factory) == 1  # first attempt fails; retry is scheduled in the future
    with unit_of_work(session_factory) as session:
        job = session.execute(select(Job)).scalar_one()
        assert (job.status, job.attempts, job.last_error) == ("pending", 1, "ValueError")
        job.run_after = job.created_at  # make the retry due now
    assert run_pending(session_factory) == 1
    with unit_of_work(session_factory) as session:
        job = session.execute(select(Job)).scalar_one()
        assert (job.status, job.attempts) == ("dead", 2)


def test_idle_worker_is_woken_by_an_enqueue_in_its_process(session_factory, monkeypatch):
    """An idle worker waits (here: ten minutes) without polling; an enqueue wakes it at once."""
    import threading

    from app.jobs import queue

    calls.clear()
    monkeypatch.setattr(queue, "IDLE_FIRST_WAIT", 600.0)
    polls: list[bool] = []
    real_has_due = queue.has_due

    def counted(factory, kinds=None):
        polls.append(True)
        return real_has_due(factory, kinds)

    monkeypatch.setattr(queue, "has_due", counted)
    stop = threading.Event()
    worker = threading.Thread(
        target=queue.run_forever, args=(session_factory,), kwargs={"poll_seconds": 600.0, "should_stop": stop.is_set}
    )
    worker.start()
    try:
        while not polls:  # the worker has looked once, found nothing, and gone idle
            stop.wait(0.01)
        with unit_of_work(session_factory) as session:
            enqueue(session, "test.record", {"n": 7})
        deadline = threading.Event()
        for _ in range(3000):
            if calls:
                break
            deadline.wait(0.01)
        assert calls == [{"n": 7}]
    finally:
        stop.set()
        from app import wakeup

        wakeup.notify()
        worker.join(timeout=10)
