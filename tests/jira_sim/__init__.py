"""A stateful Jira Server / Data Center simulator served over real HTTP (DESIGN.md §8)."""
