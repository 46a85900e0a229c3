"""Use cases: read fresh Jira state, compute, write. No rq or Flask imports below `jobs`."""
