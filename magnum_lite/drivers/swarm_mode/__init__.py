"""The ``swarm-mode`` driver: a cluster is a Docker Swarm-mode cluster on the hosts."""
