"""The image bridge: a Docker registry and Glance seen as one image store.

``glance-docker import`` streams an image from a registry into Glance in the ``docker save``
format (so ``docker load`` takes it as is), ``export`` pushes a Glance docker image to a
registry, ``list`` and ``sync`` keep the two in step. Nothing is ever spooled to disk.
"""
