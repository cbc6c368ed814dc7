#!/usr/bin/env bash
# End to end for the explorer's "Find my swarm" page: starts `swarmchaind --dev` on loopback,
# waits for height >= 12 (a committee hand-off behind the tip), serves explorer/web as the node
# will (index at /, files at /explorer/<name>, POST /json_rpc proxied to the node; one origin,
# CSP script-src 'self'), loads #/find?id=<random Session id> in headless Chromium and checks that
# SwarmProofCheck verified it in the page: #find-proof data-verified="1", data-proof-swarm equal
# to #find-result's data-swarm, the "verified in this browser from the genesis" text, and
# body data-ready="1". Exit 0 on PASS. Stops the node and the server it started.
# Usage: tests/browser/run_explorer_find_e2e.sh [path/to/swarmchaind]
#   USE_RUNNING_NODE=1 RPC_PORT=p  use a node already serving RPC on 127.0.0.1:p.
set -u
root="$(cd "$(dirname "$0")/../.." && pwd)"
node_bin="${1:-/work/main/build/bin/swarmchaind}"
chromium="${CHROMIUM:-chromium}"
datadir="${DATADIR:-/tmp/xfind-e2e-dev}"
rpc_port="${RPC_PORT:-23991}"
node_pid=""
if [ -z "${USE_RUNNING_NODE:-}" ]; then
  [ -x "$node_bin" ] || { echo "no node binary at $node_bin"; exit 1; }
  rm -rf "$datadir"
  "$node_bin" --dev --datadir "$datadir" --rpc-bind "127.0.0.1:$rpc_port" >"$datadir.log" 2>&1 &
  node_pid=$!
fi
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null
}
trap cleanup EXIT
height=0
for _ in $(seq 180); do
  height=$(python3 - "$rpc_port" 2>/dev/null <<'PY' || echo 0
import json, sys, urllib.request
req = urllib.request.Request("http://127.0.0.1:%s/json_rpc" % sys.argv[1],
    data=b'{"jsonrpc":"2.0","id":1,"method":"get_height"}', headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req, timeout=5))["result"]["height"])
PY
)
  [ "${height:-0}" -ge 12 ] && break
  sleep 1
done
if [ "${height:-0}" -lt 12 ]; then echo "node did not reach height 12 (at ${height:-0})"; exit 1; fi
echo "node at height $height"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 - "$root/explorer/web" "$port" "$rpc_port" <<'PY' >/dev/null 2>&1 &
import http.server, os, sys, urllib.request
web, port, rpc_port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css"}
CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:"
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, data, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        p = self.path.split("?")[0]
        name = "index.html" if p == "/" else (p[len("/explorer/"):] if p.startswith("/explorer/") else None)
        if not name or "/" in name or not os.path.isfile(os.path.join(web, name)):
            return self.send(404, b"not found", "text/plain")
        with open(os.path.join(web, name), "rb") as f:
            self.send(200, f.read(), TYPES.get(os.path.splitext(name)[1], "application/octet-stream"))
    def do_POST(self):
        if self.path != "/json_rpc":
            return self.send(404, b"", "text/plain")
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        req = urllib.request.Request("http://127.0.0.1:%s/json_rpc" % rpc_port, data=body,
                                     headers={"Content-Type": "application/json"})
        self.send(200, urllib.request.urlopen(req, timeout=30).read(), "application/json")
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
server_pid=$!
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done
session="05$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
profile=$(mktemp -d)
out=$(timeout "${TIMEOUT_S:-180}" "$chromium" --headless=new --no-sandbox --disable-gpu --user-data-dir="$profile" \
  --virtual-time-budget=${VTB:-20000} --dump-dom "http://127.0.0.1:$port/#/find?id=$session" 2>/dev/null)
rm -rf "$profile"
fail() { echo "explorer_find_e2e ($session): FAILED: $1"; printf '%s\n' "$out" | grep -o '<div id="find-proof".*' | head -c 2000; echo; exit 1; }
printf '%s' "$out" | grep -q '<body data-ready="1"' || fail 'body data-ready is not 1'
swarm=$(printf '%s' "$out" | sed -n 's:.*<div id="find-result" class="panel" data-swarm="\([0-9a-f]\{16\}\)".*:\1:p' | head -1)
[ -n "$swarm" ] || fail 'no #find-result with a data-swarm'
proof=$(printf '%s' "$out" | grep -o '<div id="find-proof"[^>]*>' | head -1)
printf '%s' "$proof" | grep -q 'data-verified="1"' || fail "#find-proof is not verified: $proof"
printf '%s' "$proof" | grep -q "data-proof-swarm=\"$swarm\"" || fail "#find-proof names another swarm than $swarm: $proof"
printf '%s' "$out" | grep -q 'verified in this browser from the genesis: height' || fail 'no verified text'
echo "explorer_find_e2e ($session): PASS (swarm $swarm, $(printf '%s' "$out" | grep -o 'certified by [0-9]* of [0-9]*, through [0-9]* committee hand-off[s]*' | head -1))"
