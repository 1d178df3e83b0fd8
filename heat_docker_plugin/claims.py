"""Create claims kept on the engine, seen by every heat-engine process.

A container's create runs in a background worker of ONE heat-engine process (pull,
create, start); its delete may be handled by ANOTHER process (convergence workers share
no memory), which cannot stop that worker and whose label sweep may run before the
container exists. So a create holds a claim on the engine while it works: a small
labelled volume named after the resource. A delete revokes the claim, then sweeps.
The create checks the claim before it creates the container and again after: if the
claim is gone the delete came first, and the create removes what it made itself.
Whichever of the two comes last removes the container; nothing is left behind.
"""

import contextlib

from openstack_docker import errors
from openstack_docker import labels as ownership

#: Label marking a claim volume (its value is the resource it guards).
CLAIM_LABEL = ownership.PREFIX + "heat-create-claim"


#: Names of claim volumes; a Volume resource may not take one (see volume.py).
PREFIX = "heat-claim-"


def _name(resource_id):
    return f"{PREFIX}{resource_id}"


def take(engine, resource_id, labels):
    """Claim the create of ``resource_id``; returns the claim to pass to the others."""
    return engine.create_volume(_name(resource_id),
                                labels={**labels, CLAIM_LABEL: resource_id},
                                resource_id=resource_id)


def held(engine, claim):
    """Whether no delete has revoked the claim."""
    try:
        engine.inspect_volume(claim)
    except errors.NotFound:
        return False
    return True


def release(engine, claim):
    """Drop a claim (create done, or revoked: either way gone afterwards)."""
    with contextlib.suppress(errors.NotFound):
        engine.remove_volume(claim)


def revoke(engine, resource_id):
    """What a delete does first: a create still working anywhere will not keep what it
    makes."""
    release(engine, _name(resource_id))
