#!/usr/bin/env bash
# A local N-node swarmchain net on loopback (design §10).
#
#   scripts/devnet.sh start N [--dir D] [--rpc-base-port P] [--p2p-base-port Q]
#       The first start writes the net with `swarmchaind testnet` (genesis, node keys, a dev
#       wallet) into D, then starts N swarmchaind processes: node i serves RPC at
#       127.0.0.1:(P+i) and p2p at 127.0.0.1:(Q+i), and announces --public-ip 127.0.0.1 and its
#       own storage ports. On an existing D it (re)starts the nodes that are not running, with
#       the same keys and chain (N and the ports come from D/devnet.conf).
#   scripts/devnet.sh stop [--dir D]     stops every node cleanly (SIGTERM; SIGKILL after 30 s)
#   scripts/devnet.sh status [--dir D]   each node's height, hash and peer count
#
# D defaults to ./swarmchain-devnet, P to 22023, Q to 22122. Logs: D/node<i>/node.log.
# D/nodes.json lists, for each node: pid, datadir, rpc url, p2p address, pubkey.
# Environment: SWARMCHAIND (the binary; default build/bin/swarmchaind, built if missing).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

cmd=${1:-}
[[ -n "$cmd" ]] || usage
shift
nodes=""
if [[ "$cmd" == start && $# -gt 0 && "$1" != --* ]]; then
  nodes=$1
  shift
fi
dir=swarmchain-devnet
rpc_base=22023
p2p_base=22122
ports_given=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir=${2:?--dir needs a value}; shift 2 ;;
    --rpc-base-port) rpc_base=${2:?--rpc-base-port needs a value}; ports_given=1; shift 2 ;;
    --p2p-base-port) p2p_base=${2:?--p2p-base-port needs a value}; ports_given=1; shift 2 ;;
    -h|--help) usage ;;
    *) echo "devnet.sh: unknown argument '$1'" >&2; usage ;;
  esac
done

bin=${SWARMCHAIND:-$ROOT/build/bin/swarmchaind}
conf="$dir/devnet.conf"

rpc_call() {  # rpc_call URL METHOD -> the JSON reply, or nothing
  curl -s -m 2 -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":{}}" "$1/json_rpc" 2>/dev/null || true
}
json_field() {  # json_field JSON NAME -> the scalar value of "NAME"
  sed -n "s/.*\"$2\":\(\"[^\"]*\"\|[^,}]*\).*/\1/p" <<<"$1" | tr -d '"'
}
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

load_conf() {
  if [[ ! -f "$conf" ]]; then
    echo "devnet.sh: no devnet in $dir (run: scripts/devnet.sh start N --dir $dir)" >&2
    exit 1
  fi
  # shellcheck disable=SC1090
  source "$conf"
  nodes=$NODES rpc_base=$RPC_BASE p2p_base=$P2P_BASE
}

write_nodes_json() {
  local out="$dir/nodes.json.tmp" sep=""
  {
    echo "["
    for ((i = 0; i < nodes; i++)); do
      local d="$dir/node$i" pid=null
      pid_alive "$d/pid" && pid=$(cat "$d/pid")
      printf '%s  {"index": %d, "pid": %s, "datadir": "%s", "rpc": "http://127.0.0.1:%d", "p2p": "127.0.0.1:%d", "pubkey": "%s"}' \
        "$sep" "$i" "$pid" "$(cd "$d" && pwd)" $((rpc_base + i)) $((p2p_base + i)) "$(cat "$d/pubkey")"
      sep=$',\n'
    done
    printf '\n]\n'
  } >"$out"
  mv "$out" "$dir/nodes.json"
}

