#!/usr/bin/env bash
# End to end: starts `swarmchaind --dev` on loopback, waits for height >= 12 (a committee
# hand-off behind the tip), serves the repository root with /json_rpc proxied to the node (one
# origin, as the explorer will be), and runs tests/browser/verify_js_e2e.html in headless
# Chromium for a random Session id: SwarmProofCheck must verify the node's proofs and find the
# swarm get_swarm names. Exit 0 on PASS. Stops the node and the server it started.
# Usage: tests/browser/run_verify_js_e2e.sh [path/to/swarmchaind]
#   USE_RUNNING_NODE=1 RPC_PORT=p  use a node already serving RPC on 127.0.0.1:p (e.g. a
#                 `swarmchaind testnet` net) instead of starting --dev; it is left running.
#   CAPTURE=file  also writes the genesis, chain, proof and get_swarm answer for a fixed id there
#                 (the offline fixture tests/browser/data/dev_node_capture.json).
set -u
root="$(cd "$(dirname "$0")/../.." && pwd)"
node_bin="${1:-/work/main/build/bin/swarmchaind}"
chromium="${CHROMIUM:-chromium}"
datadir="${DATADIR:-/tmp/xverify-dev}"
rpc_port="${RPC_PORT:-23998}"
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
rpc() {
  local params="${2:-}"
  [ -n "$params" ] || params='{}'
  python3 - "$rpc_port" "$1" "$params" <<'PY'
import json, sys, urllib.request
port, method, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
req = urllib.request.Request("http://127.0.0.1:%s/json_rpc" % port,
    data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode(),
    headers={"Content-Type": "application/json"})
print(json.dumps(json.load(urllib.request.urlopen(req, timeout=10)).get("result")))
PY
}
height=0
for _ in $(seq 180); do
  height=$(rpc get_height 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo 0)
  [ "${height:-0}" -ge 12 ] && break
  sleep 1
done
if [ "${height:-0}" -lt 12 ]; then echo "node did not reach height 12 (at ${height:-0}); log: $datadir.log"; exit 1; fi
echo "node at height $height"

if [ -n "${CAPTURE:-}" ]; then
  python3 - "$rpc_port" "$CAPTURE" <<'PY'
import json, sys, urllib.request
port, out = sys.argv[1], sys.argv[2]
def rpc(method, params={}):
    req = urllib.request.Request("http://127.0.0.1:%s/json_rpc" % port,
        data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode(),
        headers={"Content-Type": "application/json"})
    j = json.load(urllib.request.urlopen(req, timeout=10))
    if "error" in j: raise SystemExit("%s: %s" % (method, j["error"]))
    return j["result"]
session = "05" + "5a" * 32
genesis = rpc("get_genesis")
proof = rpc("get_swarm_proof", {"pubkey": session})
chain = rpc("get_committee_chain", {"from_height": 0, "to_height": proof["height"]})
table = rpc("get_swarm_table")
swarm = rpc("get_swarm", {"pubkey": session})
json.dump({"_comment": "Captured from swarmchaind --dev by tests/browser/run_verify_js_e2e.sh (CAPTURE=...): "
           "what get_genesis, get_committee_chain, get_swarm_proof, get_swarm_table and get_swarm answered "
           "for session_id. Check with now_ms = tip_time_ms (the tip is old by now).",
           "session_id": session, "tip_time_ms": swarm["t"], "genesis": genesis, "chain": chain,
           "swarm_proof": proof, "table_height": table["height"], "table_proof": table["proof"],
           "get_swarm": swarm}, open(out, "w"), indent=1)
print("captured", out, "height", proof["height"], "swarm", swarm["swarm"])
PY
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 - "$root" "$port" "$rpc_port" <<'PY' >/dev/null 2>&1 &
import functools, http.server, sys, urllib.request
root, port, rpc_port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
class Handler(http.server.SimpleHTTPRequestHandler):
    def do_POST(self):
        if self.path != "/json_rpc":
            self.send_error(404); return
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        req = urllib.request.Request("http://127.0.0.1:%s/json_rpc" % rpc_port, data=body,
                                     headers={"Content-Type": "application/json"})
        data = urllib.request.urlopen(req, timeout=30).read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
http.server.ThreadingHTTPServer(("127.0.0.1", port),
    functools.partial(Handler, directory=root)).serve_forever()
PY
server_pid=$!
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done
session="05$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
profile=$(mktemp -d)
out=$(timeout "${TIMEOUT_S:-180}" "$chromium" --headless=new --no-sandbox --disable-gpu --user-data-dir="$profile" \
  --virtual-time-budget=${VTB:-20000} --dump-dom "http://127.0.0.1:$port/tests/browser/verify_js_e2e.html?session=$session" 2>/dev/null)
rm -rf "$profile"
result=$(printf '%s' "$out" | sed -n 's:.*<title>\(.*\)</title>.*:\1:p' | head -1)
printf '%s\n' "$out" | sed -n '/<pre id="result">/,/<\/pre>/p' | sed 's/<[^>]*>//g'
if printf '%s' "$result" | grep -q '^PASS [0-9]'; then
  echo "verify_js_e2e ($session): $result"
  exit 0
fi
echo "verify_js_e2e ($session): FAILED: ${result:-no result}"
exit 1
