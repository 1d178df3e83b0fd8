"""Containers on magnum_lite clusters behind a Zun-v1-compatible API: each container is a
single-replica swarm service of its cluster."""
