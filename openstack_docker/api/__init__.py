"""The engine operations, one mixin per kind of engine object (as in docker SDK's
``docker/api/``); :class:`openstack_docker.engine.Engine` composes them."""
