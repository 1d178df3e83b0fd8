"""The console log of an instance: the end of its container's output, then how it ended.

A container may print anything (UTF-8 beyond Latin-1, binary). Nova's compute manager
encodes a ``str`` as Latin-1, an error for any other character (the API's 500 for
non-Latin-1 text), while the driver contract (and Nova's conformance tests) want a
``str``: so the bytes are returned as the ``str`` whose characters are those bytes
(decoded as Latin-1), which the manager encodes back to exactly the bytes written.

The engine cuts long lines into 16 KiB entries, so a line count alone does not bound the
size: the output is also cut to its last ``max_bytes``.
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
    """The console log: the last ``max_bytes`` of ``logs`` (bytes) and the exit line,
    as a Latin-1 ``str`` of those bytes."""
    if len(logs) > max_bytes:
        logs = logs[-max_bytes:]
        cut = logs.find(b"\n")
        if 0 <= cut < len(logs) - 1:  # start at a line boundary when there is one
            logs = logs[cut + 1:]
    if logs and not logs.endswith(b"\n") and not state.get("Running"):
        logs += b"\n"
    return (logs + exit_line(state)).decode("latin-1")
