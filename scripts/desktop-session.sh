#!/usr/bin/env bash
# Runs a command inside a desktop-like session for tests: call it under
# `xvfb-run -a dbus-run-session -- scripts/desktop-session.sh CMD…`.
# It starts, in that private D-Bus session, an unlocked Secret Service (gnome-keyring,
# for the keyring crate) and a notification daemon (dunst, for notify-rust), so the
# tests use the real OS services rather than mocks. Both die with the session.
set -euo pipefail

[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || {
  echo "desktop-session.sh: no D-Bus session; run it under dbus-run-session" >&2
  exit 1
}

if command -v gnome-keyring-daemon >/dev/null; then
  # The login keyring is created unlocked with this throwaway test password.
  eval "$(printf 'acsdesk-test' | gnome-keyring-daemon --unlock --components=secrets)" || true
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
fi
if command -v dunst >/dev/null && [ -n "${DISPLAY:-}" ]; then
  dunst >/dev/null 2>&1 &
fi

exec "$@"
