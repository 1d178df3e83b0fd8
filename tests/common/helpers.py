"""Small helpers for functional tests: polling (never a fixed sleep) and registry clean-up."""

import time


def wait_for(predicate, timeout=30, interval=0.2, what="condition"):
    """Poll ``predicate`` until it returns a truthy value; fail with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def delete_manifest(registry, reference, digest):
    """Remove a manifest through the bridge's registry client (clean-up; the registry needs
    ``delete: enabled``). Only tests and benchmarks delete, so this is not in the client."""
    registry._request("DELETE", f"/v2/{reference.repository}/manifests/{digest}",
                      registry._scope(reference.repository, push=True), ok=(202, 404))
