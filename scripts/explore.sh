#!/usr/bin/env bash
# Wider exhaustive exploration of the negotiation machine than CI runs (docs/negotiation.md):
# the CI families plus WIDE_FAMILIES of negotiate/tests/explore.rs.
#   MOX_EXPLORE_BOUNDS            extra bounds for every family, e.g. "loss=2,dup=1,queue=5"
#   MOX_EXPLORE_FAULT_HORIZON_MS  faults may happen up to this time (default 100)
# Example: MOX_EXPLORE_BOUNDS=loss=2 MOX_EXPLORE_FAULT_HORIZON_MS=200 scripts/explore.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MOX_EXPLORE_WIDE=1 cargo test --release -p mox-negotiate --features sim,planted --test explore --locked \
  -- --nocapture "$@"