start() {
  if [[ ! -x "$bin" ]]; then
    echo "== building swarmchaind (scripts/build.sh)"
    bash "$ROOT/scripts/build.sh" >/dev/null
  fi
  if [[ -f "$conf" ]]; then
    local want=$nodes
    load_conf
    if [[ -n "$want" && "$want" != "$nodes" ]]; then
      echo "devnet.sh: $dir holds a net of $nodes nodes, not $want (stop it and use another --dir)" >&2
      exit 1
    fi
    ((ports_given == 0)) || echo "devnet.sh: note: an existing net keeps its ports (see $conf)"
  else
    [[ "$nodes" =~ ^[0-9]+$ && "$nodes" -ge 1 ]] || { echo "devnet.sh: start needs N >= 1" >&2; usage; }
    if [[ -e "$dir" && -n "$(ls -A "$dir" 2>/dev/null)" ]]; then
      echo "devnet.sh: $dir exists and is not a devnet (no devnet.conf); choose another --dir" >&2
      exit 1
    fi
    "$bin" testnet --nodes "$nodes" --dir "$dir" --rpc-base-port "$rpc_base" \
      --p2p-base-port "$p2p_base" >"$dir.testnet.txt" 2>&1 || { cat "$dir.testnet.txt" >&2; exit 1; }
    mv "$dir.testnet.txt" "$dir/testnet.txt"
    printf 'NODES=%s\nRPC_BASE=%s\nP2P_BASE=%s\n' "$nodes" "$rpc_base" "$p2p_base" >"$conf"
  fi
  for ((i = 0; i < nodes; i++)); do
    local d="$dir/node$i"
    if pid_alive "$d/pid"; then
      echo "node $i already running (pid $(cat "$d/pid"))"
      continue
    fi
    mapfile -t args < <("$bin" testnet --nodes "$nodes" --dir "$dir" --rpc-base-port "$rpc_base" \
      --p2p-base-port "$p2p_base" --print-args "$i")
    nohup "$bin" "${args[@]}" >>"$d/node.log" 2>&1 </dev/null &
    echo $! >"$d/pid"
    echo "node $i started (pid $!), log $d/node.log"
  done
  # Wait (bounded) until every node answers RPC.
  local deadline=$((SECONDS + 30))
  for ((i = 0; i < nodes; i++)); do
    until [[ -n "$(rpc_call "http://127.0.0.1:$((rpc_base + i))" get_height)" ]]; do
      if ! pid_alive "$dir/node$i/pid"; then
        echo "devnet.sh: node $i exited; the end of its log:" >&2
        tail -n 20 "$dir/node$i/node.log" >&2
        exit 1
      fi
      if ((SECONDS > deadline)); then
        echo "devnet.sh: node $i does not answer RPC after 30 s; see $dir/node$i/node.log" >&2
        exit 1
      fi
      sleep 0.2
    done
  done
  write_nodes_json
  echo
  for ((i = 0; i < nodes; i++)); do echo "node $i RPC: http://127.0.0.1:$((rpc_base + i))"; done
  echo "dev wallet:  $dir/dev-wallet.json (password dev)"
  echo "nodes:       $dir/nodes.json"
  echo "e.g.:        build/bin/swarmchain-wallet --keystore $dir/dev-wallet.json --node http://127.0.0.1:$rpc_base balance"
}

stop() {
  load_conf
  local pids=()
  for ((i = 0; i < nodes; i++)); do
    local f="$dir/node$i/pid"
    if pid_alive "$f"; then
      kill -TERM "$(cat "$f")" && pids+=("$i:$(cat "$f")")
    fi
  done
  for entry in "${pids[@]}"; do
    local i=${entry%%:*} pid=${entry#*:} deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "node $i (pid $pid) did not stop in 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    else
      echo "node $i stopped"
    fi
  done
  ((${#pids[@]} > 0)) || echo "no node was running"
  rm -f "$dir"/node*/pid
  write_nodes_json
}

status() {
  load_conf
  printf '%-5s %-8s %-8s %-8s %-6s %s\n' node pid state height peers hash
  for ((i = 0; i < nodes; i++)); do
    local f="$dir/node$i/pid" pid=- state=stopped height=- peers=- hash=-
    if pid_alive "$f"; then
      pid=$(cat "$f")
      state=running
      local info
      info=$(rpc_call "http://127.0.0.1:$((rpc_base + i))" get_info)
      if [[ -n "$info" ]]; then
        height=$(json_field "$info" height)
        peers=$(json_field "$info" peers)
        hash=$(json_field "$info" top_block_hash)
        [[ "$(json_field "$info" syncing)" == true ]] && state=syncing
      else
        state=no-rpc
      fi
    fi
    printf '%-5s %-8s %-8s %-8s %-6s %s\n' "$i" "$pid" "$state" "$height" "$peers" "$hash"
  done
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
