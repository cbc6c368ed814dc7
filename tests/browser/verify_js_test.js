// Known-answer and refusal tests of explorer/web/verify.js (SwarmProofCheck), run by
// verify_js_test.html in a browser over http://127.0.0.1 (run_verify_js_test.sh). Writes
// "PASS n" or "FAIL <what>" into document.title and <pre id="result">.
//
// Independent references: BLAKE2b values from RFC 7693 and Python's hashlib; the golden vectors
// of tests/data/*.json (written by the C++ code or by hand from the grammar); keys test_key(i) =
// ed25519 from a seed of 32 bytes i (tests/chain/test_util.cpp), made here with WebCrypto, whose
// signatures are deterministic and so match the C++ ones byte for byte.
(function () {
  'use strict';
  const S = window.SwarmProofCheck;
  const log = [];
  let passed = 0;
  const failures = [];
  function check(cond, what) {
    if (cond) passed++;
    else { failures.push(what); log.push('FAILED: ' + what); }
  }
  function eq(a, b, what) {
    const ok = a === b;
    check(ok, what + (ok ? '' : ' (got ' + a + ', expected ' + b + ')'));
  }
  const hex = S.toHex;
  const unhex = (s) => { const b = S.fromHex(s); if (!b) throw new Error('bad hex in test: ' + s); return b; };
  const ascii = (s) => new TextEncoder().encode(s);
  function concat(...parts) {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  async function fetchJson(path, bigFields) {
    const r = await fetch(path, { cache: 'no-store' });
    if (!r.ok) throw new Error('fetch ' + path + ': HTTP ' + r.status);
    let text = await r.text();
    // u64 values beyond 2^53 must stay exact: quote long integers before JSON.parse.
    if (bigFields) text = text.replace(/("value":\s*)(\d{16,})/g, '$1"$2"');
    return JSON.parse(text);
  }

  // ------------------------------------------------------------ test-side encoder (the grammar)
  class Writer {
    constructor() { this.buf = new Uint8Array(1024); this.n = 0; }
    grow(k) {
      if (this.n + k <= this.buf.length) return;
      let cap = this.buf.length * 2;
      while (cap < this.n + k) cap *= 2;
      const b = new Uint8Array(cap);
      b.set(this.buf.subarray(0, this.n));
      this.buf = b;
    }
    u8(v) { this.grow(1); this.buf[this.n++] = v; return this; }
    le(v, k) { v = BigInt(v); for (let i = 0; i < k; ++i) this.u8(Number((v >> BigInt(8 * i)) & 0xffn)); return this; }
    u16(v) { return this.le(v, 2); }
    u32(v) { return this.le(v, 4); }
    u64(v) { return this.le(v, 8); }
    varint(v) { v = BigInt(v); while (v >= 0x80n) { this.u8(Number(v & 0x7fn) | 0x80); v >>= 7n; } return this.u8(Number(v)); }
    raw(b) { this.grow(b.length); this.buf.set(b, this.n); this.n += b.length; return this; }
    bytes(b) { return this.varint(b.length).raw(b); }
    data() { return this.buf.slice(0, this.n); }
  }
  function encodeHeader(h) {
    const w = new Writer();
    w.u64(h.height).raw(h.prevHash).u64(h.timeMs).raw(h.proposer).raw(h.txRoot).raw(h.stateRoot)
      .raw(h.registryRoot).raw(h.committeeHash).raw(h.nextCommitteeHash).raw(h.lastCommitHash);
    return w.data();
  }
  function writeCert(w, c) {
    w.u64(c.height).u32(c.round).raw(c.blockHash).varint(c.sigs.length);
    for (const s of c.sigs) w.u16(s.index).raw(s.signature);
  }
  function writeCertified(w, ch) { w.raw(ch.header); writeCert(w, ch.cert); }
  function encodeHandoff(h) {
    const w = new Writer();
    writeCertified(w, h.block);
    w.u8(h.nextCommittee ? 1 : 0);
    if (h.nextCommittee) { w.varint(h.nextCommittee.length); for (const pk of h.nextCommittee) w.raw(pk); }
    return w.data();
  }
  function writeRecord(w, sn) {
    w.raw(sn.pubkey).raw(sn.pubkeyX25519).raw(sn.operator).u16(sn.feeBps).varint(sn.contributors.length);
    for (const c of sn.contributors) w.raw(c.address).u64(c.amount).u64(c.reserved);
    w.u64(sn.totalContributed).u64(sn.totalReserved).u64(sn.stakingRequirement).u64(sn.registrationHeight)
      .u64(sn.activeSinceHeight).u8(sn.state).u64(sn.requestedUnlockHeight).u64(sn.lastRewardHeight)
      .u32(sn.lastRewardIndex).u32(sn.decommissionCount).u64(sn.recommissionCredit)
      .u64(sn.lastDecommissionHeight).u64(sn.swarmId).u64(sn.rewardsEarned).u64(sn.lastProofHeight)
      .u64(sn.lastProofTimeMs).u64(sn.lastProofSentMs);
    const c = sn.contact;
    w.u32(c.publicIp).u16(c.storagePort).u16(c.storageLmqPort).u16(c.quorumnetPort)
      .u16(c.version[0]).u16(c.version[1]).u16(c.version[2]).u64(sn.activeSinceTimeMs);
  }
  function encodeRecord(sn) { const w = new Writer(); writeRecord(w, sn); return w.data(); }
  function encodeSwarmProof(p) {
    const w = new Writer();
    writeCertified(w, p.tip);
    w.varint(p.records.length);
    for (const sn of p.records) writeRecord(w, sn);
    w.varint(p.swarmIds.length);
    for (const id of p.swarmIds) w.u64(id);
    w.u64(p.swarmId);
    return w.data();
  }
  function encodeSwarmTableProof(p) {
    const w = new Writer();
    writeCertified(w, p.tip);
    w.varint(p.records.length);
    for (const sn of p.records) writeRecord(w, sn);
    w.bytes(p.table);
    return w.data();
  }
  const PARAMS = [
    ['target_block_ms', 8, 1000], ['staking_requirement', 8, 100000000000], ['min_operator_stake', 8, 25000000000],
    ['max_contributors', 4, 10], ['unlock_delay_blocks', 8, 100], ['dereg_lock_blocks', 8, 200],
    ['block_reward', 8, 275000000], ['committee_size', 4, 4], ['epoch_blocks', 8, 10], ['min_swarm_size', 4, 1],
    ['ideal_swarm_size', 4, 3], ['proof_interval_s', 8, 60], ['proof_lifetime_s', 8, 150],
    ['max_block_bytes', 8, 4194304], ['max_block_txs', 4, 20000], ['max_clock_drift_ms', 8, 1000],
    ['timeout_propose_ms', 8, 500], ['timeout_prevote_ms', 8, 250], ['timeout_precommit_ms', 8, 250],
    ['timeout_delta_ms', 8, 125], ['proof_skew_ms', 8, 300000], ['credit_initial_s', 8, 120],
    ['credit_per_day_s', 8, 43200], ['credit_max_s', 8, 600], ['credit_min_to_decommission_s', 8, 60],
  ];
  function encodeGenesis(g) {
    const w = new Writer();
    w.bytes(ascii(g.network)).u64(g.timeMs);
    for (const [k, size, dflt] of PARAMS) w.le(g.params[k] !== undefined ? g.params[k] : dflt, size);
    w.varint(g.accounts.length);
    for (const a of g.accounts) w.raw(a.pubkey).u64(a.balance);
    w.varint(g.serviceNodes.length);
    for (const sn of g.serviceNodes) w.raw(sn.pubkey).raw(sn.operator).u64(sn.stake);
    return w.data();
  }

  // ------------------------------------------------------------ keys
  const PKCS8_ED25519 = unhex('302e020100300506032b657004220420');
  const b64url = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  const keyCache = new Map();
  // test_key(i): the ed25519 key of the seed of 32 bytes i.
  async function testKey(i) {
    if (keyCache.has(i)) return keyCache.get(i);
    const priv = await crypto.subtle.importKey('pkcs8', concat(PKCS8_ED25519, new Uint8Array(32).fill(i)),
                                               { name: 'Ed25519' }, true, ['sign']);
    const jwk = await crypto.subtle.exportKey('jwk', priv);
    const k = { i, pub: b64url(jwk.x), sign: async (m) => new Uint8Array(await crypto.subtle.sign('Ed25519', priv, m)) };
    keyCache.set(i, k);
    return k;
  }
  const pattern = (start, n) => Uint8Array.from({ length: n || 32 }, (_, i) => (start + i) & 255);

  // A certificate of header bytes by the given committee keys (indexes into it).
  async function certify(header, chainId, committeeKeys, signerIndexes, round) {
    const hv = S.headerView(header);
    const digest = S.voteDigest(chainId, 1, hv.height, round || 0, hv.blockHash);
    const sigs = [];
    for (const i of signerIndexes) sigs.push({ index: i, signature: await committeeKeys[i].sign(digest) });
    return { height: hv.height, round: round || 0, blockHash: hv.blockHash, sigs };
  }

  // ------------------------------------------------------------ 1. BLAKE2b
  const B2_VECTORS = [  // [length, blake2b-256, blake2b-512] of bytes (7i+3) & 255, by Python hashlib
    [0, '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8', '786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce'],
    [1, 'e88bd757ad5b9bedf372d8d3f0cf6c962a469db61a265f6418e1ffed86da29ec', '4fe4da61bcc756071b226843361d74944c72245d23e8245ea678c13fdcd7fe2ae529cf999ad99cc24f7a73416a18ba53e76c0afef83b16a568b12fbfc1a2674d'],
    [3, '9facd640130c81e7f318a8d5c660bc1b0f5d03861ffbd4cc1358e0e904593c28', '76ce7e90c577d436a65b691e51f0a1ad536130d70a18df3bf5368551327258b6f706f4a47c45f2d0d8147cfbb5623077e798247972e4f9338603a13abc05a4db'],
    [63, 'a69e023685fa5f19fca13acc02142a9cf8450ce5b77966586e0d000c4a4ea942', '70b2a0e6daecac22c7a2df82c06e3fc0b4c66bd5ef8098e4ed54e723b393d79ef3bceba079a01a14c6ef2ae2ed1171df1662cd14ef38e6f77b01c7f48144dd09'],
    [64, '586c0dd87616ec042093edc5f87f880d37ca73618e99b03d5850ce9be478721f', '3db7bb5c40745f0c975ac6bb8578f590e2cd2cc1fc6d13533ef725325c9fddff5cca24e7a591a0f6032a24fad0e09f6df873c4ff314628391f78df7f09cb7ed7'],
    [65, '6f7ceeb90322d003c5b33ae8b9d9282e0159dbdc17434abc3f91ae794641d77d', '149c114a3e8c6e06bafee27c9d0de0e39ef28294fa0d9f81876dcceb10bb41101e256593587e46b844819ed7ded90d56c0843df06c95d1695c3de635cd7a888e'],
    [127, 'c9ae3859964b35f04c54b36d33cf299d7290ee621005d28e51598a943560aaaa', '71546bbf9110ad184cc60f2eb120fcfd9b4dbbca7a7f1270045b8a23a6a4f4330f65c1f030dd2f5fabc6c57617242c37cf427bd90407fac5b9deffd3ae888c39'],
    [128, 'f0501d06597880592bc49234eef100ec1ff349058d0e9d9b753504e24af86dd6', '2d9e329f42afa3601d646692b81c13e87fcaff5bf15972e9813d7373cb6d181f9599f4d513d4af4fd6ebd37497aceb29aba5ee23ed764d8510b552bd088814fb'],
    [129, 'a34a4e1e03c541dfbf3099c4b6c143c022ced65c28bd7e8a10e0a098461aecf0', '47889df9eb4d717afc5019df5c6a83df00a0b8677395e078cd5778ace0f338a618e68b7d9afb065d9e6a01ccd31d109447e7fae771c3ee3e105709194122ba2b'],
    [255, 'f2d64a40e9412a3414161ff6250075225418fd7c271c1123e162e1bca0de9f93', '1a5199ac66a00e8a87ad1c7fbad30b33137dd8312bf6d98602dacf8f40ea2cb623a7fbc63e5a6bfa434d337ae7da5ca1a52502a215a3fe0297a151be85d88789'],
    [256, 'd93ebb9c802f5630ab22516fd82b6c21bc8bd551d531349b715f046ed11ed871', '91019c558584980249ca43eceed27e19f1c3c24161b93eed1eee2a6a774f60bf8a81b43750870bee1698feac9c5336ae4d5c842e7ead159bf3916387e8ded9ae'],
    [257, '4ce481b24d387422d2bc2baa03d1afd55a1327939ff537c71eb9b38709268649', '9f1975efca45e7b74b020975d4d2c22802906ed8bfefca51ac497bd23147fc8f303890d8e5471ab6caaa02362e831a9e8d3435279912ccd4842c7806b096c348'],
    [1000, 'd62b6c768ce1afc8367e0498ab2f8e3f7c178c35b1429f14c4604b545d200f52', '4bdd2c9cf31d797a81d245c989ffb7515143ca345c66f73087dd5c58bf642bf083ba16894eab79e3b08d5126404d833e7510271b50be36a7b7cbbb46f5c89fac'],
    [65539, '3b2f83109e6419774fbfc149543950e88b0fb4ca06a6de2a184aaab076806a38', 'ea064c3680e1b421aa9d67c6ac159de15d1f1bd744d86159211e51887e2ebdd52e1f01e3e586b02865c7f581cdc0ddd4f39c49c4922e63dd41e20453c99c7cba'],
  ];
  function testBlake2b() {
    // RFC 7693 Appendix A: BLAKE2b-512("abc").
    eq(hex(S.blake2b(ascii('abc'), 64)),
       'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
       'RFC 7693 BLAKE2b-512("abc")');
    eq(hex(S.blake2b256(new Uint8Array(0))), '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8', 'BLAKE2b-256("")');
    eq(hex(S.blake2b256(ascii('abc'))), 'bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319', 'BLAKE2b-256("abc")');
    for (const [n, h256, h512] of B2_VECTORS) {
      const b = Uint8Array.from({ length: n }, (_, i) => (7 * i + 3) & 255);
      eq(hex(S.blake2b256(b)), h256, 'BLAKE2b-256 of ' + n + ' bytes');
      eq(hex(S.blake2b(b, 64)), h512, 'BLAKE2b-512 of ' + n + ' bytes');
      // Incremental, in uneven pieces, gives the same.
      const inc = new S.Blake2b(32);
      for (let i = 0; i < n; i += 61) inc.update(b.subarray(i, Math.min(n, i + 61)));
      eq(hex(inc.digest()), h256, 'incremental BLAKE2b-256 of ' + n + ' bytes');
    }
    const big = new Uint8Array(3 << 20);
    for (let i = 0; i < big.length; ++i) big[i] = i & 255;
    const t0 = performance.now();
    S.blake2b256(big);
    log.push('BLAKE2b-256 of 3 MiB: ' + (performance.now() - t0).toFixed(0) + ' ms');
  }

  // ------------------------------------------------------------ 2. codec
  function testCodec(v) {
    const rd = (h) => new S.Reader(unhex(h));
    for (const c of v.u8) eq(rd(c.hex).u8(), c.value, 'u8 ' + c.hex);
    for (const c of v.u16) eq(rd(c.hex).u16(), c.value, 'u16 ' + c.hex);
    for (const c of v.u32) eq(rd(c.hex).u32(), c.value, 'u32 ' + c.hex);
    for (const c of v.u64) eq(rd(c.hex).u64(), BigInt(c.value), 'u64 ' + c.hex);
    for (const c of v.varint) {
      const r = rd(c.hex);
      eq(r.varint(), BigInt(c.value), 'varint ' + c.hex);
      eq(r.remaining(), 0, 'varint consumed ' + c.hex);
      eq(hex(new Writer().varint(c.value).data()), c.hex, 'test encoder varint ' + c.value);
    }
    for (const c of v.bytes) eq(hex(rd(c.hex).bytes(1 << 20)), c.value_hex, 'bytes ' + c.hex.slice(0, 16));
    for (const c of v.str) eq(new TextDecoder().decode(rd(c.hex).bytes(32)), c.value, 'str ' + c.hex);
    for (const c of v.fixed32) eq(hex(rd(c.hex).fixed(32)), c.value_hex, 'fixed32');
    const err = (h, dec) => S.decodeExact(dec || ((r) => r.varint()), unhex(h)).error;
    eq(err('8000'), 'decode error: non-minimal varint', 'non-minimal varint refused');
    eq(err('ffffffffffffffffff02'), 'decode error: varint overflows 64 bits', 'varint overflow refused');
    eq(err('80'), 'decode error: input truncated at byte 1', 'truncated varint refused');
    eq(err('0100'), 'decode error: 1 trailing bytes', 'trailing bytes refused');
    eq(err('05', (r) => r.count(4)), 'decode error: length 5 above limit 4', 'count above limit refused');
  }

  // ------------------------------------------------------------ 3. merkle
  function testMerkle(v) {
    for (const c of v.cases)
      eq(hex(S.merkleRoot(c.leaves.map(unhex))), c.root, 'merkle root of ' + c.leaves.length + ' leaves');
    eq(hex(S.MERKLE_EMPTY), v.cases[0].root, 'empty merkle root');
  }

  // ------------------------------------------------------------ 4. registry encodings
  function testRegistryEncodings(v) {
    const d = S.decodeExact(S.decodeRecord, unhex(v.service_node.hex));
    check(!d.error, 'golden service_node decodes: ' + d.error);
    if (d.error) return;
    eq(hex(S.leafHash(d.value)), v.service_node.leaf_hash, 'golden service_node leaf_hash');
    eq(hex(encodeRecord(d.value)), v.service_node.hex, 'golden service_node re-encodes to the same bytes');
    eq(hex(S.hashTagged('swarmchain/sn', unhex(v.service_node.hex))), v.service_node.leaf_hash, 'leaf_hash = H("swarmchain/sn" || record)');
    // Refusals of the record grammar.
    const rec = unhex(v.service_node.hex);
    const fee = rec.slice(); fee[96] = 0x11; fee[97] = 0x27;  // fee_bps 10001
    eq(S.decodeExact(S.decodeRecord, fee).error, 'decode error: fee_bps 10001 above 10000', 'record with fee_bps > 10000 refused');
    eq(S.decodeExact(S.decodeRecord, rec.subarray(0, rec.length - 1)).error,
       'decode error: input truncated at byte ' + (rec.length - 8), 'truncated record refused');
  }

  // ------------------------------------------------------------ 5. swarm proof vectors
  async function expectStep(promise, step, what, messagePart) {
    try {
      await promise;
      check(false, what + ': accepted, expected a refusal at ' + step);
    } catch (e) {
      if (!(e instanceof S.StepFailure)) { check(false, what + ': threw ' + e); return; }
      eq(e.step, step, what + ' (' + e.message + ')');
      if (messagePart) check(e.message.includes(messagePart), what + ': message "' + e.message + '" lacks "' + messagePart + '"');
    }
  }
  function expectSyncStep(fn, step, what, messagePart) {
    return expectStep(Promise.resolve().then(fn), step, what, messagePart);
  }
  async function testSwarmProofVectors(v) {
    const k2 = await testKey(2), k3 = await testKey(3), k4 = await testKey(4), k5 = await testKey(5);
    const chainId = pattern(9);
    // The hand-off.
    const hb = unhex(v.handoff);
    const h = S.decodeExact(S.decodeHandoff, hb);
    check(!h.error, 'golden handoff decodes: ' + h.error);
    if (h.error) return;
    eq(hex(encodeHandoff(h.value)), v.handoff, 'golden handoff re-encodes to the same bytes');
    const hv = S.headerView(h.value.block.header);
    eq(hv.height, 20n, 'golden header height');
    eq(hv.timeMs, 1700000010000n, 'golden header time');
    eq(hex(hv.registryRoot), hex(pattern(120)), 'golden header registry_root');
    eq(hex(hv.committeeHash), hex(S.committeeHash([k2.pub])), 'golden header committee_hash = committee_hash({test_key(2)})');
    eq(hex(hv.nextCommitteeHash), hex(S.committeeHash([k3.pub, k4.pub])), 'golden header next_committee_hash');
    eq(h.value.nextCommittee.map(hex).join(), [k3.pub, k4.pub].map(hex).join(), 'golden handoff members');
    eq(hex(h.value.block.cert.blockHash), hex(hv.blockHash), 'golden certificate names the header hash');
    // The golden signature is test_key(2)'s over the vote digest: WebCrypto makes the same bytes.
    const digest = S.voteDigest(chainId, 1, 20n, 0, hv.blockHash);
    eq(hex(h.value.block.cert.sigs[0].signature), hex(await k2.sign(digest)), 'golden precommit = test_key(2) signature of the vote digest');

    const chain = new S.CommitteeChain(chainId, 20n, [k2.pub]);
    await chain.apply(h.value);
    eq(chain.epoch, 1n, 'golden handoff accepted: epoch 1');
    eq(chain.committee.map(hex).join(), [k3.pub, k4.pub].map(hex).join(), 'golden handoff: committee moves to {3, 4}');
    eq(chain.seen, 20n, 'golden handoff: height 20 seen');

    // Refusals of the hand-off, each at its step.
    const fresh = (E, committee, id) => new S.CommitteeChain(id || chainId, E || 20n, committee || [k2.pub]);
    const decodeH = () => S.decodeExact(S.decodeHandoff, hb).value;
    await expectStep(fresh(10n).apply(decodeH()), 'committee hand-off header', 'hand-off at the wrong height', 'expected the hand-off of epoch 0 at height 10');
    await expectStep(fresh(20n, [k5.pub]).apply(decodeH()), 'committee hand-off header', 'hand-off naming another committee', 'names a committee other');
    await expectStep(fresh(20n, [k2.pub], pattern(10)).apply(decodeH()), 'committee hand-off certificate', 'hand-off of another chain id', 'signature of validator 0 is invalid');
    {
      const x = decodeH(); x.block.cert.sigs[0].signature = x.block.cert.sigs[0].signature.slice(); x.block.cert.sigs[0].signature[5] ^= 1;
      await expectStep(fresh().apply(x), 'committee hand-off certificate', 'hand-off with a bad signature');
    }
    {
      const x = decodeH(); x.block.cert.sigs = [];
      await expectStep(fresh().apply(x), 'committee hand-off certificate', 'hand-off without signatures', 'certificate has 0 signatures, quorum is 1');
    }
    {
      const x = decodeH(); x.block.cert.sigs[0].index = 1;
      await expectStep(fresh().apply(x), 'committee hand-off certificate', 'hand-off signer outside the committee', 'certificate signer index 1 outside committee of 1');
    }
    {
      const x = decodeH(); x.block.cert.height = 19n;
      await expectStep(fresh().apply(x), 'committee hand-off certificate', 'certificate of another height', 'certificate is for height 19, not 20');
    }
    {
      const x = decodeH(); x.nextCommittee = [k3.pub, k5.pub];
      await expectStep(fresh().apply(x), 'committee hand-off next committee', 'hand-off with other members', "do not hash to the header's next_committee_hash");
    }
    {
      const x = decodeH(); x.nextCommittee = null;
      await expectStep(fresh().apply(x), 'committee hand-off next committee', 'hand-off without its members', 'the committee changes here but the proof gives no members');
    }
    {
      const x = decodeH(); x.nextCommittee = [];
      await expectStep(fresh().apply(x), 'committee hand-off next committee', 'hand-off with an empty committee', 'the next committee is empty');
    }
    {  // A refused hand-off changes nothing.
      const c = fresh(); const x = decodeH(); x.nextCommittee = null;
      try { await c.apply(x); } catch (e) { /* expected */ }
      eq(c.epoch, 0n, 'refused hand-off leaves the epoch');
    }
    const badHas = hb.slice(); badHas[hb.length - 1 - 64 - 1] = 2;  // has_members byte
    eq(S.decodeExact(S.decodeHandoff, badHas).error, 'decode error: has_members must be 0 or 1', 'has_members 2 refused');
    eq(S.decodeExact(S.decodeHandoff, concat(hb, new Uint8Array(1))).error, 'decode error: 1 trailing bytes', 'hand-off with a trailing byte refused');
    {  // Certificate with non-ascending signer indexes refused by the decoder.
      const x = decodeH(); x.block.cert.sigs = [x.block.cert.sigs[0], x.block.cert.sigs[0]];
      eq(S.decodeExact(S.decodeHandoff, encodeHandoff(x)).error, 'decode error: certificate signer indexes must strictly ascend', 'repeated signer index refused');
    }

    // The swarm proof.
    const pb = unhex(v.swarm_proof);
    const p = S.decodeExact(S.decodeSwarmProof, pb);
    check(!p.error, 'golden swarm_proof decodes: ' + p.error);
    if (p.error) return;
    eq(hex(encodeSwarmProof(p.value)), v.swarm_proof, 'golden swarm_proof re-encodes to the same bytes');
    eq(p.value.records.length, 3, 'golden swarm_proof: 3 records');
    eq(p.value.swarmIds.map(S.swarmHex).join(), '0000000000000005,0123456789abcdef', 'golden swarm_proof: swarm ids');
    eq(S.swarmHex(p.value.swarmId), '0000000000000005', 'golden swarm_proof: answer');
    eq(hex(S.encodeSwarmTable(p.value.records)), v.table, 'golden table from the records');
    const k210 = await testKey(210), k212 = await testKey(212);
    eq(hex(S.encodeSwarmTable(p.value.records).subarray(0, 32)), hex(k212.pub), 'table starts with test_key(212) (swarm 5)');
    check(p.value.records.some((r) => hex(r.pubkey) === hex(k210.pub)), 'records hold test_key(210)');
    const root = unhex(v.registry_root);
    S.verifyRegistryOpening(p.value.records, root, 20n);
    passed++;  // the golden records rebuild the golden registry_root
    // Build the registry root by hand too: 3 records in their buckets, everything else empty.
    {
      const leaves = new Array(4096).fill(null);
      for (const r of p.value.records) {
        const b = (r.pubkey[0] << 4) | (r.pubkey[1] >> 4);
        leaves[b] = (leaves[b] || []).concat([S.hashTagged('swarmchain/sn', r.bytes)]);
      }
      let level = leaves.map((l) => (l ? S.merkleRoot(l) : S.hashTagged('swarmchain/merkle/empty')));
      while (level.length > 1) {
        const up = [];
        for (let i = 0; i < level.length; i += 2) up.push(S.hashTagged('swarmchain/merkle/node', level[i], level[i + 1]));
        level = up;
      }
      eq(hex(level[0]), v.registry_root, 'registry_root by hand (4,096 buckets, full binary tree)');
    }
    // The tip in epoch 0 of a chain of E = 20 whose committee is {test_key(2)}.
    const tipChain = fresh();
    const tip = await tipChain.acceptTip(p.value.tip, 1700000010000n + 5000n, 600000n);
    eq(tip.signers, 1, 'golden tip accepted: 1 signer');
    eq(tip.committeeSize, 1, 'golden tip accepted: of 1');
    // Its registry_root is a pattern, not the records' root: the opening is refused there...
    await expectSyncStep(() => S.verifySwarmProof(p.value, tip.header, new Uint8Array(32)), 'registry root', 'golden proof under the pattern root', 'the 3 records do not rebuild the certified registry_root');
    // ...and accepted under the root the records do give.
    const tipv = Object.assign({}, tip.header, { registryRoot: root });
    const sw = S.verifySwarmProof(p.value, tipv, new Uint8Array(32));
    eq(S.swarmHex(sw.swarmId), '0000000000000005', 'golden proof answers swarm 5 for key 0…0');
    eq(sw.members.length, 1, 'swarm 5 has one member');
    eq(hex(sw.members[0].pubkey), hex(k212.pub), 'swarm 5 member is test_key(212)');
    {
      const x = S.decodeExact(S.decodeSwarmProof, pb).value; x.swarmId = 0x0123456789abcdefn;
      await expectSyncStep(() => S.verifySwarmProof(x, tipv, new Uint8Array(32)), 'swarm answer', 'golden proof with the other swarm as answer',
                           'the node answered swarm 0123456789abcdef but the nearest swarm is 0000000000000005');
    }
    {
      const x = S.decodeExact(S.decodeSwarmProof, pb).value; x.swarmIds = [5n];
      await expectSyncStep(() => S.verifySwarmProof(x, tipv, new Uint8Array(32)), 'swarm-id list', 'golden proof with a short list', "the node's list lacks swarm 0123456789abcdef");
    }
    {
      const x = S.decodeExact(S.decodeSwarmProof, pb).value; x.swarmIds = [5n, 7n, 0x0123456789abcdefn];
      await expectSyncStep(() => S.verifySwarmProof(x, tipv, new Uint8Array(32)), 'swarm-id list', 'golden proof with an extra id', "the node's list (3 ids) is not the 2 swarms of the certified records");
    }
    {
      const x = S.decodeExact(S.decodeSwarmProof, pb).value; x.records = [x.records[1], x.records[0], x.records[2]];
      await expectSyncStep(() => S.verifySwarmProof(x, tipv, new Uint8Array(32)), 'registry records', 'golden records out of order', 'record 1 (');
    }
    {
      const x = S.decodeExact(S.decodeSwarmProof, pb).value; x.records = [x.records[0], x.records[2]];
      await expectSyncStep(() => S.verifySwarmProof(x, tipv, new Uint8Array(32)), 'registry root', 'golden records with one left out', 'the 2 records do not rebuild');
    }
    {  // One contact byte altered.
      const x = S.decodeExact(S.decodeSwarmProof, pb).value;
      const r = Object.assign({}, x.records[0]); r.contact = Object.assign({}, r.contact, { storagePort: r.contact.storagePort + 1 });
      r.bytes = encodeRecord(r); x.records[0] = r;
      await expectSyncStep(() => S.verifySwarmProof(x, tipv, new Uint8Array(32)), 'registry root', 'golden record altered');
    }
    // Table proof (the wallet's --local) from the same records.
    {
      const tp = { tip: p.value.tip, records: p.value.records, table: unhex(v.table) };
      const tpd = S.decodeExact(S.decodeSwarmTableProof, encodeSwarmTableProof(tp)).value;
      eq(S.swarmHex(S.verifySwarmTable(tpd, tipv, new Uint8Array(32)).swarmId), '0000000000000005', 'table proof accepted');
      const bad = unhex(v.table); bad[51 + 40] ^= 1;
      tpd.table = bad;
      await expectSyncStep(() => S.verifySwarmTable(tpd, tipv, new Uint8Array(32)), 'swarm table', 'table with an altered ip', 'from entry 1 on (102 bytes given, 102 expected)');
    }
  }

  // ------------------------------------------------------------ 6. nearest swarm rule
  function testNearestSwarm() {
    const ids = [100n, 1000n, (1n << 64n) - 10n];
    eq(S.nearestSwarm(ids, 550n), 100n, 'tie goes left (550 between 100 and 1000)');
    eq(S.nearestSwarm(ids, 551n), 1000n, 'nearer right');
    eq(S.nearestSwarm(ids, 5n), (1n << 64n) - 10n, 'wraps left below the first id (5 is 15 from 2^64-10, 95 from 100)');
    eq(S.nearestSwarm(ids, 60n), 100n, 'right of the wrap');
    eq(S.nearestSwarm(ids, (1n << 64n) - 1n), (1n << 64n) - 10n, 'above the last id');
    eq(S.nearestSwarm([42n], 7n), 42n, 'one swarm');
    const key = unhex('0102030405060708' + '1112131415161718' + '2122232425262728' + '3132333435363738');
    eq(S.swarmSpace(key), 0x0102030405060708n ^ 0x1112131415161718n ^ 0x2122232425262728n ^ 0x3132333435363738n, 'swarm space XOR of big-endian words');
    eq(S.parseUserPubkey('05' + '00'.repeat(32)).key.length, 32, '66-digit session id drops its prefix');
    eq(S.parseUserPubkey('aB'.repeat(32)).error, 'pubkey hex mixes upper and lower case digits', 'mixed case refused');
    eq(S.parseUserPubkey('zz'.repeat(32)).error, "pubkey is not hex: 'z' at position 0", 'non-hex refused');
    eq(S.parseUserPubkey('00').error, 'pubkey must be 64 hex digits, or 66 with a network prefix such as 05; got 2 characters', 'short key refused');
  }

  // ------------------------------------------------------------ 7. a whole chain through verify()
  const ZERO = new Uint8Array(32);
  function makeRecord(pub, i, state, swarmId, ip) {
    return {
      pubkey: pub, pubkeyX25519: pattern(i), operator: pattern(i + 1), feeBps: 250,
      contributors: [{ address: pattern(i + 1), amount: 100000000000n, reserved: 100000000000n }],
      totalContributed: 100000000000n, totalReserved: 100000000000n, stakingRequirement: 100000000000n,
      registrationHeight: 0n, activeSinceHeight: 0n, state, requestedUnlockHeight: 0n, lastRewardHeight: BigInt(i),
      lastRewardIndex: 0, decommissionCount: 0, recommissionCredit: 120n, lastDecommissionHeight: 0n, swarmId,
      rewardsEarned: 0n, lastProofHeight: 5n, lastProofTimeMs: 1700000000000n, lastProofSentMs: 1700000000000n,
      contact: { publicIp: ip, storagePort: 22021, storageLmqPort: 22020, quorumnetPort: 22025, version: [2, 11, 300] },
      activeSinceTimeMs: 1700000000000n,
    };
  }
  function registryRootOf(records) {
    const buckets = new Array(4096).fill(null).map(() => []);
    for (const r of records) buckets[S.bucketOf(r.pubkey)].push(S.hashTagged('swarmchain/sn', encodeRecord(r)));
    return S.merkleRoot(buckets.map((l) => S.merkleRoot(l)));
  }
  const sortByKey = (arr, f) => arr.slice().sort((a, b) => { const x = f(a), y = f(b); for (let i = 0; i < 32; ++i) if (x[i] !== y[i]) return x[i] - y[i]; return 0; });

  // A dev-like chain (E = 10, committee_size 4): genesis nodes test_key(1..5) (committee 1..4),
  // hand-off at 10 unchanged, at 20 to {6, 7, 8, 9}, tip at 27 signed by 3 of 4 (indexes 0, 1, 3),
  // nRecords records (some decommissioned, some without swarm) in swarms of ids `swarmIds`.
  async function buildScenario(nRecords) {
    const keys = [];
    for (let i = 1; i <= 9; ++i) keys[i] = await testKey(i);
    const genesis = {
      network: 'dev', timeMs: 1700000000000n, params: {},
      accounts: [{ pubkey: keys[1].pub, balance: 1000n }],
      serviceNodes: [1, 2, 3, 4, 5].map((i) => ({ pubkey: keys[i].pub, operator: keys[i].pub, stake: 100000000000n })),
    };
    const genesisBytes = encodeGenesis(genesis);
    const chainId = S.hashTagged('swarmchain/genesis/v1', genesisBytes);
    const c0 = [1, 2, 3, 4].map((i) => keys[i]);
    const c2 = sortByKey([6, 7, 8, 9].map((i) => keys[i]), (k) => k.pub);
    const swarmIds = [0x0000000000000005n, 0x3fffffffffffffffn, 0x8000000000000000n, 0xc123456789abcdefn];
    const records = [];
    for (let i = 0; i < nRecords; ++i) {
      const pub = S.blake2b256(concat(ascii('record'), new Uint8Array([i & 255, i >> 8, i >> 16])));
      const state = i % 11 === 3 ? 2 : 1;                              // some decommissioned
      const swarm = i % 13 === 7 ? (1n << 64n) - 1n : swarmIds[i % swarmIds.length];  // some unassigned
      records.push(makeRecord(pub, i & 255, state, state === 2 ? (1n << 64n) - 1n : swarm, 0x0a000000 + i));
    }
    const sc = {
      keys, genesis, genesisBytes, chainId, c0, c2, swarmIds,
      records: sortByKey(records, (r) => r.pubkey),
      handoffs: [
        { header: { height: 10n, committee: c0, next: null }, signers: [0, 1, 2] },
        { header: { height: 20n, committee: c0, next: c2 }, signers: [0, 1, 2, 3] },
      ],
      tip: { header: { height: 27n, committee: c2 }, signers: [0, 1, 3] },
      tipTimeMs: 1700000270000n,
    };
    await sign(sc);
    return sc;
  }
  function headerOf(sc, h, registryRoot, timeMs) {
    const ch = S.committeeHash(h.committee.map((k) => k.pub));
    return encodeHeader({
      height: h.height, prevHash: pattern(1), timeMs, proposer: h.committee[0].pub, txRoot: S.MERKLE_EMPTY,
      stateRoot: pattern(80), registryRoot, committeeHash: h.committeeHashOverride || ch,
      nextCommitteeHash: h.next ? S.committeeHash(h.next.map((k) => k.pub)) : ch, lastCommitHash: ZERO,
    });
  }
  // (Re)makes every header and certificate from the scenario's fields.
  async function sign(sc) {
    for (const h of sc.handoffs) {
      const header = headerOf(sc, h.header, pattern(200), 1700000000000n + h.header.height * 10000n);
      h.block = { header, cert: await certify(header, sc.chainId, h.header.committee, h.signers) };
      h.nextCommittee = h.header.next ? h.header.next.map((k) => k.pub) : null;
    }
    const root = registryRootOf(sc.records);
    const header = headerOf(sc, sc.tip.header, root, sc.tipTimeMs);
    sc.tip.block = { header, cert: await certify(header, sc.chainId, sc.tip.header.committee, sc.tip.signers) };
  }
  function swarmIdsOfRecords(records) {
    const ids = new Set();
    for (const r of records) if (r.state === 1 && r.swarmId !== (1n << 64n) - 1n) ids.add(r.swarmId);
    return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  // The nearest swarm by brute force over the ring (ties to the lower side, i.e. "left").
  function nearestByScan(ids, space) {
    const M = 1n << 64n;
    let best = null, bestD = null;
    for (const id of ids) {
      const dR = (id - space + M) % M, dL = (space - id + M) % M;  // id right of space / left of it
      for (const [d, left] of [[dR, false], [dL, true]]) {
        if (bestD === null || d < bestD || (d === bestD && left)) { best = id; bestD = d; }
      }
    }
    return best;
  }
  function argsOf(sc, user, over) {
    const ids = swarmIdsOfRecords(sc.records);
    const answer = over && over.answer !== undefined ? over.answer : nearestByScan(ids, S.swarmSpace(user));
    const proof = {
      tip: sc.tip.block, records: sc.records,
      swarmIds: over && over.swarmIds ? over.swarmIds : ids, swarmId: answer,
    };
    return {
      genesis: { chain_id: hex(sc.chainId), epoch_blocks: 10, genesis_hex: hex(sc.genesisBytes) },
      chain: [{ epoch_blocks: 10, from_height: 0, to_height: 27, more: false,
                handoffs: sc.handoffs.map((h) => ({ height: Number(h.header.height), proof: hex(encodeHandoff(h)) })) }],
      proofHex: hex(encodeSwarmProof(proof)),
      sessionId: '05' + hex(user),
      nowMs: Number(sc.tipTimeMs) + 3000,
      maxAgeMs: 600000,
    };
  }
  async function expectVerify(args, step, what, messagePart) {
    const r = await S.verify(args);
    if (step === null) {
      check(r.ok === true, what + ': expected ok, got ' + r.step + ': ' + r.message);
      return r;
    }
    check(r.ok === false, what + ': expected a refusal at ' + step + ', got ok');
    eq(r.step, step, what + ' (' + r.message + ')');
    if (messagePart) check(r.message.includes(messagePart), what + ': message "' + r.message + '" lacks "' + messagePart + '"');
    return r;
  }
  async function testWholeChain() {
    const sc = await buildScenario(60);
    const user = S.blake2b256(ascii('a session user'));
    const ids = swarmIdsOfRecords(sc.records);
    const expectedSwarm = nearestByScan(ids, S.swarmSpace(user));
    const r = await expectVerify(argsOf(sc, user), null, 'whole chain accepted');
    eq(r.swarmId, S.swarmHex(expectedSwarm), 'whole chain: the nearest swarm');
    eq(r.height, 27, 'whole chain: height');
    eq(r.signers, 3, 'whole chain: signers');
    eq(r.committeeSize, 4, 'whole chain: committee size');
    eq(r.handoffs, 2, 'whole chain: hand-offs');
    eq(r.chainId, hex(sc.chainId), 'whole chain: chain id');
    const expectedMembers = sc.records.filter((x) => x.state === 1 && x.swarmId === expectedSwarm).map((x) => hex(x.pubkey));
    eq(r.members.map((m) => m.pubkey_ed25519).join(), expectedMembers.join(), 'whole chain: members ascending by key');
    check(r.members.length > 0 && /^10\.0\.0\.\d+$/.test(r.members[0].ip) && r.members[0].port_https === 22021, 'whole chain: member contact');
    // Every swarm is reachable by some key and answered right.
    for (let i = 0; i < 16; ++i) {
      const u = S.blake2b256(new Uint8Array([i]));
      const rr = await S.verify(argsOf(sc, u));
      eq(rr.ok && rr.swarmId, S.swarmHex(nearestByScan(ids, S.swarmSpace(u))), 'key ' + i + ' answered its nearest swarm');
    }
    // Accepted forms of the inputs.
    await expectVerify(Object.assign(argsOf(sc, user), { sessionId: hex(user).toUpperCase() }), null, 'uppercase 64-digit session id');
    await expectVerify(Object.assign(argsOf(sc, user), { genesis: hex(sc.genesisBytes) }), null, 'genesis as hex');
    await expectVerify(Object.assign(argsOf(sc, user), { chainId: hex(sc.chainId) }), null, 'pinned chain id');
    {
      const a = argsOf(sc, user);
      a.chain = a.chain[0].handoffs.map((h) => h.proof);
      await expectVerify(a, null, 'chain as a list of hex');
    }
    // get_swarm_table form.
    {
      const tp = { tip: sc.tip.block, records: sc.records, table: S.encodeSwarmTable(S.decodeExact(S.decodeSwarmProof, unhex(argsOf(sc, user).proofHex)).value.records) };
      const a = argsOf(sc, user); delete a.proofHex; a.tableProofHex = hex(encodeSwarmTableProof(tp));
      const rt = await expectVerify(a, null, 'table proof accepted');
      eq(rt.swarmId, S.swarmHex(expectedSwarm), 'table proof: the same swarm');
      const bad = tp.table.slice(); bad[bad.length - 1] ^= 1;
      a.tableProofHex = hex(encodeSwarmTableProof(Object.assign({}, tp, { table: bad })));
      await expectVerify(a, 'swarm table', 'altered table refused');
    }

    // Setup failures (the wallet's setup errors; no ProofStep).
    await expectVerify(Object.assign(argsOf(sc, user), { sessionId: 'xyz' }), 'setup', 'bad session id', 'session id: pubkey must be 64 hex digits');
    await expectVerify(Object.assign(argsOf(sc, user), { chainId: '00'.repeat(32) }), 'setup', 'pinned chain id differs', 'hashes to ' + hex(sc.chainId) + ', not the pinned');
    await expectVerify(Object.assign(argsOf(sc, user), { genesis: { genesis_hex: 'zz' } }), 'setup', 'genesis not hex');
    await expectVerify(Object.assign(argsOf(sc, user), { genesis: { genesis_hex: hex(sc.genesisBytes) + '00' } }), 'setup', 'genesis with a trailing byte', 'trailing bytes');

    // Encoding.
    {
      const a = argsOf(sc, user); a.proofHex += '00';
      await expectVerify(a, 'proof encoding', 'proof with a trailing byte', 'proof encoding: get_swarm_proof: decode error: 1 trailing bytes');
      a.proofHex = a.proofHex.slice(0, 600);
      await expectVerify(a, 'proof encoding', 'truncated proof', 'input truncated');
      a.proofHex = 'not hex';
      await expectVerify(a, 'proof encoding', 'proof not hex', "get_swarm_proof has no hex 'proof'");
      const b = argsOf(sc, user); b.chain[0].handoffs[1].proof += '00';
      await expectVerify(b, 'proof encoding', 'hand-off with a trailing byte', 'proof encoding: a committee hand-off: decode error: 1 trailing bytes');
    }

    // Hand-offs.
    {
      const a = argsOf(sc, user); a.chain[0].handoffs.shift();
      await expectVerify(a, 'committee hand-off header', 'first hand-off skipped', 'committee hand-off header at height 20: expected the hand-off of epoch 0 at height 10');
    }
    {
      const x = await buildScenario(20); x.handoffs[0].header.committeeHashOverride = S.committeeHash([x.keys[5].pub]); await sign(x);
      await expectVerify(argsOf(x, user), 'committee hand-off header', 'hand-off naming another committee', 'the header names a committee other than the one trusted for epoch 0');
    }
    {
      const x = await buildScenario(20); x.handoffs[1].signers = [0, 1]; await sign(x);
      await expectVerify(argsOf(x, user), 'committee hand-off certificate', 'hand-off signed by 2 of 4', 'committee hand-off certificate at height 20: certificate has 2 signatures, quorum is 3');
    }
    {
      const x = await buildScenario(20);
      x.handoffs[0].block.cert.sigs[2].signature = x.handoffs[0].block.cert.sigs[2].signature.slice();
      x.handoffs[0].block.cert.sigs[2].signature[0] ^= 0x80;
      await expectVerify(argsOf(x, user), 'committee hand-off certificate', 'hand-off with a forged signature', 'certificate signature of validator 2 is invalid');
    }
    {  // A certificate by the wrong keys (the next committee signing its own hand-off).
      const x = await buildScenario(20); x.handoffs[1].block.cert = await certify(x.handoffs[1].block.header, x.chainId, x.c2, [0, 1, 2, 3]);
      await expectVerify(argsOf(x, user), 'committee hand-off certificate', 'hand-off signed by the wrong committee', 'is invalid');
    }
    {
      const x = await buildScenario(20); x.handoffs[1].nextCommittee = [6, 7, 8, 5].map((i) => x.keys[i].pub);
      await expectVerify(argsOf(x, user), 'committee hand-off next committee', 'hand-off with other members', "the members given do not hash to the header's next_committee_hash");
    }
    {
      const x = await buildScenario(20); x.handoffs[1].nextCommittee = null;
      await expectVerify(argsOf(x, user), 'committee hand-off next committee', 'hand-off hiding a committee change', 'the committee changes here but the proof gives no members');
    }

    // Tip.
    {
      const a = argsOf(sc, user); a.chain[0].handoffs.pop();
      await expectVerify(a, 'tip header', 'tip beyond the chain', 'tip header at height 27: outside epoch 1 (heights 11..20), the last one the committee hand-offs reach');
    }
    {
      const x = await buildScenario(20); x.tip.header.committeeHashOverride = S.committeeHash(x.c0.map((k) => k.pub)); await sign(x);
      await expectVerify(argsOf(x, user), 'tip header', 'tip naming another committee', 'the header names a committee other than the trusted one');
    }
    {
      const x = await buildScenario(20); x.tip.header.committee = x.c0; x.tip.header.committeeHashOverride = S.committeeHash(x.c2.map((k) => k.pub)); await sign(x);
      await expectVerify(argsOf(x, user), 'tip certificate', 'tip signed by the old committee', 'tip certificate at height 27: certificate signature of validator 0 is invalid');
    }
    {
      const x = await buildScenario(20); x.tip.signers = [1, 3]; await sign(x);
      await expectVerify(argsOf(x, user), 'tip certificate', 'tip signed by 2 of 4', 'certificate has 2 signatures, quorum is 3');
    }
    {
      const x = await buildScenario(20); x.tip.block.cert.round = 1;
      await expectVerify(argsOf(x, user), 'tip certificate', 'tip certificate with another round', 'is invalid');
    }
    await expectVerify(Object.assign(argsOf(sc, user), { nowMs: Number(sc.tipTimeMs) + 601000 }), 'tip freshness', 'stale tip',
                       'tip freshness at height 27: the block is 601 s old, more than the 600 s allowed (a node serving an old state?)');
    await expectVerify(Object.assign(argsOf(sc, user), { nowMs: Number(sc.tipTimeMs) + 600000 }), null, 'tip exactly max age old');
    await expectVerify(Object.assign(argsOf(sc, user), { nowMs: Number(sc.tipTimeMs) - 50000 }), null, 'tip ahead of the clock');
    await expectVerify(Object.assign(argsOf(sc, user), { minHeight: 28 }), 'tip height', 'tip below a height seen', 'tip height at height 27: below height 28, already seen');

    // Registry.
    {
      const x = await buildScenario(20); [x.records[3], x.records[4]] = [x.records[4], x.records[3]]; const a = argsOf(x, user);
      await expectVerify(a, 'registry records', 'records out of order', 'registry records at height 27: record 4 (');
    }
    {
      const x = await buildScenario(20); x.records.splice(5, 0, x.records[5]);
      await expectVerify(argsOf(x, user), 'registry records', 'a record repeated', 'records must ascend by pubkey, once each');
    }
    {
      const x = await buildScenario(20); x.records.splice(5, 1);
      await expectVerify(argsOf(x, user), 'registry root', 'a record left out', 'registry root at height 27: the 19 records do not rebuild the certified registry_root (a record is missing, added or altered)');
    }
    {
      const x = await buildScenario(20); x.records[2] = Object.assign({}, x.records[2], { contact: Object.assign({}, x.records[2].contact, { publicIp: 0x01020304 }) });
      await expectVerify(argsOf(x, user), 'registry root', 'a member address altered');
    }
    {
      const x = await buildScenario(20);
      x.records.push(makeRecord(unhex('ff'.repeat(32)), 1, 1, 5n, 1));
      await expectVerify(argsOf(x, user), 'registry root', 'a record added');
    }
    {
      const a = argsOf(sc, user, { swarmIds: ids.slice(1) });
      await expectVerify(a, 'swarm-id list', 'list lacking a swarm', "swarm-id list at height 27: the node's list lacks swarm " + S.swarmHex(ids[0]));
      const b = argsOf(sc, user, { swarmIds: ids.concat([(1n << 64n) - 2n]) });
      await expectVerify(b, 'swarm-id list', 'list with an extra swarm', "the node's list (" + (ids.length + 1) + ' ids) is not the ' + ids.length + ' swarms');
    }
    {
      const wrong = ids.find((id) => id !== expectedSwarm);
      await expectVerify(argsOf(sc, user, { answer: wrong }), 'swarm answer', 'answer not the nearest swarm',
                         'swarm answer at height 27: the node answered swarm ' + S.swarmHex(wrong) + ' but the nearest swarm is ' + S.swarmHex(expectedSwarm));
    }
    {
      const x = await buildScenario(20); x.records = x.records.map((rec) => Object.assign({}, rec, { swarmId: (1n << 64n) - 1n })); await sign(x);
      await expectVerify(argsOf(x, user, { answer: (1n << 64n) - 1n, swarmIds: [] }), 'swarm answer', 'no swarm at all', 'the certified registry has no swarm yet');
    }
  }

  // ------------------------------------------------------------ 8. not a secure context
  // A copy of verify.js in a same-origin iframe whose window says it is not a secure context
  // (as on a plain-http page of another host) answers 'unsupported'.
  async function testUnsupported() {
    const sc = await buildScenario(5);
    const args = argsOf(sc, S.blake2b256(ascii('u')));
    for (const how of ['insecure', 'nosubtle']) {
      const frame = document.createElement('iframe');
      document.body.appendChild(frame);
      const w = frame.contentWindow;
      if (how === 'insecure') Object.defineProperty(w, 'isSecureContext', { value: false, configurable: true });
      else Object.defineProperty(w, 'crypto', { value: {}, configurable: true });
      for (const file of ['blake2b.js', 'verify.js']) {  // verify.js needs blake2b.js first
        await new Promise((resolve, reject) => {
          const s = w.document.createElement('script');
          s.src = '../../explorer/web/' + file;
          s.onload = resolve;
          s.onerror = () => reject(new Error('cannot load ' + file + ' in a frame'));
          w.document.head.appendChild(s);
        });
      }
      const r = await w.SwarmProofCheck.verify(args);
      eq(r.step, 'unsupported', 'verify without a secure context (' + how + ')');
      check(r.ok === false && /signature checks need https or localhost/.test(r.message), 'unsupported message names https or localhost: ' + r.message);
      frame.remove();
    }
  }

  // ------------------------------------------------------------ 9. size: 10,000 records
  async function testLarge() {
    const sc = await buildScenario(10000);
    const user = S.blake2b256(ascii('big'));
    const args = argsOf(sc, user);
    const t0 = performance.now();
    const r = await S.verify(args);
    const ms = performance.now() - t0;
    check(r.ok, '10,000 records accepted: ' + r.message);
    log.push('verify() of a ' + (args.proofHex.length / 2 / 1e6).toFixed(2) + ' MB proof with 10,000 records: ' + ms.toFixed(0) + ' ms');
    check(ms < 15000, '10,000 records checked in under 15 s (' + ms.toFixed(0) + ' ms)');
  }

  // ------------------------------------------------------------ 10. proofs a real node made
  // tests/browser/data/dev_node_capture.json: what swarmchaind --dev answered (captured by
  // run_verify_js_e2e.sh with CAPTURE=...), checked at the tip's own time.
  // data/testnet4_capture.json: the same from node 0 of a 4-validator `swarmchaind testnet`
  // (committee of 4, tips certified by 3, committee changes at hand-offs).
  async function testCapture(file) {
    const r0 = await fetch(file, { cache: 'no-store' });
    if (r0.status === 404) { log.push('no ' + file + ': skipped'); return; }
    const c = JSON.parse(await r0.text());
    const args = { genesis: c.genesis, chain: [c.chain], proofHex: c.swarm_proof.proof, sessionId: c.session_id,
                   nowMs: c.tip_time_ms, maxAgeMs: 600000, chainId: c.genesis.chain_id };
    const r = await expectVerify(args, null, 'captured proof accepted (' + file + ')');
    eq(r.swarmId, c.get_swarm.swarm.padStart(16, '0'), 'captured proof: the swarm get_swarm named');
    eq(r.height, c.get_swarm.height, 'captured proof: the height get_swarm answered at');
    eq(r.members.map((m) => m.pubkey_ed25519).sort().join(), c.get_swarm.snodes.map((n) => n.pubkey_ed25519).sort().join(),
       'captured proof: the members get_swarm named');
    eq(r.chainId, c.genesis.chain_id, 'captured genesis hashes to the chain id the node gives');
    eq(r.committeeSize, c.genesis.genesis_committee.length, 'captured: committee size');
    const t = Object.assign({}, args); delete t.proofHex; t.tableProofHex = c.table_proof;
    if (c.table_height === c.swarm_proof.height)
      eq((await S.verify(t)).swarmId, r.swarmId, 'captured table proof: the same swarm');
    await expectVerify(Object.assign({}, args, { nowMs: c.tip_time_ms + 700000 }), 'tip freshness', 'captured proof 700 s later');
    await expectVerify(Object.assign({}, args, { proofHex: c.swarm_proof.proof.slice(0, -1) + (c.swarm_proof.proof.endsWith('0') ? '1' : '0') }),
                       'swarm answer', 'captured proof with another answer');
  }

  async function run() {
    const sections = [
      ['blake2b', async () => testBlake2b()],
      ['codec', async () => testCodec(await fetchJson('../data/common_codec.json', true))],
      ['merkle', async () => testMerkle(await fetchJson('../data/common_merkle.json'))],
      ['registry encodings', async () => testRegistryEncodings(await fetchJson('../data/registry_encodings.json'))],
      ['swarm proof vectors', async () => testSwarmProofVectors(await fetchJson('../data/swarm_proof_vectors.json'))],
      ['nearest swarm', async () => testNearestSwarm()],
      ['whole chain', testWholeChain],
      ['unsupported', testUnsupported],
      ['10,000 records', testLarge],
      ['dev-node capture', () => testCapture('data/dev_node_capture.json')],
      ['4-validator testnet capture', () => testCapture('data/testnet4_capture.json')],
    ];
    for (const [name, fn] of sections) {
      const before = passed;
      try {
        await fn();
      } catch (e) {
        failures.push(name + ' threw ' + (e && e.stack ? e.stack : e));
        log.push('FAILED: ' + name + ' threw ' + e);
      }
      log.push(name + ': ' + (passed - before) + ' checks passed');
    }
    const line = failures.length ? 'FAIL ' + failures.length + ' of ' + (passed + failures.length) + ': ' + failures[0]
                                  : 'PASS ' + passed;
    document.getElementById('result').textContent = line + '\n' + log.join('\n');
    document.title = line;
  }
  run();
})();
