#!/usr/bin/env bash
# Installs the Debian packages swarmchain builds against. Idempotent; needs root (or sudo).
set -euo pipefail
PKGS=(build-essential cmake pkg-config
      librocksdb-dev libsodium-dev libboost-dev
      libcpp-httplib-dev nlohmann-json3-dev
      libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
      libspdlog-dev libfmt-dev curl
      wrk  # the RPC server benchmark (scripts/bench.sh rpc)
      clang libclang-rt-14-dev  # fuzzing and the sanitizer builds
      llvm-14  # llvm-symbolizer: sanitizer reports with file:line (scripts/sanitize.sh)
      chromium chromium-driver)  # the explorer's browser tests (ctest -L browser)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps.sh: all packages already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
