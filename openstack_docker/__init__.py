"""The Docker-access layer shared by nova_docker, heat_docker_plugin and magnum_lite.

One place knows how to reach an engine (endpoint, TLS, API version), how to turn a
container description into docker SDK arguments, how to translate SDK errors, and how
to mark what this project owns.
"""
