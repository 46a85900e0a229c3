"""Render `atlassian-plugin.xml` and pack it into an installable jar.

A P2 plugin may be just a jar holding the descriptor; Jira turns it into an OSGi bundle. A
manifest with `Atlassian-Plugin-Key` and the bundle headers makes it "transformerless", which
Atlassian recommends and which avoids relying on the transformer of newer Jira versions
(jira-server-api.md §8;
https://developer.atlassian.com/server/framework/atlassian-sdk/transformerless-plugin-conversion).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from string import Template
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

PLUGIN_KEY = "io.syncback.jira-admin-link"
DESCRIPTOR = "atlassian-plugin.xml"
TEMPLATE = Path(__file__).with_name(DESCRIPTOR)
# A fixed timestamp keeps the jar byte-identical for the same inputs (reproducible builds).
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


class DescriptorError(ValueError):
    """A public URL or version the descriptor cannot carry; the message says which."""


def _check_url(public_url: str) -> str:
    parts = urlsplit(public_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DescriptorError(
            f"SYNCBACK_PUBLIC_URL: {public_url!r} is not an http(s) URL "
            "(the address Jira users open Sync Back at)"
        )
    return public_url.rstrip("/")


def _check_version(version: str) -> str:
    numbers = version.split(".")
    if not 1 <= len(numbers) <= 4 or not all(n.isdigit() for n in numbers):
        raise DescriptorError(f"version: {version!r} is not like 1.2.3 (OSGi Bundle-Version)")
    return version


def render_descriptor(public_url: str, version: str = "1.0.0") -> str:
    """The descriptor text, its web-item linking to `<public_url>/admin`."""
    url = _check_url(public_url)
    template = Template(TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(
        plugin_key=PLUGIN_KEY,
        version=escape(_check_version(version)),
        public_url=escape(url, {'"': "&quot;"}),
        admin_url=escape(f"{url}/admin", {'"': "&quot;"}),
    )


def manifest(version: str) -> str:
    """META-INF/MANIFEST.MF: the plugin key and OSGi bundle headers (CRLF, as the spec asks)."""
    lines = [
        "Manifest-Version: 1.0",
        f"Atlassian-Plugin-Key: {PLUGIN_KEY}",
        f"Bundle-SymbolicName: {PLUGIN_KEY}",
        f"Bundle-Version: {_check_version(version)}",
        "Bundle-ManifestVersion: 2",
        "Bundle-Name: Sync Back admin link",
        "Bundle-Vendor: Sync Back",
        "Created-By: syncback build-plugin",
    ]
    return "\r\n".join(lines) + "\r\n\r\n"


def _add(jar: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    jar.writestr(info, text.encode("utf-8"))


def build_jar(public_url: str, out_dir: Path, version: str = "1.0.0") -> Path:
    """Write `syncback-jira-plugin-<version>.jar` into `out_dir`; returns its path."""
    descriptor = render_descriptor(public_url, version)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"syncback-jira-plugin-{version}.jar"
    tmp = path.with_suffix(".jar.tmp")
    with zipfile.ZipFile(tmp, "w") as jar:
        # The manifest comes first, as jar readers expect.
        _add(jar, "META-INF/MANIFEST.MF", manifest(version))
        _add(jar, DESCRIPTOR, descriptor)
    tmp.replace(path)
    return path
