"""Cluster drivers: each turns a magnum_lite cluster into real COE state on Docker hosts.

Drivers register under the ``magnum_lite.drivers`` entry point group; :func:`load` gets
one by name (``swarm-mode``).
"""

from importlib import metadata

ENTRY_POINT_GROUP = "magnum_lite.drivers"


def load(name, **kwargs):
    """Instantiate the driver registered as ``name``; LookupError when none is."""
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name == name:
            return entry_point.load()(**kwargs)
    raise LookupError(f"no magnum_lite driver named {name!r} "
                      f"(entry point group {ENTRY_POINT_GROUP})")
