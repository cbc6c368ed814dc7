// End to end: the page asks a real node (through the test server's /json_rpc proxy) for the
// genesis, the committee chain and a swarm proof, verifies them with SwarmProofCheck, and
// compares the verified swarm with the node's plain get_swarm answer.
(function () {
  'use strict';
  const S = window.SwarmProofCheck;
  let id = 0;
  async function rpc(method, params) {
    const r = await fetch('/json_rpc', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: params || {} }),
    });
    const j = await r.json();
    if (j.error) throw new Error(j.error.message + ' (' + j.error.code + ')');
    return j.result;
  }
  async function run() {
    const lines = [];
    const failures = [];
    const session = new URLSearchParams(location.search).get('session');
    const plain = await rpc('get_swarm', { pubkey: session });
    lines.push('get_swarm: swarm ' + plain.swarm + ' at height ' + plain.height + ', ' + plain.snodes.length + ' node(s)');
    const expect = (r, what) => {
      lines.push(what + ': ' + JSON.stringify({ ok: r.ok, step: r.step, message: r.message, height: r.height, signers: r.signers,
                                                committeeSize: r.committeeSize, swarmId: r.swarmId, handoffs: r.handoffs,
                                                members: r.members.length }));
      if (!r.ok) failures.push(what + ': ' + r.step + ': ' + r.message);
      else if (r.swarmId !== plain.swarm.padStart(16, '0')) failures.push(what + ': swarm ' + r.swarmId + ' but get_swarm says ' + plain.swarm);
      else {
        const keys = plain.snodes.map((n) => n.pubkey_ed25519).sort().join();
        if (r.height === plain.height && r.members.map((m) => m.pubkey_ed25519).sort().join() !== keys)
          failures.push(what + ': members differ from get_swarm at the same height');
      }
    };
    // 1. The exact call the explorer page makes: SwarmProofCheck.lookup with its rpc function.
    expect(await S.lookup({ rpc, sessionId: session }), 'lookup(get_swarm_proof)');
    expect(await S.lookup({ rpc, sessionId: session, local: true }), 'lookup(get_swarm_table)');
    // 2. verify() on pieces fetched by hand: genesis, proof, every committee-chain page.
    const genesis = await rpc('get_genesis', {});
    const proof = await rpc('get_swarm_proof', { pubkey: session });
    const pages = [];
    let from = 0;
    for (;;) {
      const page = await rpc('get_committee_chain', { from_height: from, to_height: proof.height });
      pages.push(page);
      if (!page.more || page.handoffs.length === 0) break;
      from = page.handoffs[page.handoffs.length - 1].height;
    }
    const r = await S.verify({ genesis, chain: pages, proofHex: proof.proof, sessionId: session,
                               nowMs: Date.now(), maxAgeMs: 600000, chainId: genesis.chain_id });
    expect(r, 'verify(pieces)');
    // 3. A tampered proof is refused (one byte of the last record flipped).
    const bad = proof.proof.slice(0, -40) + (proof.proof.slice(-40, -39) === '0' ? '1' : '0') + proof.proof.slice(-39);
    const rb = await S.verify({ genesis, chain: pages, proofHex: bad, sessionId: session });
    lines.push('tampered proof: ' + rb.step + ': ' + rb.message);
    if (rb.ok) failures.push('a tampered proof was accepted');
    const line = failures.length ? 'FAIL ' + failures.join('; ') : 'PASS ' + lines.length;
    document.getElementById('result').textContent = line + '\n' + lines.join('\n');
    document.title = line;
  }
  run().catch((e) => {
    document.title = 'FAIL ' + e;
    document.getElementById('result').textContent = 'FAIL ' + (e && e.stack ? e.stack : e);
  });
})();
