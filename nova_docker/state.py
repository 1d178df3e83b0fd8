"""Engine container state seen as a Nova power state.

A container that stopped, whatever its exit code or an OOM kill, is SHUTDOWN: that is the
state Nova's compute manager compares with a STOPPED lifecycle event before acting on it
(:mod:`nova_docker.events`), and a stopped instance is what the user sees either way. How
it ended (exit code, OOM kill) is in the console log and the compute log. Only a ``dead``
container (the engine failed to remove it) is CRASHED.
"""

from nova.compute import power_state


def power_state_of(state, suspended=False):
    """Map an inspected container's ``State`` dict to a Nova power state."""
    status = state.get("Status")
    if status == "paused" or state.get("Paused"):
        return power_state.SUSPENDED if suspended else power_state.PAUSED
    if status in ("running", "restarting") or state.get("Running"):
        return power_state.RUNNING
    if status in ("created", "exited"):
        return power_state.SHUTDOWN
    if status == "dead":
        return power_state.CRASHED
    return power_state.NOSTATE


def diagnostics_state(state, suspended=False):
    """The power state name Nova's diagnostics object expects ('running', ...)."""
    return power_state.STATE_MAP[power_state_of(state, suspended)]
