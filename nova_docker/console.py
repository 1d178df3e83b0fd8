"""The console log of an instance: the end of its container's output, then how it ended.

Bytes, not text: a container may print anything (UTF-8 beyond Latin-1, binary), and Nova's
compute manager encodes a ``str`` as Latin-1 (an error for anything else) but takes bytes
as they are. The engine cuts long lines into 16 KiB entries, so a line count alone does
not bound the size: the output is also cut to its last ``max_bytes``.
"""


def exit_line(state):
    """``[container exited with code N at T]`` for a container that does not run."""
    if state.get("Running"):
        return b""
    if state.get("Status") == "created":
        return b"[container created, never started]\n"
    oom = ", killed for lack of memory" if state.get("OOMKilled") else ""
    error = f", {state['Error']}" if state.get("Error") else ""
    return (f"[container exited with code {state.get('ExitCode')}{oom}{error} "
            f"at {state.get('FinishedAt')}]\n").encode()


def output(logs, state, max_bytes):
    """The console log: the last ``max_bytes`` of ``logs`` and the exit line."""
    if len(logs) > max_bytes:
        logs = logs[-max_bytes:]
        cut = logs.find(b"\n")
        if 0 <= cut < len(logs) - 1:  # start at a line boundary when there is one
            logs = logs[cut + 1:]
    if logs and not logs.endswith(b"\n") and not state.get("Running"):
        logs += b"\n"
    return logs + exit_line(state)
