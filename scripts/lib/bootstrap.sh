# shellcheck shell=bash
# Sourced by scripts/run, scripts/test and scripts/bench: makes a fresh Debian machine ready.
# Installs only what is missing, so a second run costs a few hundred milliseconds.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
export PATH="$VENV/bin:$PATH"

say() { printf '[syncback] %s\n' "$*" >&2; }

apt_install() {
    # $@: Debian package names. Installs them when we are root; otherwise says what to run.
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        say "missing Debian packages: ${missing[*]}"
        say "install them with: sudo apt-get install -y ${missing[*]}"
        exit 1
    fi
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_python_env() {
    # $1: pip extras, e.g. "test". Re-installs when pyproject.toml changed.
    local extras="${1:-}"
    local spec="$ROOT"
    [ -n "$extras" ] && spec="$ROOT[$extras]"
    local stamp="$VENV/.syncback-installed"
    local want
    want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1):$extras"
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating virtualenv in .venv"
        python3 -m venv "$VENV" || { apt_install python3-venv; python3 -m venv "$VENV"; }
    fi
    # An install with the test extra also serves a plain one (scripts/run after scripts/test).
    if [ ! -f "$stamp" ] || ! { grep -qx "$want" "$stamp" || { [ -z "$extras" ] && grep -qx "${want}test" "$stamp"; }; }; then
        say "installing Python packages ($spec)"
        "$VENV/bin/python" -m pip install -q --upgrade pip >&2
        "$VENV/bin/python" -m pip install -q -e "$spec" >&2
        echo "$want" > "$stamp"
    fi
}

ensure_redis() {
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server
}

ensure_chromium() {
    # The emoji font lets screenshots show board marks (field names carry the board's emoji).
    apt_install chromium fonts-noto-color-emoji
}

ensure_test_tools() {
    # The failover tests run a real Sentinel; the browser tests a real chromium.
    command -v redis-sentinel >/dev/null 2>&1 || apt_install redis-sentinel
    ensure_chromium
    ensure_python_env test
}
