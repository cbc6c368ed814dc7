#!/usr/bin/env bash
# README command 1: install the Debian packages, build, and start a one-node devnet
# (`swarmchaind --dev`, data in ./swarmchain-dev, RPC on 127.0.0.1:22023). Ctrl-C stops it.
# Extra arguments go to swarmchaind (e.g. --dev-accounts 40).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh >/dev/null
echo "build ok: build/bin/swarmchaind, build/bin/swarmchain-wallet"
exec build/bin/swarmchaind --dev "$@"
