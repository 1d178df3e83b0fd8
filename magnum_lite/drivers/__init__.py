"""Cluster drivers: each turns a magnum_lite cluster into real COE state on Docker hosts.

``[conductor] driver`` names one: an entry point in ``magnum_lite.drivers`` (the real one is
``swarm-mode``) or a ``module:Class`` path (tests plug a fake this way). The operator's host
list comes from ``[conductor] hosts_loader``.
"""

import importlib
import inspect

from stevedore import driver as stevedore_driver

NAMESPACE = "magnum_lite.drivers"


def _import(path):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def load_driver(conf):
    name = conf.conductor.driver
    cls = _import(name) if ":" in name else stevedore_driver.DriverManager(NAMESPACE, name).driver
    # Drivers may take the config object; the contract allows either.
    try:
        takes_conf = bool(inspect.signature(cls).parameters)
    except (TypeError, ValueError):
        takes_conf = False
    return cls(conf) if takes_conf else cls()


def load_hosts(conf):
    """The operator's Docker hosts (``magnum_lite.hosts.load`` unless configured)."""
    return list(_import(conf.conductor.hosts_loader)(conf))
