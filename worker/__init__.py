"""The RQ side of syncback: everything that talks to Jira. Never imports Flask or `bridge`."""
