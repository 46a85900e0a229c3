"""The plugin jar: a valid zip, a descriptor that parses with the admin-menu link, a manifest."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest

from jira_descriptor.builder import PLUGIN_KEY, DescriptorError, build_jar, render_descriptor
from tests.harness.processes import ROOT


def read_jar(path):
    with zipfile.ZipFile(path) as jar:
        assert jar.testzip() is None
        names = jar.namelist()
        return names, jar.read("atlassian-plugin.xml").decode(), jar.read("META-INF/MANIFEST.MF")


def test_jar_holds_descriptor_with_admin_link_and_manifest(tmp_path):
    path = build_jar("https://sb.example.com/", tmp_path, version="1.2.0")
    assert path.name == "syncback-jira-plugin-1.2.0.jar"
    names, descriptor, manifest = read_jar(path)
    assert names == ["META-INF/MANIFEST.MF", "atlassian-plugin.xml"]
    root = ET.fromstring(descriptor)
    assert root.tag == "atlassian-plugin"
    assert root.get("key") == PLUGIN_KEY
    assert root.get("plugins-version") == "2"
    assert root.findtext("plugin-info/version") == "1.2.0"
    section = root.find("web-section")
    assert section.get("location") == "admin_plugins_menu"
    item = root.find("web-item")
    assert item.get("section") == f"admin_plugins_menu/{section.get('key')}"
    assert item.findtext("link") == "https://sb.example.com/admin"
    headers = dict(line.split(": ", 1) for line in manifest.decode().split("\r\n") if ": " in line)
    assert headers["Atlassian-Plugin-Key"] == PLUGIN_KEY
    assert headers["Bundle-SymbolicName"] == PLUGIN_KEY
    assert headers["Bundle-Version"] == "1.2.0"
    assert headers["Bundle-ManifestVersion"] == "2"
    assert manifest.endswith(b"\r\n\r\n")


def test_url_is_xml_escaped(tmp_path):
    url = 'https://sb.example.com/x?a=1&b="2"'
    root = ET.fromstring(render_descriptor(url))
    assert root.find("web-item").findtext("link") == f"{url}/admin"


def test_same_inputs_give_identical_bytes(tmp_path):
    a = build_jar("https://sb.example.com", tmp_path / "a").read_bytes()
    b = build_jar("https://sb.example.com", tmp_path / "b").read_bytes()
    assert a == b


@pytest.mark.parametrize(
    ("url", "version", "words"),
    [
        ("", "1.0.0", "SYNCBACK_PUBLIC_URL"),
        ("sb.example.com", "1.0.0", "not an http(s) URL"),
        ("https://sb.example.com", "1.0-beta", "version"),
    ],
)
def test_bad_inputs_are_named(tmp_path, url, version, words):
    with pytest.raises(DescriptorError, match=re.escape(words)):
        build_jar(url, tmp_path, version=version)
    assert not list(tmp_path.iterdir())


def test_cli_writes_into_dist_from_environment(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SYNCBACK_PUBLIC_URL": "http://jira-tools.local:8000"}
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "build-plugin", "--out", str(tmp_path / "dist")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Manage apps → Upload app" in result.stderr
    jar = tmp_path / "dist" / "syncback-jira-plugin-1.0.0.jar"
    assert result.stdout.strip() == str(jar)
    _, descriptor, _ = read_jar(jar)
    assert ET.fromstring(descriptor).find("web-item").findtext("link") == (
        "http://jira-tools.local:8000/admin"
    )


def test_cli_without_url_is_a_one_line_config_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "build-plugin", "--out", str(tmp_path)],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("syncback: configuration error: SYNCBACK_PUBLIC_URL")
    assert "Traceback" not in result.stderr


def test_descriptor_package_imports_neither_bridge_nor_worker():
    code = (
        "import sys, jira_descriptor; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('bridge', 'worker', 'flask')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
