"""The Jira-side plugin: an XML-only P2 plugin that links Jira's admin menu to Sync Back.

Imports neither `bridge` nor `worker`: it is built from a URL and a version, nothing else.
"""

from jira_descriptor.builder import PLUGIN_KEY, build_jar, render_descriptor

__all__ = ["PLUGIN_KEY", "build_jar", "render_descriptor"]
