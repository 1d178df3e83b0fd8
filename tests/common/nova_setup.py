"""pytest glue for tests that run Nova code (Nova's own runner is stestr).

Nova must apply its eventlet patching before the docker SDK imports urllib3, and
``nova.test.TestCase._clear_attrs`` deletes the test method pytest 9 still needs.
"""

import os
import sys

os.environ.setdefault("OS_NOVA_DISABLE_EVENTLET_PATCHING", "False")
os.environ.setdefault("OS_WSGI__API_PASTE_CONFIG",
                      os.path.join(sys.prefix, "etc", "nova", "api-paste.ini"))

from nova import monkey_patch

monkey_patch.patch()

from nova import test  # noqa: E402

test.TestCase._clear_attrs = lambda self: None

# The driver's root-only work runs in-process (tests run as root): no privsep daemon per
# test process. tests/functional/nova_docker/test_privsep.py starts the real one.
from nova_docker import privsep  # noqa: E402

privsep.vif_plug.set_client_mode(False)
