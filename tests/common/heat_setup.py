"""Heat's test package must be imported before any heat.engine module: it selects the
oslo.service backend at import time (the other order raises BackendAlreadySelected)."""

import heat.tests.common  # noqa: F401  (import order matters, see above)
