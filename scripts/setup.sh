#!/usr/bin/env bash
# MOX developer/CI setup. Idempotent: every step checks first and does nothing when already
# satisfied, so a second run takes a few seconds. Works as root with no stdin under CI=true
# on Debian 12 with rustup (stable + nightly). Uses sudo only when not root.
#
# Usage: scripts/setup.sh [--minimal]
#   --minimal   quick dev setup: skip cargo-fuzz, valgrind and liboscpack-dev
#
# Steps:
#   1. apt packages (liblo-tools g++ pkg-config [valgrind liboscpack-dev] [python3-venv if
#      `python3 -m venv` cannot work]); `apt-get update` only when something is missing
#   2. rustup: stable targets thumbv7em-none-eabihf thumbv6m-none-eabi; nightly toolchain
#   3. cargo-fuzz ${CARGO_FUZZ_VERSION} (cargo install --locked), unless --minimal
#   4. Python venv at <repo>/.venv from scripts/python-requirements.txt (reinstalled only
#      when that file, or the interpreter, changes; a hash stamp lives in .venv)
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2
RUST_TARGETS=(thumbv7em-none-eabihf thumbv6m-none-eabi)
PYTHON=${PYTHON:-python3}

MINIMAL=0
for arg in "$@"; do
  case "$arg" in
    --minimal) MINIMAL=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "setup: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
REQUIREMENTS="$SCRIPT_DIR/python-requirements.txt"
VENV="$REPO_ROOT/.venv"

START=$SECONDS
log() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is missing"
  SUDO=(sudo -n)
fi

# ---- 1. apt packages -------------------------------------------------------------------
APT_PKGS=(liblo-tools g++ pkg-config)
if [ "$MINIMAL" -eq 0 ]; then
  APT_PKGS+=(valgrind liboscpack-dev)
fi
# Debian's python3 needs python3-venv for ensurepip; pyenv/other CPython builds do not.
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  APT_PKGS+=(python3-venv)
fi
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  log "apt packages present (${APT_PKGS[*]})"
else
  log "apt installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq </dev/null
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
  log "apt installed: ${missing[*]}"
fi

# ---- 2. rustup targets + nightly -------------------------------------------------------
command -v rustup >/dev/null 2>&1 || die "rustup not found (install Rust via rustup first)"
installed_targets=$(rustup target list --installed --toolchain stable)
need_targets=()
for t in "${RUST_TARGETS[@]}"; do
  grep -qx "$t" <<<"$installed_targets" || need_targets+=("$t")
done
if [ "${#need_targets[@]}" -eq 0 ]; then
  log "rust targets present (${RUST_TARGETS[*]})"
else
  rustup target add --toolchain stable "${need_targets[@]}" </dev/null
  log "rust targets added (${need_targets[*]})"
fi
if rustup toolchain list | grep -q '^nightly'; then
  log "nightly toolchain present"
else
  rustup toolchain install nightly --profile minimal </dev/null
  log "nightly toolchain installed"
fi

# ---- 3. cargo-fuzz ---------------------------------------------------------------------
if [ "$MINIMAL" -eq 1 ]; then
  log "cargo-fuzz skipped (--minimal)"
else
  have=""
  if command -v cargo-fuzz >/dev/null 2>&1; then
    have=$(cargo fuzz --version 2>/dev/null | awk '{print $2}' || true)
  fi
  if [ "$have" = "$CARGO_FUZZ_VERSION" ]; then
    log "cargo-fuzz $have present"
  else
    log "cargo-fuzz ${have:-missing}; installing $CARGO_FUZZ_VERSION (~1-2 min)"
    cargo install --locked --quiet --version "$CARGO_FUZZ_VERSION" cargo-fuzz </dev/null
    log "cargo-fuzz $(cargo fuzz --version | awk '{print $2}') installed"
  fi
fi

# ---- 4. Python venv --------------------------------------------------------------------
[ -f "$REQUIREMENTS" ] || die "missing $REQUIREMENTS"
stamp_file="$VENV/.mox-requirements.sha256"
want_stamp="$( { cat "$REQUIREMENTS"; "$PYTHON" -c 'import sys; print(sys.version)'; } \
  | sha256sum | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c '' >/dev/null 2>&1 \
   && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want_stamp" ]; then
  log "python venv up to date ($VENV)"
else
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$REQUIREMENTS" </dev/null
  echo "$want_stamp" >"$stamp_file"
  log "python venv installed ($VENV: $("$VENV/bin/python" -m pip freeze | tr '\n' ' '))"
fi

log "done in $((SECONDS - START))s"
