"""Engine container state seen as a Nova power state.

The engine cannot tell a deliberate stop from a crash except through the exit code:
0 and the codes of SIGTERM/SIGKILL (143/137, what ``docker stop`` produces) are a clean
shutdown; any other exit, an OOM kill or the ``dead`` status is a crash.
"""

from nova.compute import power_state

_STOPPED_EXIT_CODES = (0, 128 + 9, 128 + 15)


def power_state_of(state, suspended=False):
    """Map an inspected container's ``State`` dict to a Nova power state."""
    status = state.get("Status")
    if status == "paused" or state.get("Paused"):
        return power_state.SUSPENDED if suspended else power_state.PAUSED
    if status in ("running", "restarting") or state.get("Running"):
        return power_state.RUNNING
    if status == "created":
        return power_state.SHUTDOWN
    if status == "dead" or state.get("OOMKilled"):
        return power_state.CRASHED
    if status == "exited":
        if state.get("ExitCode") in _STOPPED_EXIT_CODES:
            return power_state.SHUTDOWN
        return power_state.CRASHED
    return power_state.NOSTATE


def diagnostics_state(state, suspended=False):
    """The power state name Nova's diagnostics object expects ('running', ...)."""
    return power_state.STATE_MAP[power_state_of(state, suspended)]
