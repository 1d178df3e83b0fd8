"""Getting a Glance image into an engine: the library behind the Nova driver's image path.

:mod:`~openstack_docker.images.tarball` reads what a ``docker save`` tarball contains,
:mod:`~openstack_docker.images.cache` keeps verified downloads on local disk, and
:mod:`~openstack_docker.images.loader` decides whether to load, pull or do nothing.
Nothing here imports Nova: the caller passes Glance metadata and a download function.
"""
