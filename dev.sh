#!/usr/bin/env bash
# AcsDesk's one entry point for developers and CI.
#
#   ./dev.sh run     install what is missing, build, and open AcsDesk
#   ./dev.sh test    install what is missing, then fmt + clippy (native and wasm) + every
#                    test, the end-to-end test of the real window included (under Xvfb)
#   ./dev.sh setup   only install what is missing (idempotent)
#   ./dev.sh ui      only build the wasm UI into ui/dist
#   ./dev.sh package [--debug]
#                    build the .deb and .rpm (desktop app and CLI) with the Tauri CLI;
#                    --debug packages the debug build (what the tests install)
#
# Nothing is downloaded outside the package registries (Debian/Ubuntu apt, crates.io).
# Set CARGO_TARGET_DIR to keep the build cache outside the checkout (CI does).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"

# Debian/Ubuntu packages: Tauri v2's build and runtime (WebKitGTK 4.1), the end-to-end
# harness (Xvfb, WebKitWebDriver, a D-Bus session), the OS services later tests use
# for real (Secret Service keyring, notification daemon), and what the package tests use
# (rpm, desktop-file-validate, and sudo: the updater installs a package through it).
APT_PACKAGES=(
  build-essential pkg-config curl file libssl-dev libdbus-1-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth webkit2gtk-driver dbus
  gnome-keyring libsecret-tools dunst libnotify-bin sqlite3
  rpm rpm2cpio cpio desktop-file-utils sudo
)
# The Tauri CLI that bundles the packages: a prebuilt npm package (scripts/package).
TAURI_CLI="$ROOT/scripts/package/node_modules/.bin/tauri"
TAURI_DRIVER_VERSION="2.1.0"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'dev.sh: %s\n' "$*" >&2; exit 1; }

