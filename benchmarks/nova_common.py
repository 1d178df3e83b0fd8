"""Shared by the nova benchmarks: the driver outside Nova's services (tests.common) and
the report line."""

import sys

from tests.common.nova_driver import make_driver, make_instance

__all__ = ["make_driver", "make_instance", "report"]


def report(name, ratio, target):
    print(f"{name}: ratio {ratio:.3f} (target <= {target})")
    sys.stdout.flush()
