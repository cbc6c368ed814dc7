// swarmchain explorer: chain data helpers and the chain views (overview, blocks, block).
'use strict';

(function () {
  const { el, rpc, clear, errorBox, noteBox, errText, kvTable, hashSpan, nodeLink, blockLink, fmt, check } = SC;

  // -------------------------------------------------------------------------------------------
  // Binary reading (proof and hand-off encodings: docs/protocol.md, little-endian, LEB128).

  function hexToBytes(hex) {
    if (typeof hex !== 'string' || hex.length % 2 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error('not hex');
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }
  function bytesToHex(b) {
    let s = '';
    for (const x of b) s += x.toString(16).padStart(2, '0');
    return s;
  }
  class Reader {
    constructor(bytes, pos) { this.b = bytes; this.p = pos || 0; }
    need(n) { if (this.p + n > this.b.length) throw new Error('proof truncated at byte ' + this.p); }
    u8() { this.need(1); return this.b[this.p++]; }
    u16() { this.need(2); const v = this.b[this.p] | (this.b[this.p + 1] << 8); this.p += 2; return v; }
    u32() { this.need(4); let v = 0; for (let i = 3; i >= 0; i--) v = v * 256 + this.b[this.p + i]; this.p += 4; return v; }
    u64() { this.need(8); let v = 0n; for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(this.b[this.p + i]); this.p += 8; return v; }
    fixed(n) { this.need(n); const s = this.b.subarray(this.p, this.p + n); this.p += n; return s; }
    varint() {
      let v = 0n;
      for (let shift = 0n; ; shift += 7n) {
        const x = this.u8();
        v |= BigInt(x & 0x7f) << shift;
        if (!(x & 0x80)) return v;
        if (shift > 63n) throw new Error('varint too long');
      }
    }
  }
  // header[272]: height u64 || prev_hash || time_ms u64 || proposer || tx_root || state_root ||
  // registry_root || committee_hash || next_committee_hash || last_commit_hash
  function readHeader(r) {
    const start = r.p;
    const h = { height: r.u64() };
    h.prev_hash = bytesToHex(r.fixed(32));
    h.time_ms = r.u64();
    h.proposer = bytesToHex(r.fixed(32));
    r.fixed(64); // tx_root, state_root
    h.registry_root = bytesToHex(r.fixed(32));
    h.committee_hash = bytesToHex(r.fixed(32));
    h.next_committee_hash = bytesToHex(r.fixed(32));
    r.fixed(32);
    if (r.p - start !== 272) throw new Error('header size');
    return h;
  }
  // certificate: height u64 || round u32 || block_hash[32] || vector<index u16 || sig[64]>
  function readCert(r) {
    const c = { height: r.u64(), round: r.u32(), block_hash: bytesToHex(r.fixed(32)), indexes: [] };
    const n = Number(r.varint());
    if (n > 1024) throw new Error('certificate has too many signatures');
    for (let i = 0; i < n; i++) { c.indexes.push(r.u16()); r.fixed(64); }
    return c;
  }
  SC.bin = { hexToBytes, bytesToHex, Reader, readHeader, readCert };

  // -------------------------------------------------------------------------------------------
  // The committee of a height: epoch e = 0 for heights 0..E, else floor((h-1)/E). Epoch 0 is the
  // genesis committee; epoch e > 0 is named by the hand-off at height e·E when it carries
  // members, else it is the previous epoch's. Hand-offs come from get_committee_chain (the
  // node's own encoding, not checked here: display only).

  let genesisP = null;
  function genesis() {
    if (!genesisP) genesisP = rpc('get_genesis', {}).catch((e) => { genesisP = null; throw e; });
    return genesisP;
  }
  const committeeCache = new Map();
  async function committeeAt(height) {
    const g = await genesis();
    const E = Number(g.epoch_blocks);
    const h = Number(height);
    const e = h <= E ? 0 : Math.floor((h - 1) / E);
    if (e === 0) return { epoch: 0, members: g.genesis_committee, E };
    if (committeeCache.has(e)) return committeeCache.get(e);
    let to = e * E + 1;
    let window = 16;
    for (;;) {
      const from = Math.max(0, Math.floor((to - 1) / E) - window) * E;
      const ans = await rpc('get_committee_chain', { from_height: from, to_height: to });
      const hs = ans.handoffs || [];
      for (let i = hs.length - 1; i >= 0; i--) {
        const r = new Reader(hexToBytes(hs[i].proof));
        readHeader(r);
        readCert(r);
        if (r.u8() === 1) {
          const n = Number(r.varint());
          const members = [];
          for (let k = 0; k < n; k++) members.push(bytesToHex(r.fixed(32)));
          const res = { epoch: e, members, E, named_at: Number(hs[i].height) };
          committeeCache.set(e, res);
          return res;
        }
      }
      if (from === 0) {
        const res = { epoch: e, members: g.genesis_committee, E };
        committeeCache.set(e, res);
        return res;
      }
      to = from + 1;
      window = Math.min(window * 4, 900);
    }
  }
  SC.committeeAt = committeeAt;
  SC.genesis = genesis;

  function quorum(n) { return Math.floor((2 * n) / 3) + 1; }
  SC.quorum = quorum;

  function section(title, ...kids) {
    return el('section', { class: 'panel' }, el('h2', null, title), ...kids);
  }
  SC.section = section;

  // -------------------------------------------------------------------------------------------
  // Overview

  function stat(label, id, sub) {
    return el('div', { class: 'stat' }, el('div', { class: 'stat-label' }, label),
      el('div', { class: 'stat-value', id }, '…'), sub ? el('div', { class: 'stat-sub muted', id: id + '-sub' }) : null);
  }
  function setText(id, v) {
    const n = document.getElementById(id);
    if (n) n.textContent = v;
  }

  SC.views.overview = {
    title: 'Overview',
    async render(root, route, ctx) {
      root.appendChild(el('h1', null, 'Overview'));
      const status = el('div', { class: 'ov-status' });
      const grid = el('div', { class: 'stats' },
        stat('Height', 'ov-height', true), stat('Finalized height', 'ov-final'),
        stat('Last block interval', 'ov-last-int'), stat('Average block interval', 'ov-avg-int', true),
        stat('Active nodes', 'ov-active'), stat('Decommissioned', 'ov-decom'), stat('Awaiting', 'ov-await'),
        stat('Swarms', 'ov-swarms'), stat('Staking requirement', 'ov-stake', true), stat('Peers', 'ov-peers'),
        stat('Mempool', 'ov-mempool'), stat('Network', 'ov-net', true));
      const committeeBox = el('div');
      const chartsBox = el('div', { class: 'charts' });
      root.append(status, grid, section('Committee of the current epoch', committeeBox),
        section('History (last 200 blocks)', chartsBox));

      let lastHeight = null;
      let staking = null;
      const refresh = async () => {
        let info;
        try {
          info = await rpc('get_info');
        } catch (e) {
          clear(status).appendChild(errorBox('Cannot refresh: ' + errText(e)));
          return;
        }
        if (!ctx.live()) return;
        clear(status);
        setText('ov-height', String(info.height));
        setText('ov-height-sub', info.syncing ? 'syncing' : 'tip ' + String(info.top_block_hash).slice(0, 12) + '…');
        setText('ov-final', String(info.finalized_height));
        setText('ov-peers', fmt.int(info.peers));
        setText('ov-mempool', fmt.int(info.mempool_size) + ' tx');
        setText('ov-net', String(info.network));
        setText('ov-net-sub', 'swarmchaind ' + String(info.version));
        if (staking === null) {
          try {
            staking = await rpc('get_staking_requirement');
            setText('ov-stake', fmt.coins(staking.staking_requirement));
            setText('ov-stake-sub', 'operator at least ' + fmt.coins(staking.min_operator_stake) +
              ', up to ' + staking.max_contributors + ' contributors');
          } catch (e) { setText('ov-stake', '—'); setText('ov-stake-sub', errText(e)); staking = false; }
        }
        if (info.height === lastHeight) return;
        lastHeight = info.height;
        await refreshChain(info, ctx, committeeBox, chartsBox);
      };
      await refresh();
      ctx.poll(refresh, 2000);
    },
  };

  // Everything that changes only with a new block.
  async function refreshChain(info, ctx, committeeBox, chartsBox) {
    const tip = Number(info.height);
    let stats = null, statsErr = null;
    try {
      stats = await rpc('get_chain_stats', { count: 200 });
    } catch (e) { statsErr = e; }
    if (!ctx.live()) return;
    const pts = stats ? stats.points || [] : [];
    const last = pts.length ? pts[pts.length - 1] : null;
    // Intervals.
    if (pts.length) {
      const ivs = pts.map((p) => p.interval_ms).filter((v) => v !== null && v !== undefined);
      setText('ov-last-int', fmt.ms(last.interval_ms));
      setText('ov-avg-int', ivs.length ? fmt.ms(ivs.reduce((a, b) => a + Number(b), 0) / ivs.length) : '—');
      setText('ov-avg-int-sub', 'over the last ' + ivs.length + ' blocks');
    } else if (tip > 0) {
      try {
        const n = Math.min(20, tip);
        const [a, b, c] = await Promise.all([rpc('get_block', { height: tip }), rpc('get_block', { height: tip - 1 }),
          rpc('get_block', { height: tip - n })]);
        setText('ov-last-int', fmt.ms(a.header.time_ms - b.header.time_ms));
        setText('ov-avg-int', fmt.ms((a.header.time_ms - c.header.time_ms) / n));
        setText('ov-avg-int-sub', 'over the last ' + n + ' blocks');
      } catch (e) { setText('ov-last-int', '—'); setText('ov-avg-int-sub', errText(e)); }
    }
    // Counts: the stats index, or one get_service_nodes with only the state and swarm fields.
    if (last && last.active !== null && last.active !== undefined) {
      setText('ov-active', fmt.int(last.active));
      setText('ov-decom', fmt.int(last.decommissioned));
      setText('ov-await', fmt.int(last.awaiting));
      setText('ov-swarms', fmt.int(last.swarms));
    } else {
      try {
        const sn = await rpc('get_service_nodes', { fields: { state: true, swarm: true } });
        const c = { active: 0, decommissioned: 0, awaiting: 0 };
        const sw = new Set();
        for (const n of sn.service_node_states || []) {
          if (n.state in c) c[n.state]++;
          if (n.state === 'active' && n.swarm && n.swarm !== 'ffffffffffffffff') sw.add(n.swarm);
        }
        setText('ov-active', fmt.int(c.active));
        setText('ov-decom', fmt.int(c.decommissioned));
        setText('ov-await', fmt.int(c.awaiting));
        setText('ov-swarms', fmt.int(sw.size));
      } catch (e) { setText('ov-active', '—'); }
    }
    // Committee.
    try {
      const com = await committeeAt(tip);
      if (!ctx.live()) return;
      clear(committeeBox);
      const cur = await rpc('get_block', { height: tip });
      const cert = cur.certificate;
      const signed = new Set(cert ? cert.signatures.map((s) => s.index) : []);
      committeeBox.append(el('p', { class: 'muted' }, 'Epoch ' + com.epoch + ' (' + com.E + ' blocks an epoch), ' +
        com.members.length + ' member' + (com.members.length === 1 ? '' : 's') + ', quorum ' + quorum(com.members.length) +
        '. "Signed" is the certificate of block ' + tip + '.'));
      committeeBox.appendChild(committeeTable(com.members, signed, cur.header.proposer, !!cert));
    } catch (e) {
      clear(committeeBox).appendChild(errorBox(errText(e)));
    }
    // Charts.
    clear(chartsBox);
    if (!stats) {
      chartsBox.appendChild(errorBox('No charts: ' + errText(statsErr)));
      return;
    }
    const C = SC.charts;
    const xs = (k, f) => pts.map((p) => ({ x: Number(p.height), y: p[k] === null || p[k] === undefined ? null : f(p[k]) }));
    const hx = (v) => String(v);
    chartsBox.append(
      C.lineChart(xs('interval_ms', Number), { title: 'Block interval', fmtY: fmt.ms, fmtX: hx }),
      C.lineChart(xs('active', Number), { title: 'Active nodes', fmtX: hx, fmtY: (v) => fmt.int(Math.round(v)) }),
      C.lineChart(xs('swarms', Number), { title: 'Swarms', fmtX: hx, fmtY: (v) => fmt.int(Math.round(v)) }),
      C.lineChart(xs('rewards_paid', (v) => Number(v) / 1e9), { title: 'Rewards paid per block (coin)', fmtX: hx, bars: true,
        fmtY: (v) => (Math.round(v * 1000) / 1000).toString() }));
    if (pts.some((p) => p.active === null))
      chartsBox.appendChild(noteBox('Blocks committed before this node kept its per-block statistics have no node counts (gaps).'));
  }

  function committeeTable(members, signed, proposer, hasCert) {
    const tb = el('tbody');
    members.forEach((pk, i) => {
      tb.appendChild(el('tr', { class: signed.has(i) ? 'signed' : 'unsigned' },
        el('td', { class: 'num' }, String(i)), el('td', null, nodeLink(pk, 16, 8)),
        el('td', null, hasCert ? (signed.has(i) ? el('span', { class: 'ok' }, '✓ signed') : el('span', { class: 'muted' }, '– no signature')) : '—'),
        el('td', null, pk === proposer ? 'proposer' : '')));
    });
    return el('table', { class: 'data' }, el('thead', null, el('tr', null, el('th', null, '#'), el('th', null, 'Member'),
      el('th', null, 'Signed'), el('th', null, 'Role'))), tb);
  }

  // -------------------------------------------------------------------------------------------
  // Blocks

  SC.views.blocks = {
    title: 'Blocks',
    async render(root, route) {
      root.appendChild(el('h1', null, 'Blocks'));
      const before = route.query.before;
      if (before !== undefined && !check.isHeight(before)) {
        root.appendChild(errorBox('"before" must be a decimal block height, got "' + before + '".'));
        return;
      }
      const params = { limit: 20 };
      if (before !== undefined) params.before_height = Number(before);
      let list;
      try {
        list = await rpc('get_block_list', params);
      } catch (e) {
        if (!(e instanceof SC.RpcError) || e.code !== -32601) throw e;
        root.appendChild(noteBox('This node does not serve get_block_list yet: the list below is read block by block with get_block.'));
        list = await blockListFallback(params);
      }
      const tb = el('tbody');
      for (const b of list.blocks) {
        tb.appendChild(el('tr', null, el('td', { class: 'num' }, blockLink(b.height)), el('td', null, fmt.time(b.time_ms)),
          el('td', null, hashSpan(b.hash)), el('td', { class: 'num' }, fmt.int(b.tx_count)), el('td', null, nodeLink(b.proposer)),
          el('td', { class: 'num' }, b.round === null || b.round === undefined ? '—' : String(b.round)),
          el('td', { class: 'num' }, (b.signers === null || b.signers === undefined ? '—' : String(b.signers)) +
            (b.committee_size ? ' / ' + b.committee_size : ''))));
      }
      if (!list.blocks.length) tb.appendChild(el('tr', null, el('td', { colspan: 7, class: 'muted' }, 'No blocks below that height.')));
      root.appendChild(el('table', { class: 'data' }, el('thead', null, el('tr', null, el('th', null, 'Height'), el('th', null, 'Time'),
        el('th', null, 'Hash'), el('th', null, 'Txs'), el('th', null, 'Proposer'), el('th', null, 'Round'), el('th', null, 'Signers'))), tb));
      const pager = el('div', { class: 'pager' });
      const tip = Number(list.tip_height);
      if (list.blocks.length && Number(list.blocks[0].height) < tip) {
        const newer = Number(list.blocks[0].height) + 21;
        pager.appendChild(el('a', { href: newer > tip ? '#/blocks' : '#/blocks?before=' + newer }, '← Newer'));
      }
      if (list.next_before !== null && list.next_before !== undefined)
        pager.appendChild(el('a', { href: '#/blocks?before=' + String(list.next_before) }, 'Older →'));
      root.appendChild(pager);
    },
  };

  async function blockListFallback(params) {
    const info = await rpc('get_height');
    const tip = Number(info.height);
    const top = Math.min(params.before_height === undefined ? tip + 1 : params.before_height, tip + 1);
    const hs = [];
    for (let h = top - 1; h >= 0 && hs.length < params.limit; h--) hs.push(h);
    const blocks = await Promise.all(hs.map((h) => rpc('get_block', { height: h }).then((b) => ({
      height: b.header.height, hash: b.header.hash, time_ms: b.header.time_ms, tx_count: b.tx_count,
      proposer: b.header.proposer, round: b.certificate ? b.certificate.round : null,
      signers: b.certificate ? b.certificate.signatures.length : null, committee_size: null,
    }))));
    const low = hs.length ? hs[hs.length - 1] : 0;
    return { tip_height: tip, blocks, next_before: low > 0 ? low : null };
  }

  // -------------------------------------------------------------------------------------------
  // Block

  SC.views.block = {
    title: 'Block',
    async render(root, route) {
      const arg = route.arg || '';
      root.appendChild(el('h1', null, 'Block ', check.isHeight(arg) ? String(BigInt(arg)) : ''));
      if (!check.isHeight(arg)) {
        root.appendChild(errorBox('A block is named by its height, a decimal number; got "' + arg + '".'));
        return;
      }
      if (BigInt(arg) > BigInt(Number.MAX_SAFE_INTEGER)) {
        root.appendChild(errorBox('No block at height ' + arg + ': far above any tip.'));
        return;
      }
      const h = Number(arg);
      const b = await rpc('get_block', { height: h, txs: true });
      const hd = b.header;
      const nav = el('div', { class: 'pager' });
      if (h > 0) nav.appendChild(el('a', { href: '#/block/' + (h - 1) }, '← Block ' + (h - 1)));
      nav.appendChild(el('a', { href: '#/block/' + (h + 1) }, 'Block ' + (h + 1) + ' →'));
      root.appendChild(nav);
      root.appendChild(section('Header', kvTable([
        ['Height', String(hd.height)], ['Hash', el('span', { class: 'mono break' }, hd.hash)],
        ['Previous', h > 0 ? el('a', { href: '#/block/' + (h - 1), class: 'mono break' }, hd.prev_hash) : el('span', { class: 'mono break' }, hd.prev_hash)],
        ['Time', fmt.time(hd.time_ms) + ' (' + fmt.ago(hd.time_ms) + ')'], ['Proposer', nodeLink(hd.proposer, 64, 0)],
        ['Transactions', fmt.int(b.tx_count)],
        ['tx_root', el('span', { class: 'mono break' }, hd.tx_root)], ['state_root', el('span', { class: 'mono break' }, hd.state_root)],
        ['registry_root', el('span', { class: 'mono break' }, hd.registry_root)],
        ['committee_hash', el('span', { class: 'mono break' }, hd.committee_hash)],
        ['next_committee_hash', el('span', { class: 'mono break' }, hd.next_committee_hash) ],
        ['last_commit_hash', el('span', { class: 'mono break' }, hd.last_commit_hash)],
      ])));
      if (hd.next_committee_hash !== hd.committee_hash)
        root.appendChild(noteBox('This block ends its epoch and names the next committee (next_committee_hash differs).'));

      // Certificate against the committee.
      const certBox = el('div');
      root.appendChild(section('Certificate', certBox));
      const cert = b.certificate;
      if (!cert) {
        certBox.appendChild(el('p', null, 'The genesis block has no certificate: the genesis file itself anchors it.'));
      } else {
        const signed = new Set(cert.signatures.map((s) => s.index));
        certBox.appendChild(kvTable([['Round', String(cert.round)], ['Signatures', String(cert.signatures.length)],
          ['Certified hash', el('span', { class: 'mono break' }, cert.block_hash)]]));
        try {
          const com = await committeeAt(h);
          const n = com.members.length;
          const q = quorum(n);
          const ok = cert.signatures.length >= q;
          certBox.appendChild(el('p', { class: ok ? 'ok' : 'error' },
            cert.signatures.length + ' of ' + n + ' committee members signed (quorum ' + q + ')' + (ok ? '.' : ': below quorum!')));
          const expected = n ? com.members[(h + Number(cert.round)) % n] : null;
          if (expected && expected !== hd.proposer)
            certBox.appendChild(errorBox('The proposer of (height, round) should be member ' + ((h + Number(cert.round)) % n) + ', not the one named.'));
          certBox.appendChild(el('p', { class: 'muted' }, 'Committee of epoch ' + com.epoch +
            ' (from the node; signatures are not verified in the browser).'));
          certBox.appendChild(committeeTable(com.members, signed, hd.proposer, true));
        } catch (e) {
          certBox.appendChild(errorBox('Committee: ' + errText(e)));
        }
      }

      // Transactions.
      const txs = b.transactions || [];
      const txBox = el('div');
      root.appendChild(section('Transactions (' + txs.length + ')', txBox));
      if (!txs.length) txBox.appendChild(el('p', { class: 'muted' }, 'No transactions in this block.'));
      for (const tx of txs) txBox.appendChild(txCard(tx));
    },
  };

  function addrSpan(a) {
    return el('span', { class: 'mono hash', title: String(a) }, SC.shortText(a, 14, 8));
  }
  function votesList(votes) {
    const ul = el('ul', { class: 'plain' });
    for (const v of votes || [])
      ul.appendChild(el('li', null, Object.entries(v).map(([k, x]) => k + ' ' + (typeof x === 'string' && x.length > 20 ? SC.shortText(x, 8, 6) : String(x))).join(', ')));
    return ul;
  }
  function txCard(tx) {
    const rows = [];
    const t = String(tx.type);
    switch (t) {
      case 'transfer':
        rows.push(['To', addrSpan(tx.to)], ['Amount', fmt.coins(tx.amount)]);
        break;
      case 'register_node': {
        const res = el('ul', { class: 'plain' });
        for (const r of tx.reserved || []) res.appendChild(el('li', null, addrSpan(r.address), ' ', fmt.coins(r.amount)));
        rows.push(['Service node', nodeLink(tx.sn_pubkey)], ['Operator', addrSpan(tx.operator)], ['Operator fee', fmt.bps(tx.fee_bps)],
          ['Operator stake', fmt.coins(tx.operator_amount)], ['Reserved', (tx.reserved || []).length ? res : 'none'],
          ['Expires at height', fmt.int(tx.expiry_height)]);
        break;
      }
      case 'stake':
        rows.push(['Service node', nodeLink(tx.sn_pubkey)], ['Amount', fmt.coins(tx.amount)]);
        break;
      case 'request_unlock':
        rows.push(['Service node', nodeLink(tx.sn_pubkey)]);
        break;
      case 'uptime_proof':
        rows.push(['Service node', nodeLink(tx.sn_pubkey)], ['Proof time', fmt.time(tx.time_ms)],
          ['Contact', String(tx.public_ip) + ':' + String(tx.storage_port) + ' (omq ' + String(tx.storage_lmq_port) +
            ', quorumnet ' + String(tx.quorumnet_port) + ')'],
          ['Storage server', Array.isArray(tx.storage_server_version) ? tx.storage_server_version.map(String).join('.') : '—']);
        break;
      case 'evidence':
        rows.push(['Offender', nodeLink(tx.offender)], ['Votes', votesList(tx.votes)]);
        break;
      case 'state_change':
        rows.push(['Service node', nodeLink(tx.sn_pubkey)], ['New state', SC.stateBadge(tx.new_state)],
          ['Tested at height', blockLink(tx.test_height)],
          ['Reasons', Array.isArray(tx.reasons) ? tx.reasons.map(String).join(', ') || '—' : String(tx.reason_bits)],
          ['Votes', String((tx.votes || []).length) + ' (members ' + (tx.votes || []).map((v) => String(v.index)).join(', ') + ')']);
        break;
      default:
        for (const [k, v] of Object.entries(tx)) {
          if (['txid', 'type', 'index', 'sender', 'from', 'nonce', 'fee', 'signature', 'size', 'version', 'chain_id'].includes(k)) continue;
          rows.push([k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
        }
    }
    rows.push(['From', addrSpan(tx.from)], ['Fee', fmt.coins(tx.fee)], ['Nonce', String(tx.nonce)], ['Size', fmt.int(tx.size) + ' bytes'],
      ['Signature', hashSpan(tx.signature, 16, 8)]);
    return el('div', { class: 'tx' },
      el('div', { class: 'tx-head' }, el('span', { class: 'tx-index' }, '#' + String(tx.index)),
        el('span', { class: 'badge tx-' + (/^[a-z_]+$/.test(t) ? t : 'other') }, t), hashSpan(tx.txid, 64, 0)),
      kvTable(rows, 'tx-fields'));
  }
})();