# Installs those of the given apt packages (default: APT_PACKAGES) that are missing.
setup_apt() {
  command -v dpkg-query >/dev/null || die "this script supports Debian and Ubuntu (dpkg/apt) only"
  local wanted=("$@") missing=()
  [ ${#wanted[@]} -gt 0 ] || wanted=("${APT_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    say "installing system packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $line
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    say "installing system packages with sudo: ${missing[*]}"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive $line
  else
    die "missing system packages. Install them, then run this again:
    sudo apt-get update && sudo $line"
  fi
}

setup_rust() {
  command -v rustup >/dev/null || die "rustup is required: see https://rustup.rs"
  # Installs the toolchain pinned in rust-toolchain.toml with its components and targets
  # (`rustup toolchain install` reads the file since rustup 1.28; older ones install it on
  # first use).
  if ! rustup toolchain install >/dev/null 2>&1 && ! rustup show active-toolchain >/dev/null; then
    die "cannot install the Rust toolchain pinned in rust-toolchain.toml (see 'rustup show')"
  fi
  rustup component add clippy rustfmt >/dev/null
  rustup target add wasm32-unknown-unknown >/dev/null
}

# `cargo install NAME VERSION [ARGS…]` unless that version is already installed.
cargo_tool() {
  local name="$1" version="$2"; shift 2
  if cargo install --list | grep -qx "$name v$version:"; then
    return 0
  fi
  say "installing $name $version (once)"
  # Build in cargo's own temporary directory, not the project's target dir.
  env -u CARGO_TARGET_DIR cargo install "$name" --version "$version" --force "$@"
}

setup_tools() {
  # wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock. It is installed
  # without --locked: one of its locked dependencies is not on the registry mirror here.
  local wb
  wb="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  [ -n "$wb" ] || die "cannot find the wasm-bindgen version in Cargo.lock"
  cargo_tool wasm-bindgen-cli "$wb"
  cargo_tool tauri-driver "$TAURI_DRIVER_VERSION" --locked
}

setup_tauri_cli() {
  if [ -x "$TAURI_CLI" ] && [ "$("$TAURI_CLI" --version)" = "tauri-cli $(tauri_cli_version)" ]; then
    return 0
  fi
  # Node from anywhere (nodesource, nvm) will do; Debian's otherwise.
  command -v npm >/dev/null || setup_apt nodejs npm
  say "installing the Tauri CLI $(tauri_cli_version) from npm (once per checkout)"
  # `npm install`, not `npm ci`: the registry lacks other platforms' optional binaries.
  (cd scripts/package && npm install --no-audit --no-fund --loglevel=error >&2)
}

tauri_cli_version() {
  sed -n 's/.*"@tauri-apps\/cli": "\(.*\)".*/\1/p' scripts/package/package.json
}

setup() {
  setup_apt
  setup_rust
  setup_tools
  setup_tauri_cli
}

# Bundles the .deb and .rpm from the built UI: the desktop app with the CLI beside it in
# /usr/bin. The AppImage is not built here (its tools are downloaded from GitHub).
build_packages() {
  local profile=release flag=()
  if [ "${1:-}" = "--debug" ]; then profile=debug flag=(--debug); fi
  say "building the CLI ($profile)"
  if [ "$profile" = release ]; then cargo build --locked --release -p acsdesk-cli
  else cargo build --locked -p acsdesk-cli; fi
  local cli="$TARGET_DIR/$profile/acsdesk"
  local files="{\"/usr/bin/acsdesk\": \"$cli\"}"
  say "bundling the .deb and .rpm ($profile)"
  rm -rf "$TARGET_DIR/$profile/bundle/deb" "$TARGET_DIR/$profile/bundle/rpm"
  (cd src-tauri && "$TAURI_CLI" build "${flag[@]}" --ci --bundles deb,rpm \
    --config "{\"bundle\": {\"linux\": {\"deb\": {\"files\": $files}, \"rpm\": {\"files\": $files}}}}")
  say "packages: $(ls "$TARGET_DIR/$profile"/bundle/deb/*.deb "$TARGET_DIR/$profile"/bundle/rpm/*.rpm | tr '\n' ' ')"
}

build_ui() {
  say "building the UI (wasm)"
  cargo build --locked --release --target wasm32-unknown-unknown -p acsdesk-ui
  rm -rf ui/dist
  mkdir -p ui/dist
  wasm-bindgen --target web --no-typescript --out-dir ui/dist --out-name acsdesk_ui \
    "$TARGET_DIR/wasm32-unknown-unknown/release/acsdesk-ui.wasm"
  cp ui/index.html ui/boot.js ui/dist/
  cp assets/styles/app.css ui/dist/
}

run_app() {
  setup
  build_ui
  say "building the desktop app"
  cargo build --locked -p acsdesk-desktop
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    die "no display: AcsDesk is a desktop app. On a headless machine use 'xvfb-run ./dev.sh run', or the CLI: cargo run -p acsdesk-cli -- --help"
  fi
  say "starting AcsDesk"
  exec "$TARGET_DIR/debug/acsdesk-desktop" --demo "$@"
}

run_tests() {
  setup
  say "cargo fmt --check"
  cargo fmt --all -- --check
  build_ui
  say "clippy (native)"
  cargo clippy --locked --workspace --all-targets -- -D warnings
  say "clippy (wasm UI)"
  cargo clippy --locked -p acsdesk-ui --target wasm32-unknown-unknown --all-targets -- -D warnings
  # One build of every target (the app binary included) before testing, so that tests and
  # the end-to-end app share one feature set and nothing is compiled twice.
  say "building every target"
  cargo build --locked --workspace --all-targets
  # The packages the `packages` tests install and open (the debug build, bundled).
  build_packages --debug
  say "running the tests (under Xvfb and a private D-Bus session)"
  xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- scripts/desktop-session.sh \
    cargo test --locked --workspace --no-fail-fast "$@"
  say "end-to-end screenshots are in $TARGET_DIR/e2e-artifacts"
}

case "${1:-}" in
  run) shift; run_app "$@" ;;
  test) shift; run_tests "$@" ;;
  setup) setup ;;
  ui) build_ui ;;
  package) shift; setup; build_ui; build_packages "$@" ;;
  *) die "usage: ./dev.sh run | test | setup | ui | package [--debug]" ;;
esac
