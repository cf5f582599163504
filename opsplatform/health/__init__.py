"""/healthz: each dependency checked on its own, with its own timeout.

``checks`` probes the database, the cache, the task queue, the channel layer
and the worker's heartbeat; ``middleware`` answers /healthz before anything
else touches the database; ``tasks`` holds the worker's once-a-minute beat.
docs/reliability.md says what each answer means to a load balancer.
"""
