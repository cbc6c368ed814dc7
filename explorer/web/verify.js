// SwarmProofCheck: the light-client check of a swarm answer, run in the browser, trusting only
// the chain's genesis (docs/protocol.md "Swarm proofs"). It checks what the C++ light client
// checks (registry/committee_chain.cpp, registry/swarm_proof.cpp, driven as in
// wallet/swarm_cmd.cpp), in the same order, and a failure names the same step (ProofStep names
// of registry/committee_chain.h) with a message like the C++ one.
//
// No modules; needs blake2b.js (the global `SwarmBlake2b`) loaded first. Defines the one
// global `SwarmProofCheck`.
//   SwarmProofCheck.blake2b256(bytes)            BLAKE2b-256, unkeyed (RFC 7693; libsodium's
//                                                crypto_generichash with 32-byte output)
//   SwarmProofCheck.verify({genesis, chain, proofHex, sessionId, nowMs, maxAgeMs})
//     -> Promise<{ok, step, message, height, signers, committeeSize, swarmId, members, ...}>
//   SwarmProofCheck.lookup({rpc, sessionId, ...}) fetches genesis, proof and committee chain
//     through `rpc(method, params) -> Promise<result>` as the wallet does, then verify().
// Signatures are checked with WebCrypto Ed25519, which needs a secure context (https, or
// http://127.0.0.1 / localhost); elsewhere verify() answers step 'unsupported'.
//
// u64 values are BigInt; counts and offsets are Numbers.
(function (global) {
  'use strict';

  // BLAKE2b comes from blake2b.js, loaded before this file.
  const { blake2b, blake2b256, Blake2b } = global.SwarmBlake2b;

  const ascii = (s) => { const b = new Uint8Array(s.length); for (let i = 0; i < s.length; ++i) b[i] = s.charCodeAt(i); return b; };
  const TAGS = {};
  function tagBytes(tag) { return TAGS[tag] || (TAGS[tag] = ascii(tag)); }
  // H(tag || parts...): the tag is the raw ASCII bytes, no length prefix (docs/protocol.md).
  function hashTagged(tag, ...parts) {
    const h = new Blake2b(32).update(tagBytes(tag));
    for (const p of parts) h.update(p);
    return h.digest();
  }

  // ---------------------------------------------------------------- bytes, hex
  const HEX = '0123456789abcdef';
  function toHex(b) {
    let s = '';
    for (let i = 0; i < b.length; ++i) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
    return s;
  }
  // As common/hex.cpp from_hex: even length, hex digits, not both cases. null when not hex.
  function fromHex(s) {
    if (typeof s !== 'string' || s.length % 2 !== 0) return null;
    const out = new Uint8Array(s.length / 2);
    let upper = false, lower = false;
    for (let i = 0; i < s.length; ++i) {
      const c = s.charCodeAt(i);
      let v;
      if (c >= 48 && c <= 57) v = c - 48;
      else if (c >= 97 && c <= 102) { v = c - 87; lower = true; }
      else if (c >= 65 && c <= 70) { v = c - 55; upper = true; }
      else return null;
      if (i & 1) out[i >> 1] |= v; else out[i >> 1] = v << 4;
    }
    if (upper && lower) return null;
    return out;
  }
  function equalBytes(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; ++i) if (a[i] !== b[i]) return false;
    return true;
  }
  // Lexicographic order of two byte strings of one length: <0, 0, >0.
  function compareBytes(a, b) {
    for (let i = 0; i < a.length; ++i) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }
  const U64_MAX = (1n << 64n) - 1n;
  const UNASSIGNED_SWARM = U64_MAX;
  function swarmHex(id) { return BigInt.asUintN(64, id).toString(16).padStart(16, '0'); }

  // ---------------------------------------------------------------- codec (common/codec.h)
  class DecodeError extends Error {}

  // Reads the canonical encoding; throws DecodeError with the C++ Reader's message at the first
  // problem (the C++ Reader keeps its first error, so the message is the same).
  class Reader {
    constructor(bytes) {
      this.b = bytes;
      this.pos = 0;
      this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    remaining() { return this.b.length - this.pos; }
    fail(what) { throw new DecodeError(what); }
    take(n) {
      if (this.remaining() < n) this.fail('input truncated at byte ' + this.pos);
      const p = this.pos;
      this.pos += n;
      return p;
    }
    u8() { return this.b[this.take(1)]; }
    u16() { return this.dv.getUint16(this.take(2), true); }
    u32() { return this.dv.getUint32(this.take(4), true); }
    u64() { return this.dv.getBigUint64(this.take(8), true); }
    varint() {
      let v = 0n;
      for (let shift = 0; ; shift += 7) {
        const b = this.b[this.take(1)];
        if (shift === 63 && (b & 0xfe) !== 0) this.fail('varint overflows 64 bits');
        v |= BigInt(b & 0x7f) << BigInt(shift);
        if ((b & 0x80) === 0) {
          if (b === 0 && shift !== 0) this.fail('non-minimal varint');
          return v;
        }
      }
    }
    count(max) {
      const n = this.varint();
      if (n > BigInt(max)) this.fail('length ' + n + ' above limit ' + max);
      return Number(n);
    }
    fixed(n) { const p = this.take(n); return this.b.subarray(p, p + n); }
    bytes(max) { const n = this.count(max); return this.fixed(n); }
    enumeration(max) {
      const v = this.u8();
      if (v > max) this.fail('unknown enum value ' + v);
      return v;
    }
    finish() { if (this.remaining() !== 0) this.fail(this.remaining() + ' trailing bytes'); }
  }

  // decode_exact: decode, then refuse trailing bytes. Returns {value} or {error: message}.
  function decodeExact(decode, bytes) {
    try {
      const r = new Reader(bytes);
      const value = decode(r);
      r.finish();
      return { value };
    } catch (e) {
      if (e instanceof DecodeError) return { error: 'decode error: ' + e.message };
      throw e;
    }
  }

  // ---------------------------------------------------------------- grammars
  const HEADER_BYTES = 272;
  const MAX_SIGS = 1024;  // CommitCertificate::kMaxSigs, also the committee limit
  const MAX_RECORDS = 1 << 20;
  const MAX_TABLE_BYTES = 1 << 26;
  const TABLE_ENTRY_BYTES = 51;

  // certificate = height u64 || round u32 || block_hash[32] || vector<index u16 || sig[64], 1024>
  function decodeCertificate(r) {
    const c = { height: r.u64(), round: r.u32(), blockHash: r.fixed(32), sigs: [] };
    const n = r.count(MAX_SIGS);
    for (let i = 0; i < n; ++i) {
      const index = r.u16();
      const signature = r.fixed(64);
      if (c.sigs.length && index <= c.sigs[c.sigs.length - 1].index)
        r.fail('certificate signer indexes must strictly ascend');
      c.sigs.push({ index, signature });
    }
    return c;
  }
  // certified_header = header[272] || certificate
  function decodeCertifiedHeader(r) {
    return { header: r.fixed(HEADER_BYTES), cert: decodeCertificate(r) };
  }
  // handoff = certified_header || u8 has_members || [vector<pubkey[32], 1024>]
  function decodeHandoff(r) {
    const out = { block: decodeCertifiedHeader(r), nextCommittee: null };
    const has = r.u8();
    if (has > 1) r.fail('has_members must be 0 or 1');
    if (has === 1) {
      const n = r.count(MAX_SIGS);
      const members = [];
      for (let i = 0; i < n; ++i) members.push(r.fixed(32));
      out.nextCommittee = members;
    }
    return out;
  }
  // The service-node record (registry/service_node.h); `bytes` is its encoding (for leaf_hash).
  function decodeRecord(r) {
    const start = r.pos;
    const sn = {};
    sn.pubkey = r.fixed(32);
    sn.pubkeyX25519 = r.fixed(32);
    sn.operator = r.fixed(32);
    sn.feeBps = r.u16();
    if (sn.feeBps > 10000) r.fail('fee_bps ' + sn.feeBps + ' above 10000');
    const n = r.count(10);
    sn.contributors = [];
    for (let i = 0; i < n; ++i)
      sn.contributors.push({ address: r.fixed(32), amount: r.u64(), reserved: r.u64() });
    sn.totalContributed = r.u64();
    sn.totalReserved = r.u64();
    sn.stakingRequirement = r.u64();
    sn.registrationHeight = r.u64();
    sn.activeSinceHeight = r.u64();
    sn.state = r.enumeration(3);
    sn.requestedUnlockHeight = r.u64();
    sn.lastRewardHeight = r.u64();
    sn.lastRewardIndex = r.u32();
    sn.decommissionCount = r.u32();
    sn.recommissionCredit = r.u64();
    sn.lastDecommissionHeight = r.u64();
    sn.swarmId = r.u64();
    sn.rewardsEarned = r.u64();
    sn.lastProofHeight = r.u64();
    sn.lastProofTimeMs = r.u64();
    sn.lastProofSentMs = r.u64();
    sn.contact = {
      publicIp: r.u32(), storagePort: r.u16(), storageLmqPort: r.u16(), quorumnetPort: r.u16(),
      version: [r.u16(), r.u16(), r.u16()],
    };
    sn.activeSinceTimeMs = r.u64();
    sn.bytes = r.b.subarray(start, r.pos);
    return sn;
  }
  function decodeRecords(r) {
    const n = r.count(MAX_RECORDS);
    const out = [];
    for (let i = 0; i < n; ++i) out.push(decodeRecord(r));
    return out;
  }
  // swarm_proof = certified_header || vector<sn> || vector<u64> swarm_ids || swarm_id u64
  function decodeSwarmProof(r) {
    const p = { tip: decodeCertifiedHeader(r), records: decodeRecords(r), swarmIds: [] };
    const n = r.count(MAX_RECORDS);
    for (let i = 0; i < n; ++i) p.swarmIds.push(r.u64());
    p.swarmId = r.u64();
    return p;
  }
  // swarm_table_proof = certified_header || vector<sn> || bytes<2^26> table
  function decodeSwarmTableProof(r) {
    return { tip: decodeCertifiedHeader(r), records: decodeRecords(r), table: r.bytes(MAX_TABLE_BYTES) };
  }
  // Genesis (chain/params.h).
  const PARAM_FIELDS = [
    ['target_block_ms', 64], ['staking_requirement', 64], ['min_operator_stake', 64],
    ['max_contributors', 32], ['unlock_delay_blocks', 64], ['dereg_lock_blocks', 64],
    ['block_reward', 64], ['committee_size', 32], ['epoch_blocks', 64], ['min_swarm_size', 32],
    ['ideal_swarm_size', 32], ['proof_interval_s', 64], ['proof_lifetime_s', 64],
    ['max_block_bytes', 64], ['max_block_txs', 32], ['max_clock_drift_ms', 64],
    ['timeout_propose_ms', 64], ['timeout_prevote_ms', 64], ['timeout_precommit_ms', 64],
    ['timeout_delta_ms', 64], ['proof_skew_ms', 64], ['credit_initial_s', 64],
    ['credit_per_day_s', 64], ['credit_max_s', 64], ['credit_min_to_decommission_s', 64],
  ];
  function decodeGenesis(r) {
    const g = {};
    const name = r.bytes(32);
    g.network = String.fromCharCode.apply(null, Array.from(name));
    g.genesisTimeMs = r.u64();
    g.params = {};
    for (const [k, bits] of PARAM_FIELDS) g.params[k] = bits === 64 ? r.u64() : BigInt(r.u32());
    const na = r.count(100000);
    g.accounts = [];
    for (let i = 0; i < na; ++i) g.accounts.push({ pubkey: r.fixed(32), balance: r.u64() });
    const ns = r.count(10000);
    g.serviceNodes = [];
    for (let i = 0; i < ns; ++i)
      g.serviceNodes.push({ pubkey: r.fixed(32), operator: r.fixed(32), stake: r.u64() });
    return g;
  }
  // Genesis::validate, except the ed25519 point checks (a pinned chain id covers those).
  function validateGenesis(g) {
    const p = g.params;
    if (g.network.length === 0 || g.network.length > 32) return 'network name must be 1..32 chars';
    const perr = (() => {
      if (p.target_block_ms === 0n) return 'target_block_ms must be > 0';
      if (p.staking_requirement === 0n) return 'staking_requirement must be > 0';
      if (p.min_operator_stake > p.staking_requirement) return 'min_operator_stake exceeds staking_requirement';
      if (p.max_contributors === 0n || p.max_contributors > 10n) return 'max_contributors must be in 1..10';
      if (p.committee_size === 0n || p.committee_size > 1024n) return 'committee_size must be in 1..1024';
      if (p.epoch_blocks === 0n) return 'epoch_blocks must be > 0';
      if (p.min_swarm_size === 0n || p.ideal_swarm_size < p.min_swarm_size) return 'need 0 < min_swarm_size <= ideal_swarm_size';
      if (p.max_block_bytes < 1024n || p.max_block_bytes > 64n << 20n) return 'max_block_bytes must be in 1 KiB..64 MiB';
      if (p.max_block_txs === 0n) return 'max_block_txs must be > 0';
      if (p.proof_interval_s === 0n || p.proof_lifetime_s < p.proof_interval_s) return 'need 0 < proof_interval_s <= proof_lifetime_s';
      if (p.max_clock_drift_ms === 0n) return 'max_clock_drift_ms must be > 0';
      if (p.timeout_propose_ms === 0n || p.timeout_prevote_ms === 0n || p.timeout_precommit_ms === 0n) return 'consensus timeouts must be > 0';
      if (p.proof_skew_ms === 0n) return 'proof_skew_ms must be > 0';
      if (p.credit_max_s === 0n || p.credit_initial_s > p.credit_max_s || p.credit_min_to_decommission_s > p.credit_max_s)
        return 'need 0 < credit_max_s, credit_initial_s <= credit_max_s and credit_min_to_decommission_s <= credit_max_s';
      return null;
    })();
    if (perr) return 'genesis params: ' + perr;
    if (g.serviceNodes.length === 0) return 'genesis needs at least one service node (the first committee)';
    const seenAcc = new Set();
    let total = 0n;
    for (const a of g.accounts) {
      const k = toHex(a.pubkey);
      if (seenAcc.has(k)) return 'genesis lists account ' + k + ' twice';
      seenAcc.add(k);
      total += a.balance;
      if (total > U64_MAX) return 'genesis balances overflow';
    }
    const seenSn = new Set();
    for (const sn of g.serviceNodes) {
      const k = toHex(sn.pubkey);
      if (seenSn.has(k)) return 'genesis lists service node ' + k + ' twice';
      seenSn.add(k);
      if (sn.stake < p.staking_requirement) return 'genesis service node ' + k + ' is not fully staked';
    }
    return null;
  }

  // ---------------------------------------------------------------- hashes of the grammar
  const u64le = (v) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true); return b; };
  const u32le = (v) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); return b; };
  function varintBytes(v) {
    v = BigInt(v);
    const out = [];
    while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
    out.push(Number(v));
    return new Uint8Array(out);
  }
  // H("swarmchain/committee/v1" || vector<pubkey>)
  function committeeHash(committee) {
    const h = new Blake2b(32).update(tagBytes('swarmchain/committee/v1')).update(varintBytes(committee.length));
    for (const pk of committee) h.update(pk);
    return h.digest();
  }
  // H("swarmchain/vote/v1" || chain_id || type u8 || height u64 || round u32 || block_hash)
  function voteDigest(chainId, type, height, round, blockHash) {
    return hashTagged('swarmchain/vote/v1', chainId, new Uint8Array([type]), u64le(height), u32le(round), blockHash);
  }
  const MERKLE_EMPTY = hashTagged('swarmchain/merkle/empty');
  function merkleParent(l, r) { return hashTagged('swarmchain/merkle/node', l, r); }
  // common/merkle.cpp: pairs hashed, an odd last node promoted unchanged; empty -> MERKLE_EMPTY.
  function merkleRoot(leaves) {
    if (leaves.length === 0) return MERKLE_EMPTY;
    let level = leaves;
    while (level.length > 1) {
      const up = [];
      for (let i = 0; i + 1 < level.length; i += 2) up.push(merkleParent(level[i], level[i + 1]));
      if (level.length % 2 === 1) up.push(level[level.length - 1]);
      level = up;
    }
    return level[0];
  }
  function leafHash(record) { return hashTagged('swarmchain/sn', record.bytes); }
  const BUCKETS = 4096;
  function bucketOf(pk) { return (pk[0] << 4) | (pk[1] >> 4); }

  // Fixed-offset view of a 272-byte header (chain/block.h).
  function headerView(header) {
    const dv = new DataView(header.buffer, header.byteOffset, header.byteLength);
    return {
      height: dv.getBigUint64(0, true),
      timeMs: dv.getBigUint64(40, true),
      blockHash: hashTagged('swarmchain/header/v1', header),
      registryRoot: header.subarray(144, 176),
      committeeHash: header.subarray(176, 208),
      nextCommitteeHash: header.subarray(208, 240),
    };
  }

  // ---------------------------------------------------------------- steps and failures
  const STEP = {
    encoding: 'proof encoding',
    handoffHeader: 'committee hand-off header',
    handoffCertificate: 'committee hand-off certificate',
    handoffNextCommittee: 'committee hand-off next committee',
    tipHeader: 'tip header',
    tipCertificate: 'tip certificate',
    tipStale: 'tip freshness',
    tipBelowSeen: 'tip height',
    records: 'registry records',
    registryRoot: 'registry root',
    swarmList: 'swarm-id list',
    swarmAnswer: 'swarm answer',
    table: 'swarm table',
    setup: 'setup',              // not a ProofStep: genesis, session id, transport (the wallet's setup error)
    unsupported: 'unsupported',  // not a ProofStep: this browser cannot check signatures here
  };
  class StepFailure extends Error {
    constructor(step, message) { super(message); this.step = step; }
  }
  function stepError(step, height, what) {
    return new StepFailure(step, step + ' at height ' + height + ': ' + what);
  }

  // ---------------------------------------------------------------- Ed25519 through WebCrypto
  function cryptoSubtle() {
    const c = global.crypto;
    return c && c.subtle ? c.subtle : null;
  }
  const keyCache = new Map();
  function importKey(pk) {
    const k = toHex(pk);
    let p = keyCache.get(k);
    if (!p) {
      p = cryptoSubtle().importKey('raw', pk, { name: 'Ed25519' }, false, ['verify']);
      keyCache.set(k, p);
    }
    return p;
  }
  async function verifySig(pk, msg, sig) {
    let key;
    try {
      key = await importKey(pk);
    } catch (e) {
      if (e && e.name === 'NotSupportedError') throw e;
      return false;  // not a point: no signature can verify (libsodium refuses it too)
    }
    try {
      return await cryptoSubtle().verify('Ed25519', key, sig, msg);
    } catch (e) {
      return false;
    }
  }
  const UNSUPPORTED_MESSAGE =
    'this browser cannot check the ed25519 signatures here: signature checks need https or ' +
    'localhost (a secure context) and a browser with WebCrypto Ed25519';
  let supportProbe = null;
  // Resolves to null when Ed25519 verification works here, else the reason.
  function ed25519Support() {
    if (!supportProbe) {
      supportProbe = (async () => {
        if (global.isSecureContext === false || !cryptoSubtle())
          return 'signature checks need https or localhost: this page is not a secure context ' +
                 '(WebCrypto is only offered to https pages and http://127.0.0.1 / localhost)';
        try {
          // The ed25519 base point: a valid key.
          const base = fromHex('5866666666666666666666666666666666666666666666666666666666666666');
          const key = await cryptoSubtle().importKey('raw', base, { name: 'Ed25519' }, false, ['verify']);
          await cryptoSubtle().verify('Ed25519', key, new Uint8Array(64), new Uint8Array(32));
          return null;
        } catch (e) {
          return UNSUPPORTED_MESSAGE + ' (' + (e && e.name ? e.name : String(e)) + ')';
        }
      })();
    }
    return supportProbe;
  }

  const quorum = (n) => Math.floor((2 * n) / 3) + 1;

  // common/commit.cpp verify_certificate. Returns null or the problem. The signatures are
  // verified concurrently but the answer is the one the sequential C++ loop gives.
  async function verifyCertificate(cert, chainId, height, blockHash, committee) {
    if (cert.height !== height) return 'certificate is for height ' + cert.height + ', not ' + height;
    if (!equalBytes(cert.blockHash, blockHash))
      return 'certificate is for block ' + toHex(cert.blockHash) + ', not ' + toHex(blockHash);
    const digest = voteDigest(chainId, 1, height, cert.round, blockHash);
    // The first structural problem, in loop order; signatures before it are still checked first.
    let stop = cert.sigs.length, structural = null, last = -1;
    for (let i = 0; i < cert.sigs.length; ++i) {
      const s = cert.sigs[i];
      if (s.index <= last) { stop = i; structural = 'certificate signer indexes must strictly ascend'; break; }
      last = s.index;
      if (s.index >= committee.length) {
        stop = i;
        structural = 'certificate signer index ' + s.index + ' outside committee of ' + committee.length;
        break;
      }
    }
    const results = await Promise.all(
      cert.sigs.slice(0, stop).map((s) => verifySig(committee[s.index], digest, s.signature)));
    for (let i = 0; i < results.length; ++i)
      if (!results[i]) return 'certificate signature of validator ' + cert.sigs[i].index + ' is invalid';
    if (structural) return structural;
    if (stop < quorum(committee.length))
      return 'certificate has ' + stop + ' signatures, quorum is ' + quorum(committee.length);
    return null;
  }

  // ---------------------------------------------------------------- CommitteeChain
  class CommitteeChain {
    // chainId: 32 bytes; epochBlocks: BigInt > 0; committee: array of 32-byte keys.
    constructor(chainId, epochBlocks, committee) {
      this.chainId = chainId;
      this.epochBlocks = BigInt(epochBlocks);
      this.epoch = 0n;
      this.committee = committee;
      this.seen = 0n;
    }
    handoffHeight() { return this.epoch * this.epochBlocks; }
    noteSeen(h) { if (h > this.seen) this.seen = h; }

    // Throws StepFailure; on failure nothing changes.
    async apply(handoff) {
      const expected = (this.epoch + 1n) * this.epochBlocks;
      const h = headerView(handoff.block.header);
      if (h.height !== expected)
        throw stepError(STEP.handoffHeader, h.height,
                        'expected the hand-off of epoch ' + this.epoch + ' at height ' + expected);
      if (!equalBytes(h.committeeHash, committeeHash(this.committee)))
        throw stepError(STEP.handoffHeader, h.height,
                        'the header names a committee other than the one trusted for epoch ' + this.epoch);
      const bad = await verifyCertificate(handoff.block.cert, this.chainId, h.height, h.blockHash, this.committee);
      if (bad) throw stepError(STEP.handoffCertificate, h.height, bad);
      const next = handoff.nextCommittee ? handoff.nextCommittee : this.committee;
      if (next.length === 0) throw stepError(STEP.handoffNextCommittee, h.height, 'the next committee is empty');
      if (!equalBytes(h.nextCommitteeHash, committeeHash(next)))
        throw stepError(STEP.handoffNextCommittee, h.height,
                        handoff.nextCommittee
                          ? "the members given do not hash to the header's next_committee_hash"
                          : 'the committee changes here but the proof gives no members');
      this.committee = next;
      this.epoch += 1n;
      this.noteSeen(h.height);
    }

    // Returns {header, signers, committeeSize}; throws StepFailure.
    async acceptTip(tip, nowMs, maxAgeMs) {
      const h = headerView(tip.header);
      if (h.height < this.seen)
        throw stepError(STEP.tipBelowSeen, h.height, 'below height ' + this.seen + ', already seen');
      const first = this.handoffHeight() + 1n;
      const last = this.handoffHeight() + this.epochBlocks;
      if (h.height < first || h.height > last)
        throw stepError(STEP.tipHeader, h.height,
                        'outside epoch ' + this.epoch + ' (heights ' + first + '..' + last +
                        '), the last one the committee hand-offs reach');
      if (!equalBytes(h.committeeHash, committeeHash(this.committee)))
        throw stepError(STEP.tipHeader, h.height, 'the header names a committee other than the trusted one');
      const bad = await verifyCertificate(tip.cert, this.chainId, h.height, h.blockHash, this.committee);
      if (bad) throw stepError(STEP.tipCertificate, h.height, bad);
      if (nowMs > h.timeMs && nowMs - h.timeMs > maxAgeMs)
        throw stepError(STEP.tipStale, h.height,
                        'the block is ' + (nowMs - h.timeMs) / 1000n + ' s old, more than the ' +
                        maxAgeMs / 1000n + ' s allowed (a node serving an old state?)');
      this.noteSeen(h.height);
      return { header: h, signers: tip.cert.sigs.length, committeeSize: this.committee.length };
    }
  }

  // ---------------------------------------------------------------- registry and swarms
  // registry/swarm_proof.cpp verify_registry_opening; throws StepFailure.
  function verifyRegistryOpening(records, registryRoot, height) {
    for (let i = 1; i < records.length; ++i)
      if (!(compareBytes(records[i - 1].pubkey, records[i].pubkey) < 0))
        throw stepError(STEP.records, height,
                        'record ' + i + ' (' + toHex(records[i].pubkey) +
                        ') is not above the one before: records must ascend by pubkey, once each');
    const buckets = new Array(BUCKETS);
    for (const sn of records) {
      const b = bucketOf(sn.pubkey);
      (buckets[b] || (buckets[b] = [])).push(leafHash(sn));
    }
    const roots = [];
    for (let b = 0; b < BUCKETS; ++b) roots.push(buckets[b] ? merkleRoot(buckets[b]) : MERKLE_EMPTY);
    if (!equalBytes(merkleRoot(roots), registryRoot))
      throw stepError(STEP.registryRoot, height,
                      'the ' + records.length + ' records do not rebuild the certified registry_root ' +
                      '(a record is missing, added or altered)');
  }
  // Every active node with a swarm, ascending by (swarm_id, pubkey).
  function swarmMembersOf(records) {
    const out = records.filter((sn) => sn.state === 1 && sn.swarmId !== UNASSIGNED_SWARM);
    out.sort((a, b) => (a.swarmId < b.swarmId ? -1 : a.swarmId > b.swarmId ? 1 : compareBytes(a.pubkey, b.pubkey)));
    return out;
  }
  function swarmIdsOf(members) {
    const ids = [];
    for (const sn of members) if (ids.length === 0 || ids[ids.length - 1] !== sn.swarmId) ids.push(sn.swarmId);
    return ids;
  }
  function lowerBound(arr, v) {
    let lo = 0, hi = arr.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (arr[mid] < v) lo = mid + 1; else hi = mid; }
    return lo;
  }
  // registry/swarm_lookup.cpp swarm_space: c0 ^ c1 ^ c2 ^ c3, ci = bytes [8i, 8i+8) big-endian.
  function swarmSpace(key) {
    const dv = new DataView(key.buffer, key.byteOffset, 32);
    return dv.getBigUint64(0) ^ dv.getBigUint64(8) ^ dv.getBigUint64(16) ^ dv.getBigUint64(24);
  }
  // SwarmIndex::lookup over ascending unique ids.
  function nearestSwarm(ids, space) {
    if (ids.length === 0) return UNASSIGNED_SWARM;
    if (ids.length === 1) return ids[0];
    const it = lowerBound(ids, space);
    const right = it === ids.length ? 0 : it;
    const left = right === 0 ? ids.length - 1 : right - 1;
    const dRight = BigInt.asUintN(64, ids[right] - space);
    const dLeft = BigInt.asUintN(64, space - ids[left]);
    return dRight < dLeft ? ids[right] : ids[left];
  }
  function swarmFromRecords(records, user, height) {
    const members = swarmMembersOf(records);
    const ids = swarmIdsOf(members).filter((id) => id !== UNASSIGNED_SWARM);
    const swarmId = nearestSwarm(ids, swarmSpace(user));
    if (swarmId === UNASSIGNED_SWARM)
      throw stepError(STEP.swarmAnswer, height, 'the certified registry has no swarm yet');
    return {
      swarmId, members: members.filter((sn) => sn.swarmId === swarmId),
      swarmCount: ids.length, nodeCount: members.length,
    };
  }
  function verifySwarmProof(proof, tip, user) {
    verifyRegistryOpening(proof.records, tip.registryRoot, tip.height);
    const ids = swarmIdsOf(swarmMembersOf(proof.records));
    const claimed = proof.swarmIds;
    const same = claimed.length === ids.length && claimed.every((id, i) => id === ids[i]);
    if (!same) {
      for (const id of ids) {  // std::binary_search on the claimed list, as given
        const at = lowerBound(claimed, id);
        if (!(at < claimed.length && claimed[at] === id))
          throw stepError(STEP.swarmList, tip.height, "the node's list lacks swarm " + swarmHex(id));
      }
      throw stepError(STEP.swarmList, tip.height,
                      "the node's list (" + claimed.length + ' ids) is not the ' + ids.length +
                      ' swarms of the certified records');
    }
    const swarm = swarmFromRecords(proof.records, user, tip.height);
    if (proof.swarmId !== swarm.swarmId)
      throw stepError(STEP.swarmAnswer, tip.height,
                      'the node answered swarm ' + swarmHex(proof.swarmId) + ' but the nearest swarm is ' +
                      swarmHex(swarm.swarmId));
    return swarm;
  }
  function encodeSwarmTable(records) {
    const members = swarmMembersOf(records);
    const out = new Uint8Array(members.length * TABLE_ENTRY_BYTES);
    const dv = new DataView(out.buffer);
    members.forEach((sn, i) => {
      const o = i * TABLE_ENTRY_BYTES;
      out.set(sn.pubkey, o);
      dv.setBigUint64(o + 32, sn.swarmId);
      dv.setUint32(o + 40, sn.contact.publicIp);
      dv.setUint16(o + 44, sn.contact.storagePort);
      dv.setUint16(o + 46, sn.contact.storageLmqPort);
      for (let k = 0; k < 3; ++k) out[o + 48 + k] = Math.min(sn.contact.version[k], 255);
    });
    return out;
  }
  function verifySwarmTable(proof, tip, user) {
    verifyRegistryOpening(proof.records, tip.registryRoot, tip.height);
    const expected = encodeSwarmTable(proof.records);
    if (!equalBytes(proof.table, expected)) {
      let i = 0;
      while (i < proof.table.length && i < expected.length && proof.table[i] === expected[i]) ++i;
      throw stepError(STEP.table, tip.height,
                      'the table differs from the certified records from entry ' +
                      Math.floor(i / TABLE_ENTRY_BYTES) + ' on (' + proof.table.length + ' bytes given, ' +
                      expected.length + ' expected)');
    }
    return swarmFromRecords(proof.records, user, tip.height);
  }

  // ---------------------------------------------------------------- inputs
  // registry/swarm_lookup.cpp parse_user_pubkey: 64 hex digits, or 66 with a network byte.
  function parseUserPubkey(text) {
    if (typeof text !== 'string') return { error: 'pubkey must be a string of hex digits' };
    if (text.length !== 64 && text.length !== 66)
      return { error: 'pubkey must be 64 hex digits, or 66 with a network prefix such as 05; got ' +
                      text.length + ' characters' };
    const b = fromHex(text);
    if (!b) {
      for (let i = 0; i < text.length; ++i)
        if (!/[0-9a-fA-F]/.test(text[i])) {
          const c = text.charCodeAt(i);
          const shown = c >= 0x20 && c < 0x7f ? "'" + text[i] + "'" : 'byte 0x' + (c & 0xff).toString(16).padStart(2, '0');
          return { error: 'pubkey is not hex: ' + shown + ' at position ' + i };
        }
      return { error: 'pubkey hex mixes upper and lower case digits' };
    }
    return { key: b.length === 33 ? b.subarray(1) : b };
  }
  // The trust anchor from get_genesis's reply (or the genesis hex itself): everything is derived
  // from genesis_hex, the summary fields of the reply are not trusted.
  function trustAnchor(genesis, pinnedChainId) {
    const hex = typeof genesis === 'string' ? genesis : genesis && genesis.genesis_hex;
    const bytes = fromHex(hex);
    if (!bytes) throw new StepFailure(STEP.setup, "genesis: proof encoding: get_genesis has no hex 'genesis_hex'");
    const g = decodeExact(decodeGenesis, bytes);
    if (g.error) throw new StepFailure(STEP.setup, 'genesis: proof encoding: get_genesis: ' + g.error);
    const chainId = hashTagged('swarmchain/genesis/v1', bytes);
    if (pinnedChainId !== undefined && pinnedChainId !== null && pinnedChainId !== '') {
      if (String(pinnedChainId).toLowerCase() !== toHex(chainId))
        throw new StepFailure(STEP.setup, 'genesis: the node\'s genesis hashes to ' + toHex(chainId) +
                              ', not the pinned ' + pinnedChainId + ' (another chain, or a lying node)');
    }
    const bad = validateGenesis(g.value);
    if (bad) throw new StepFailure(STEP.setup, 'genesis: ' + bad);
    const size = Number(g.value.params.committee_size);
    const committee = g.value.serviceNodes.slice(0, size).map((sn) => sn.pubkey);
    return { chainId, epochBlocks: g.value.params.epoch_blocks, committee, genesis: g.value };
  }
  // The hand-off hex strings of `chain`: an array of hex strings, of {proof} entries, or of
  // whole get_committee_chain answers ({handoffs: [...]}), in order.
  function handoffHexes(chain) {
    const out = [];
    const add = (e) => {
      if (e && typeof e === 'object' && Array.isArray(e.handoffs)) e.handoffs.forEach(add);
      else out.push(typeof e === 'string' ? e : e && e.proof);
    };
    if (Array.isArray(chain)) chain.forEach(add);
    else if (chain) add(chain);
    return out;
  }
  function ipv4Text(ip) { return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.'); }
  function memberJson(sn) {
    return {
      pubkey_ed25519: toHex(sn.pubkey),
      pubkey_x25519: toHex(sn.pubkeyX25519),
      ip: ipv4Text(sn.contact.publicIp),
      port_https: sn.contact.storagePort,
      port_omq: sn.contact.storageLmqPort,
      version: sn.contact.version.slice(),
    };
  }

  // ---------------------------------------------------------------- the whole check
  // opts: genesis (get_genesis reply or genesis hex), chain (hand-offs from height 0 to the
  // tip), proofHex (get_swarm_proof's proof) or tableProofHex (get_swarm_table's proof, the
  // wallet's --local), sessionId (64 or 66 hex), nowMs (default Date.now()), maxAgeMs (default
  // 600000), chainId (optional pinned chain id, 64 hex), minHeight (optional: a height seen
  // before; tips below it are refused).
  async function verify(opts) {
    const o = opts || {};
    const out = {
      ok: false, step: null, message: '', height: null, signers: null, committeeSize: null,
      swarmId: null, members: [], handoffs: 0, chainId: null, swarmCount: null, nodeCount: null,
      blockHash: null, timeMs: null,
    };
    try {
      const user = parseUserPubkey(o.sessionId);
      if (user.error) throw new StepFailure(STEP.setup, 'session id: ' + user.error);
      const anchor = trustAnchor(o.genesis, o.chainId);
      out.chainId = toHex(anchor.chainId);
      const unsupported = await ed25519Support();
      if (unsupported) throw new StepFailure(STEP.unsupported, unsupported);

      // The proof first: its tip fixes how far the committee chain must reach.
      const local = o.tableProofHex !== undefined && o.proofHex === undefined;
      const method = local ? 'get_swarm_table' : 'get_swarm_proof';
      const proofBytes = fromHex(local ? o.tableProofHex : o.proofHex);
      if (!proofBytes) throw new StepFailure(STEP.encoding, STEP.encoding + ': ' + method + " has no hex 'proof'");
      const decoded = decodeExact(local ? decodeSwarmTableProof : decodeSwarmProof, proofBytes);
      if (decoded.error) throw new StepFailure(STEP.encoding, STEP.encoding + ': ' + method + ': ' + decoded.error);
      const proof = decoded.value;
      out.height = Number(headerView(proof.tip.header).height);

      // Hand-offs from the genesis to the tip's epoch.
      const chain = new CommitteeChain(anchor.chainId, anchor.epochBlocks, anchor.committee);
      if (o.minHeight !== undefined) chain.noteSeen(BigInt(o.minHeight));
      for (const hex of handoffHexes(o.chain)) {
        const b = fromHex(hex);
        if (!b) throw new StepFailure(STEP.encoding, STEP.encoding + ": a committee hand-off has no hex 'proof'");
        const h = decodeExact(decodeHandoff, b);
        if (h.error) throw new StepFailure(STEP.encoding, STEP.encoding + ': a committee hand-off: ' + h.error);
        await chain.apply(h.value);
        out.handoffs++;
      }

      // The tip.
      const nowMs = BigInt(Math.floor(o.nowMs === undefined ? Date.now() : o.nowMs));
      const maxAgeMs = BigInt(Math.floor(o.maxAgeMs === undefined ? 600000 : o.maxAgeMs));
      const tip = await chain.acceptTip(proof.tip, nowMs, maxAgeMs);
      out.signers = tip.signers;
      out.committeeSize = tip.committeeSize;
      out.blockHash = toHex(tip.header.blockHash);
      out.timeMs = Number(tip.header.timeMs);

      // The registry under it.
      const swarm = local ? verifySwarmTable(proof, tip.header, user.key) : verifySwarmProof(proof, tip.header, user.key);
      out.ok = true;
      out.swarmId = swarmHex(swarm.swarmId);
      out.members = swarm.members.map(memberJson);
      out.swarmCount = swarm.swarmCount;
      out.nodeCount = swarm.nodeCount;
      out.message = 'swarm ' + out.swarmId + ': ' + out.members.length + ' service node(s), verified at height ' +
                    out.height + ', certified by ' + out.signers + ' of ' + out.committeeSize;
      return out;
    } catch (e) {
      if (!(e instanceof StepFailure)) {
        if (e && e.name === 'NotSupportedError') { out.step = STEP.unsupported; out.message = UNSUPPORTED_MESSAGE; return out; }
        out.step = STEP.setup;
        out.message = 'internal error: ' + (e && e.message ? e.message : String(e));
        return out;
      }
      out.step = e.step;
      out.message = e.message;
      return out;
    }
  }

  // Fetches what verify() needs the way the wallet does (wallet/swarm_cmd.cpp): get_genesis, the
  // proof, then get_committee_chain pages from the last trusted hand-off to the tip's height.
  // rpc(method, params) -> Promise of the JSON-RPC result (throws on a transport/RPC error).
  // Other opts as verify(); opts.local uses get_swarm_table (the node never learns the key).
  async function lookup(opts) {
    const o = Object.assign({}, opts);
    const fail = (msg) => ({ ok: false, step: STEP.setup, message: msg, height: null, signers: null,
                             committeeSize: null, swarmId: null, members: [] });
    const user = parseUserPubkey(o.sessionId);
    if (user.error) return fail('session id: ' + user.error);
    const call = async (method, params) => {
      try { return { value: await o.rpc(method, params) }; } catch (e) {
        return { error: method + ': ' + (e && e.message ? e.message : String(e)) };
      }
    };
    const g = await call('get_genesis', {});
    if (g.error) return fail(g.error);
    let anchor;
    try { anchor = trustAnchor(g.value, o.chainId); } catch (e) { return fail(e.message); }
    const p = o.local ? await call('get_swarm_table', {}) : await call('get_swarm_proof', { pubkey: toHex(user.key) });
    if (p.error) return fail(p.error);
    const proofHex = p.value && p.value.proof;
    const proofBytes = fromHex(proofHex);
    const chain = [];
    if (proofBytes && proofBytes.length >= 8) {
      const tipHeight = new DataView(proofBytes.buffer, proofBytes.byteOffset).getBigUint64(0, true);
      const E = anchor.epochBlocks;
      const maxPages = tipHeight / E / 1000n + 2n;
      for (let page = 0n; ; ++page) {
        if (page === maxPages) return fail("get_committee_chain: the node keeps answering 'more'");
        const from = BigInt(chain.length) * E;  // the chain's handoff_height once these apply
        const a = await call('get_committee_chain', { from_height: Number(from), to_height: Number(tipHeight) });
        if (a.error) return fail(a.error);
        if (!a.value || typeof a.value !== 'object' || !Array.isArray(a.value.handoffs))
          return Object.assign(fail(STEP.encoding + ': get_committee_chain answered without a handoffs list'),
                               { step: STEP.encoding });
        for (const h of a.value.handoffs) chain.push(h);
        if (a.value.more !== true || a.value.handoffs.length === 0) break;
      }
    }
    const args = Object.assign({}, o, { genesis: g.value, chain });
    if (o.local) { args.tableProofHex = proofHex; delete args.proofHex; } else args.proofHex = proofHex;
    return verify(args);
  }

  global.SwarmProofCheck = {
    blake2b256, blake2b, Blake2b, hashTagged, toHex, fromHex,
    Reader, DecodeError, decodeExact,
    decodeCertificate, decodeCertifiedHeader, decodeHandoff, decodeRecord, decodeSwarmProof,
    decodeSwarmTableProof, decodeGenesis,
    headerView, committeeHash, voteDigest, merkleRoot, merkleParent, MERKLE_EMPTY, leafHash, bucketOf,
    swarmSpace, nearestSwarm, swarmHex, encodeSwarmTable, parseUserPubkey, trustAnchor,
    CommitteeChain, StepFailure, verifyRegistryOpening, verifySwarmProof, verifySwarmTable,
    STEP, ed25519Support, verify, lookup,
  };
})(typeof globalThis !== 'undefined' ? globalThis : this);
