"""Process start-up shared by every magnum_lite command: options, logging."""

from oslo_config import cfg
from oslo_log import log as logging

from magnum_lite import conf as ml_conf

DOMAIN = "magnum-lite"


def new_conf():
    conf = cfg.ConfigOpts()
    ml_conf.register_opts(conf)
    logging.register_options(conf)
    return conf


def prepare(argv, config_files=None, conf=None):
    """A parsed ConfigOpts with logging set up (``argv`` without the program name)."""
    conf = conf or new_conf()
    conf(argv, project=DOMAIN, default_config_files=config_files)
    logging.setup(conf, DOMAIN)
    return conf
