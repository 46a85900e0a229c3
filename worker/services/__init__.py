"""Use cases: read fresh Jira state, compute, write. rq is fine here; Flask and `bridge` never."""
