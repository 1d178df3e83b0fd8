# gunicorn settings for the testbed's Glance API; filled in by tools/testbed.py.
bind = "127.0.0.1:9292"
workers = 2
# Image uploads and downloads stream through a sync worker: give them time.
timeout = 300
# The control socket lives at ~/.gunicorn/gunicorn.ctl for every gunicorn run as root: another
# gunicorn on the machine would take it over and remove it (see shared/FACTS.md).
control_socket_disable = True
errorlog = "${log}"
accesslog = "${log}"
# Glance logs to stderr (oslo.log use_stderr): keep that in the same log file.
capture_output = True
pidfile = "${pidfile}"
