"""Engine work that runs while Heat's scheduler sleeps.

Heat steps every resource of a stack in one loop and sleeps a second between steps; a
blocking pull-create-start inside ``handle_create`` would run the containers of a stack one
after another. Submitted here, they run side by side during that sleep, and
``check_create_complete`` collects the result. Workers get plain values only, never the
resource (whose database session belongs to Heat's thread).
"""

import concurrent.futures

_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=8,
                                              thread_name_prefix="heat-docker")


def submit(function, *args, **kwargs):
    return _POOL.submit(function, *args, **kwargs)
