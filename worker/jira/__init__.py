"""The one Jira Server / Data Center client and its errors."""

from worker.jira.client import JiraClient
from worker.jira.errors import (
    JiraAuthError,
    JiraError,
    JiraNotFoundError,
    JiraPermissionError,
    JiraRateLimitedError,
    JiraUnavailableError,
    JiraValidationError,
)

__all__ = [
    "JiraAuthError",
    "JiraClient",
    "JiraError",
    "JiraNotFoundError",
    "JiraPermissionError",
    "JiraRateLimitedError",
    "JiraUnavailableError",
    "JiraValidationError",
]
