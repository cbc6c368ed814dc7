#!/usr/bin/env bash
# Runs tests/browser/verify_js_test.html (explorer/web/verify.js) in headless Chromium over
# http://127.0.0.1 (a secure context: WebCrypto Ed25519 is offered there). Exit 0 on PASS.
# Usage: tests/browser/run_verify_js_test.sh [repo root]   (CHROMIUM=... to pick the browser)
set -u
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
chromium="${CHROMIUM:-chromium}"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done
profile=$(mktemp -d)
out=$(timeout "${TIMEOUT_S:-180}" "$chromium" --headless=new --no-sandbox --disable-gpu --user-data-dir="$profile" \
  --virtual-time-budget=${VTB:-20000} --dump-dom "http://127.0.0.1:$port/tests/browser/verify_js_test.html" 2>/dev/null)
rm -rf "$profile"
result=$(printf '%s' "$out" | sed -n 's:.*<title>\(.*\)</title>.*:\1:p' | head -1)
printf '%s\n' "$out" | sed -n '/<pre id="result">/,/<\/pre>/p' | sed 's/<[^>]*>//g'
if printf '%s' "$result" | grep -q '^PASS [0-9]'; then
  echo "verify_js_test: $result"
  exit 0
fi
echo "verify_js_test: FAILED: ${result:-no result (page did not finish)}"
exit 1
