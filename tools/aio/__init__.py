"""The all-in-one: a small real OpenStack on loopback with Docker compute (tools/allinone).

One module per service; each gives ``prepare(ctx)`` (config files, one-time database and
bootstrap steps, skipped once done) and ``daemons(ctx)`` (the processes ``up`` starts).
``cli`` runs them in phases (what a phase needs answers before the next starts).
"""
