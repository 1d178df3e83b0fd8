"""Nova must patch eventlet before anything imports urllib3: see tests.common.nova_setup."""

import tests.common.nova_setup  # noqa: F401
