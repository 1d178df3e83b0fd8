"""Engine work that runs while Heat's scheduler sleeps.

Heat steps every resource of a stack in one loop and sleeps a second between steps; a
blocking pull-create-start inside ``handle_create`` would run the containers of a stack one
after another. Submitted here, they run side by side during that sleep, and
``check_create_complete`` collects the result. Workers get plain values only, never the
resource (whose database session belongs to Heat's thread).

A delete can overtake a create still running here (Heat gives up on the create, or the
user deletes at once): jobs are kept by key until they end, so the delete can tell the job
to stop before it creates anything, and wait for it before removing what it made.
"""

import concurrent.futures
import threading

_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=8,
                                              thread_name_prefix="heat-docker")
_jobs = {}
_jobs_lock = threading.Lock()


def start(key, function, *args):
    """Run ``function(abandoned, *args)`` in a worker; ``abandoned`` is a
    threading.Event set by :func:`abandon`. Returns the future."""
    abandoned = threading.Event()
    with _jobs_lock:
        future = _POOL.submit(function, abandoned, *args)
        _jobs[key] = (future, abandoned)
    future.add_done_callback(lambda done: _forget(key, done))
    return future


def _forget(key, future):
    with _jobs_lock:
        if key in _jobs and _jobs[key][0] is future:
            del _jobs[key]


def abandon(key):
    """Ask the running job of ``key`` to stop at its next step (or cancel it if it has
    not started). Returns its future, to wait for, or None if there is no such job."""
    with _jobs_lock:
        job = _jobs.get(key)
    if job is None:
        return None
    future, abandoned = job
    abandoned.set()
    future.cancel()
    return future
