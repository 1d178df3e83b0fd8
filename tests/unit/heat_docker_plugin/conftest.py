"""Heat's test package first: see tests.common.heat_setup."""

import tests.common.heat_setup  # noqa: F401
