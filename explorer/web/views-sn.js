// swarmchain explorer: registry views (service nodes, node, swarms, swarm); find my swarm is views-find.js.
'use strict';

(function () {
  const { el, svg, rpc, clear, errorBox, noteBox, errText, kvTable, hashSpan, nodeLink, blockLink, swarmLink, fmt, check, section } = SC;

  const NO_SWARM = 'ffffffffffffffff';
  const SORTS = ['pubkey', 'state', 'operator_fee', 'stake', 'swarm', 'last_uptime_proof', 'registration_height'];
  const STATES = ['all', 'active', 'decommissioned', 'awaiting'];
  const PAGE = 50;

  // A small SVG bar: filled fraction of the staking requirement.
  function stakeBar(contributed, required) {
    const c = fmt.toBig(contributed) || 0n, r = fmt.toBig(required) || 0n;
    const pct = r > 0n ? Number((c * 10000n) / r) / 100 : 0;
    const w = Math.max(0, Math.min(100, pct));
    return el('span', { class: 'stakebar', title: fmt.coins(contributed) + ' of ' + fmt.coins(required) },
      svg('svg', { viewBox: '0 0 100 8', class: 'bar-svg', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
        svg('rect', { x: 0, y: 0, width: 100, height: 8, class: 'bar-bg' }),
        svg('rect', { x: 0, y: 0, width: w.toFixed(2), height: 8, class: w >= 100 ? 'bar-full' : 'bar-part' })),
      el('span', { class: 'bar-pct' }, (Math.floor(pct * 10) / 10) + ' %'));
  }
  function proofAge(sec) {
    const n = Number(sec);
    if (!n) return el('span', { class: 'muted' }, 'never');
    return el('span', { title: fmt.time(n * 1000) }, fmt.ago(n * 1000));
  }
  function contact(ip, port) {
    if (!ip || ip === '0.0.0.0') return el('span', { class: 'muted', title: 'no address in its last uptime proof (0.0.0.0), or no proof yet' }, 'none');
    return el('span', { class: 'mono' }, String(ip) + ':' + String(port));
  }
  SC.contact = contact;

  // -------------------------------------------------------------------------------------------
  // Service nodes: one server-side page at a time (get_service_node_page), never the whole list.

  SC.views.nodes = {
    title: 'Service nodes',
    async render(root, route) {
      root.appendChild(el('h1', null, 'Service nodes'));
      const q = route.query;
      const p = {
        offset: q.offset === undefined ? '0' : q.offset,
        sort: q.sort === undefined ? 'pubkey' : q.sort,
        order: q.order === undefined ? 'asc' : q.order,
        state: q.state === undefined ? 'all' : q.state,
        q: q.q === undefined ? '' : q.q.trim(),
      };
      // Filter form (always shown, so a bad parameter can be corrected).
      const sel = el('select', { id: 'nodes-state', name: 'state', 'aria-label': 'State' });
      for (const s of STATES) sel.appendChild(el('option', { value: s, selected: s === p.state }, s === 'all' ? 'all states' : s));
      const box = el('input', { id: 'nodes-q', type: 'search', name: 'q', maxlength: 128, value: p.q, spellcheck: 'false',
        placeholder: 'pubkey or operator address (prefix)', 'aria-label': 'Filter by key or operator' });
      const form = el('form', { class: 'filters', id: 'nodes-filter' }, sel, box, el('button', { type: 'submit' }, 'Filter'));
      const go = (over) => { location.hash = SC.buildHash('nodes', Object.assign({}, p, { offset: 0 }, over)); };
      form.addEventListener('submit', (ev) => { ev.preventDefault(); go({ state: sel.value, q: box.value.trim() }); });
      sel.addEventListener('change', () => go({ state: sel.value, q: box.value.trim() }));
      root.appendChild(form);

      const bad = [];
      if (!check.isHeight(p.offset) || BigInt(p.offset) > BigInt(Number.MAX_SAFE_INTEGER)) bad.push('"offset" must be a decimal number, got "' + p.offset + '"');
      if (!SORTS.includes(p.sort)) bad.push('"sort" must be one of ' + SORTS.join(', ') + '; got "' + p.sort + '"');
      if (p.order !== 'asc' && p.order !== 'desc') bad.push('"order" must be asc or desc, got "' + p.order + '"');
      if (!STATES.includes(p.state)) bad.push('"state" must be one of ' + STATES.join(', ') + '; got "' + p.state + '"');
      if (p.q.length > 128 || !/^[0-9A-Za-z]*$/.test(p.q)) bad.push('the search must be a hex prefix of a node key or an operator address (letters and digits, at most 128)');
      if (bad.length) { for (const m of bad) root.appendChild(errorBox(m + '.')); return; }

      const params = { offset: Number(p.offset), limit: PAGE, sort: p.sort, order: p.order, state: p.state };
      if (p.q) params.q = p.q;
      const page = await rpc('get_service_node_page', params);
      const nodes = page.nodes || [];
      const from = Number(page.offset), matched = Number(page.matched);
      root.appendChild(el('p', { class: 'muted', id: 'nodes-count' }, matched === 0 ? 'No node matches.' :
        'Nodes ' + fmt.int(from + 1) + '–' + fmt.int(from + nodes.length) + ' of ' + fmt.int(matched) + ' matching (' +
        fmt.int(page.total) + ' in the registry at height ' + fmt.int(page.height) + ').'));

      const cols = [
        ['Node', 'pubkey'], ['State', 'state'], ['Fee', 'operator_fee'], ['Stake', 'stake'], ['Contributors', null],
        ['Swarm', 'swarm'], ['Last proof', 'last_uptime_proof'], ['Contact', null], ['Registered', 'registration_height'],
      ];
      const head = el('tr');
      for (const [label, key] of cols) {
        if (!key) { head.appendChild(el('th', null, label)); continue; }
        const cur = p.sort === key;
        const nextOrder = cur && p.order === 'asc' ? 'desc' : 'asc';
        const arrow = cur ? (p.order === 'asc' ? ' ▲' : ' ▼') : '';
        head.appendChild(el('th', { class: 'sortable' + (cur ? ' sorted' : ''), 'aria-sort': cur ? (p.order === 'asc' ? 'ascending' : 'descending') : null },
          el('a', { href: SC.buildHash('nodes', Object.assign({}, p, { offset: 0, sort: key, order: nextOrder })), 'data-sort': key }, label + arrow)));
      }
      const tb = el('tbody');
      for (const n of nodes) {
        const pk = String(n.service_node_pubkey);
        tb.appendChild(el('tr', { class: 'node-row', 'data-pubkey': check.isHex(pk, 64) ? pk : '' },
          el('td', null, nodeLink(pk, 12, 6)), el('td', null, SC.stateBadge(n.state)), el('td', { class: 'num' }, fmt.bps(n.operator_fee)),
          el('td', null, stakeBar(n.total_contributed, n.staking_requirement)),
          el('td', { class: 'num' }, String((n.contributors || []).length)), el('td', null, swarmLink(n.swarm)),
          el('td', null, proofAge(n.last_uptime_proof)), el('td', null, contact(n.public_ip, n.storage_port)),
          el('td', { class: 'num' }, blockLink(n.registration_height))));
      }
      root.appendChild(el('div', { class: 'scroll' }, el('table', { class: 'data nodes', id: 'nodes-table' }, el('thead', null, head), tb)));
      const pager = el('div', { class: 'pager' });
      if (from > 0) pager.appendChild(el('a', { href: SC.buildHash('nodes', Object.assign({}, p, { offset: Math.max(0, from - PAGE) })) }, '← Previous'));
      if (from + nodes.length < matched) pager.appendChild(el('a', { href: SC.buildHash('nodes', Object.assign({}, p, { offset: from + PAGE })) }, 'Next →'));
      root.appendChild(pager);
    },
  };

  // -------------------------------------------------------------------------------------------
  // Node page

  SC.views.node = {
    title: 'Service node',
    async render(root, route, ctx) {
      const pk = route.arg || '';
      root.appendChild(el('h1', null, 'Service node'));
      if (!check.isHex(pk, 64)) {
        root.appendChild(errorBox('A service node is named by its key: 64 hex digits; got "' + pk + '" (' + pk.length + ' characters).'));
        return;
      }
      const key = pk.toLowerCase();
      root.appendChild(el('p', { class: 'mono break', id: 'node-pubkey' }, key));
      let st;
      try {
        st = await rpc('get_service_node_status', { pubkey: key });
      } catch (e) {
        if (e instanceof SC.RpcError && e.code === -32004) {
          const d = e.data || {};
          const why = { pending: 'its registration waits in the mempool (tx ' + String(d.txid || '') + ')',
            expired: 'it expired at height ' + String(d.left_at_height), deregistered: 'it was deregistered at height ' + String(d.left_at_height),
            unknown: 'it was never registered, or it left before this node started' }[d.status];
          root.appendChild(errorBox('Not in the registry: ' + (why || e.message) + '.'));
          await historySection(root, key, ctx);
          return;
        }
        throw e;
      }
      // The liveness report is st.liveness (rpc/registry_api.cpp); older answers had it flat.
      const lv = st.liveness && typeof st.liveness === 'object' ? st.liveness : st;
      const checks = Array.isArray(lv.checks) ? lv.checks : [];
      const pa = checks.find((c) => c && c.kind === 'proof_age');
      const re = checks.find((c) => c && c.kind === 'reachability');
      const sumRows = [
        ['State', SC.stateBadge(lv.state || st.state)],
        ['Explanation', String(lv.explanation || st.explanation || '—')],
        ['Last proof', lv.last_proof_age_s === null || lv.last_proof_age_s === undefined ? 'none yet' : fmt.duration(lv.last_proof_age_s) + ' ago'],
        ['Proof rules', lv.proof_interval_s === undefined ? undefined : 'a proof every ' + fmt.duration(lv.proof_interval_s) + ', valid for ' + fmt.duration(lv.proof_lifetime_s)],
        ['Credit', lv.credit_blocks === undefined ? undefined : fmt.int(lv.credit_blocks) + ' blocks (' + fmt.duration(Math.abs(Number(lv.credit_s))) + ')'],
        ['May stay down', lv.down_before_decommission_s === undefined || lv.down_before_decommission_s === null ? undefined : fmt.duration(lv.down_before_decommission_s) + ' before proof age decommissions it'],
        ['Until deregistration', lv.down_before_deregistration_s === undefined || lv.down_before_deregistration_s === null ? undefined : fmt.duration(lv.down_before_deregistration_s) + ' of credit left if down'],
        ['Proof age check', pa ? (pa.fails_now ? el('span', { class: 'check-fail' }, 'fails now') : el('span', { class: 'ok' }, 'passes')) : undefined],
        ['Reachability', re ? (re.tested_at_tip ? 'tested by the quorum of the tip' : 'not tested at the tip') +
          (re.chance_per_block !== undefined ? ' (chance per block ' + Math.round(Number(re.chance_per_block) * 1000) / 10 + ' %)' : '') : undefined],
      ];
      const lc = lv.last_change || st.last_change;
      if (lc) sumRows.push(['Last change', String(lc.event) + ' at height ' + String(lc.height) + (lc.reason ? ': ' + String(lc.reason) : '')]);
      root.appendChild(section('Status at height ' + fmt.int(st.height), kvTable(sumRows)));

      root.appendChild(section('Registry entry', kvTable([
        ['Operator', el('span', { class: 'mono break' }, String(st.operator_address))], ['Operator fee', fmt.bps(st.operator_fee)],
        ['Stake', stakeBar(st.total_contributed, st.staking_requirement)],
        ['Contributed', fmt.coins(st.total_contributed) + ' of ' + fmt.coins(st.staking_requirement) + (st.funded ? ' (funded)' : ' (not funded)')],
        ['Reserved', fmt.coins(st.total_reserved)], ['Swarm', swarmLink(st.swarm)],
        ['Contact', contact(st.public_ip, st.storage_port)],
        ['Ports', 'https ' + String(st.storage_port) + ', omq ' + String(st.storage_lmq_port) + ', quorumnet ' + String(st.quorumnet_port)],
        ['Storage server', Array.isArray(st.storage_server_version) ? st.storage_server_version.map(String).join('.') : '—'],
        ['x25519 key', hashSpan(st.pubkey_x25519, 16, 8)],
        ['Registered at', blockLink(st.registration_height)],
        ['Active since', st.active_since_height === null || st.active_since_height === undefined ? 'never active' : blockLink(st.active_since_height)],
        ['Unlock requested', Number(st.requested_unlock_height) ? 'unlocks at height ' + String(st.requested_unlock_height) : 'no'],
        ['Decommissions', fmt.int(st.decommission_count)], ['Rewards earned', fmt.coins(st.rewards_earned)],
        ['Last proof block', Number(st.last_uptime_proof_height) ? blockLink(st.last_uptime_proof_height) : 'none'],
      ])));

      const contributors = st.contributors || [];
      const ctb = el('tbody');
      const total = fmt.toBig(st.total_contributed) || 0n;
      contributors.forEach((c, i) => {
        const a = fmt.toBig(c.amount) || 0n;
        ctb.appendChild(el('tr', null, el('td', null, el('span', { class: 'mono break' }, String(c.address)), i === 0 ? el('span', { class: 'badge' }, 'operator') : null),
          el('td', { class: 'num' }, fmt.coins(c.amount)), el('td', { class: 'num' }, fmt.coins(c.reserved)),
          el('td', { class: 'num' }, total > 0n ? (Number((a * 10000n) / total) / 100) + ' %' : '—')));
      });
      root.appendChild(section('Contributors (' + contributors.length + ')', el('table', { class: 'data' },
        el('thead', null, el('tr', null, el('th', null, 'Address'), el('th', null, 'Staked'), el('th', null, 'Reserved'), el('th', null, 'Share'))), ctb)));

      // Rewards over time: the contributors' reward events paid by this node.
      const rewardsBox = el('div');
      root.appendChild(section('Rewards over time', rewardsBox));
      rewardsBox.appendChild(el('p', { class: 'muted' }, 'Loading contributors\' histories…'));
      try {
        const addrs = [...new Set(contributors.map((c) => String(c.address)))].slice(0, 20);
        const hists = await Promise.all(addrs.map((a) => rpc('get_account_history', { address: a, limit: 500 })));
        if (!ctx.live()) return;
        const perHeight = new Map();
        let truncated = false;
        for (const h of hists) {
          if (h.next_before !== null && h.next_before !== undefined) truncated = true;
          for (const ev of h.history || []) {
            if (ev.kind !== 'reward' || ev.sn_pubkey !== key) continue;
            const k = Number(ev.height);
            perHeight.set(k, (perHeight.get(k) || 0n) + (fmt.toBig(ev.amount) || 0n));
          }
        }
        clear(rewardsBox);
        const hs = [...perHeight.keys()].sort((a, b) => a - b);
        let cum = 0n;
        const pts = hs.map((h) => { cum += perHeight.get(h); return { x: h, y: Number(cum) / 1e9 }; });
        rewardsBox.appendChild(el('p', null, hs.length ? fmt.coins(cum) + ' paid to the contributors in ' + hs.length + ' block' + (hs.length === 1 ? '' : 's') +
          (hs.length ? ' (heights ' + hs[0] + '–' + hs[hs.length - 1] + ')' : '') + '.' : 'No reward from this node in its contributors\' recent history.'));
        if (pts.length) rewardsBox.appendChild(SC.charts.lineChart(pts, { title: 'Cumulative rewards (coin) by height', fmtX: String,
          fmtY: (v) => (Math.round(v * 1000) / 1000).toString() }));
        if (truncated) rewardsBox.appendChild(noteBox('Covers the latest 500 history entries of each contributor; older rewards are not counted here.'));
      } catch (e) {
        clear(rewardsBox).appendChild(errorBox(errText(e)));
      }
      await historySection(root, key, ctx);
    },
  };

  async function historySection(root, key, ctx) {
    const box = el('div');
    root.appendChild(section('History (registration, decommissions, …)', box));
    try {
      const h = await rpc('get_service_node_history', { pubkey: key, limit: 100 });
      if (!ctx.live()) return;
      const tb = el('tbody');
      for (const ev of h.events || []) {
        tb.appendChild(el('tr', { class: 'ev-' + (/^[a-z_]+$/.test(String(ev.kind)) ? ev.kind : 'other') },
          el('td', { class: 'num' }, blockLink(ev.height)), el('td', null, fmt.time(ev.time_ms)),
          el('td', null, String(ev.kind)), el('td', null, String(ev.reason || '')),
          el('td', { class: 'num' }, ev.amount === undefined || ev.amount === null ? '' : fmt.coins(ev.amount))));
      }
      if (!(h.events || []).length) tb.appendChild(el('tr', null, el('td', { colspan: 5, class: 'muted' }, 'No event recorded.')));
      box.appendChild(el('table', { class: 'data' }, el('thead', null, el('tr', null, el('th', null, 'Height'), el('th', null, 'Time'),
        el('th', null, 'Event'), el('th', null, 'Reason'), el('th', null, 'Amount'))), tb));
      if (h.next_before !== null && h.next_before !== undefined) box.appendChild(el('p', { class: 'muted' }, 'Showing the latest 100 events.'));
    } catch (e) {
      box.appendChild(errorBox(errText(e)));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Swarms

  async function loadSwarms() {
    const ans = await rpc('get_swarms');
    const swarms = (ans.swarms || []).filter((w) => check.isHex(String(w.swarm), 16))
      .map((w) => ({ hex: String(w.swarm).toLowerCase(), size: (w.members || []).length, members: w.members || [] }));
    return { height: ans.height, swarms };
  }
  SC.loadSwarms = loadSwarms;

  SC.views.swarms = {
    title: 'Swarms',
    async render(root) {
      root.appendChild(el('h1', null, 'Swarms'));
      const { height, swarms } = await loadSwarms();
      const nodes = swarms.reduce((a, w) => a + w.size, 0);
      root.appendChild(el('p', { class: 'muted' }, fmt.int(swarms.length) + ' swarms, ' + fmt.int(nodes) + ' active nodes in them, at height ' + fmt.int(height) +
        '. A Session id maps to the swarm whose id is nearest to its position on the ring.'));
      if (!swarms.length) { root.appendChild(noteBox('No swarm yet: the registry has no active service node.')); return; }
      const hist = new Map();
      for (const w of swarms) hist.set(w.size, (hist.get(w.size) || 0) + 1);
      const sizes = [...hist.keys()].sort((a, b) => a - b);
      const bins = [];
      for (let s = sizes[0]; s <= sizes[sizes.length - 1]; s++) bins.push({ label: String(s), value: hist.get(s) || 0 });
      root.appendChild(el('div', { class: 'two' },
        el('figure', { class: 'chart ring-fig' }, el('figcaption', null, 'The swarm ring (mark size: members)'), SC.charts.swarmRing(swarms)),
        SC.charts.barChart(bins, { title: 'Swarm sizes', xLabel: 'members', fmtTip: (b) => b.value + ' swarm' + (b.value === 1 ? '' : 's') + ' of ' + b.label })));
      const tb = el('tbody');
      for (const w of swarms)
        tb.appendChild(el('tr', { class: 'swarm-row', 'data-swarm': w.hex }, el('td', null, swarmLink(w.hex)), el('td', { class: 'num' }, String(w.size)),
          el('td', null, w.members.slice(0, 3).map((m) => [nodeLink(m, 8, 4), ' ']), w.size > 3 ? '…' : '')));
      root.appendChild(section('All swarms', el('table', { class: 'data' }, el('thead', null, el('tr', null, el('th', null, 'Swarm id'),
        el('th', null, 'Members'), el('th', null, 'First members'))), tb)));
    },
  };

  // The members' contact data, by one get_service_nodes with the fields shown.
  async function membersTable(keys) {
    const ans = await rpc('get_service_nodes', { service_node_pubkeys: keys, fields: { service_node_pubkey: true, state: true,
      public_ip: true, storage_port: true, storage_lmq_port: true, last_uptime_proof: true, storage_server_version: true, operator_fee: true } });
    const tb = el('tbody');
    for (const n of ans.service_node_states || []) {
      tb.appendChild(el('tr', { class: 'member-row', 'data-pubkey': check.isHex(String(n.service_node_pubkey), 64) ? n.service_node_pubkey : '' },
        el('td', null, nodeLink(n.service_node_pubkey, 16, 8)), el('td', null, SC.stateBadge(n.state)),
        el('td', null, contact(n.public_ip, n.storage_port)), el('td', { class: 'num' }, String(n.storage_lmq_port)),
        el('td', null, Array.isArray(n.storage_server_version) ? n.storage_server_version.map(String).join('.') : '—'),
        el('td', null, proofAge(n.last_uptime_proof))));
    }
    return el('table', { class: 'data' }, el('thead', null, el('tr', null, el('th', null, 'Node'), el('th', null, 'State'),
      el('th', null, 'Contact (https)'), el('th', null, 'OMQ port'), el('th', null, 'Storage server'), el('th', null, 'Last proof'))), tb);
  }

  SC.views.swarm = {
    title: 'Swarm',
    async render(root, route) {
      const id = route.arg || '';
      root.appendChild(el('h1', null, 'Swarm ', check.isHex(id, 16) ? el('span', { class: 'mono' }, id.toLowerCase()) : ''));
      if (!check.isHex(id, 16)) {
        root.appendChild(errorBox('A swarm is named by its id: 16 hex digits; got "' + id + '".'));
        return;
      }
      const hex = id.toLowerCase();
      const { height, swarms } = await loadSwarms();
      const i = swarms.findIndex((w) => w.hex === hex);
      if (i < 0) {
        root.appendChild(errorBox('No swarm ' + hex + ' at height ' + fmt.int(height) + '.'));
        return;
      }
      const w = swarms[i];
      const prev = swarms[(i + swarms.length - 1) % swarms.length], next = swarms[(i + 1) % swarms.length];
      root.appendChild(kvTable([['Members', String(w.size)], ['Position on the ring', (SC.charts.ringFraction(hex) * 100).toFixed(3) + ' % of 2^64'],
        ['Neighbours', el('span', null, swarmLink(prev.hex), ' ← this → ', swarmLink(next.hex))], ['Height', fmt.int(height)]]));
      root.appendChild(section('Members', await membersTable(w.members)));
      root.appendChild(el('figure', { class: 'chart ring-fig small' }, el('figcaption', null, 'Its place on the ring'),
        SC.charts.swarmRing(swarms, { highlight: hex, size: 360 })));
    },
  };
})();
