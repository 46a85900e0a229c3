"""RQ entry points: module-level, JSON-safe arguments (ids, keys), each delegating to a service.

One module per concern (sync, setup, scheduling, webhooks); function paths appear in Redis and
dashboards, so keep names stable.
"""
