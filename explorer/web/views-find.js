// swarmchain explorer: "Find my swarm" (get_swarm, then the full light-client check of its proof
// in this browser with SwarmProofCheck from verify.js). Loaded after verify.js and views-sn.js.
'use strict';

(function () {
  const { el, rpc, clear, errorBox, errText, kvTable, hashSpan, nodeLink, swarmLink, fmt, check, section } = SC;

  // docs: registry/swarm_lookup.h. space = xor of the key's four 8-byte big-endian chunks.
  function swarmSpace(keyHex) {
    const k = keyHex.length === 66 ? keyHex.slice(2) : keyHex;
    let s = 0n;
    for (let i = 0; i < 4; i++) s ^= BigInt('0x' + k.slice(i * 16, i * 16 + 16));
    return s;
  }
  SC.swarmSpace = swarmSpace;

  SC.views.find = {
    title: 'Find my swarm',
    async render(root, route, ctx) {
      root.appendChild(el('h1', null, 'Find my swarm'));
      const id = (route.query.id || '').trim();
      const input = el('input', { id: 'find-input', type: 'search', maxlength: 80, value: id, spellcheck: 'false',
        placeholder: 'Session id: 66 hex digits starting 05 (or a 64-hex key)', 'aria-label': 'Session id' });
      const form = el('form', { class: 'filters', id: 'find-form' }, input, el('button', { type: 'submit' }, 'Find'));
      form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = SC.buildHash('find', { id: input.value.trim() }); });
      root.appendChild(form);
      root.appendChild(el('p', { class: 'muted' }, 'Your Session id decides which swarm of service nodes stores your messages. This page asks this node (get_swarm), ' +
        'then checks its proof here in the browser, trusting only the genesis: the committee chain, the tip certificate\'s signatures, the registry opening and the swarm-id list.'));
      if (!id) return;
      if (!check.isSessionId(id)) {
        root.appendChild(errorBox('A Session id is 66 hex digits starting 05 (or a bare 64-hex key); got ' + id.length + ' characters' +
          (/^[0-9a-fA-F]*$/.test(id) ? '.' : ', not all hex.')));
        return;
      }
      const key = id.toLowerCase();
      const ans = await rpc('get_swarm', { pubkey: key });
      if (!ctx.live()) return;
      const sw = String(ans.swarm).toLowerCase();
      const space = swarmSpace(key);
      const result = el('div', { id: 'find-result', class: 'panel', 'data-swarm': check.isHex(sw, 16) ? sw : '' });
      result.appendChild(el('h2', null, 'Your swarm: ', swarmLink(sw)));
      result.appendChild(kvTable([['Swarm id', el('span', { class: 'mono' }, sw)], ['Your position', el('span', { class: 'mono' }, space.toString(16).padStart(16, '0'))],
        ['Members', String((ans.snodes || []).length)], ['At height', fmt.int(ans.height) + ' (' + fmt.time(ans.t) + ')']]));
      const tb = el('tbody');
      for (const s of ans.snodes || []) {
        tb.appendChild(el('tr', { class: 'member-row', 'data-pubkey': check.isHex(String(s.pubkey_ed25519), 64) ? s.pubkey_ed25519 : '' },
          el('td', null, nodeLink(s.pubkey_ed25519, 16, 8)), el('td', null, SC.contact(s.ip, s.port_https)), el('td', { class: 'num' }, String(s.port_omq)),
          el('td', null, hashSpan(s.pubkey_x25519, 10, 6)), el('td', null, el('span', { class: 'mono hash', title: String(s.address) }, SC.shortText(s.address, 12, 12)))));
      }
      result.appendChild(el('table', { class: 'data' }, el('thead', null, el('tr', null, el('th', null, 'Node'), el('th', null, 'Contact (https)'),
        el('th', null, 'OMQ port'), el('th', null, 'x25519 key'), el('th', null, 'Address'))), tb));
      root.appendChild(result);

      // The proof: checked in full here; the page's ready flag waits for it (tests wait on it).
      const proofBox = el('div', { id: 'find-proof', 'data-verified': 'checking' },
        el('p', { class: 'muted checking' }, 'checking… (downloads the genesis, the committee hand-offs and the whole registry opening; several MB on a large network)'));
      root.appendChild(section('Proof', proofBox));
      await checkProof(proofBox, key, sw, ans, ctx);
      if (!ctx.live()) return;

      // Where the key and its swarm sit on the ring.
      try {
        const { swarms } = await SC.loadSwarms();
        if (!ctx.live() || !swarms.length) return;
        root.appendChild(el('figure', { class: 'chart ring-fig small' },
          el('figcaption', null, 'Your position (red) and your swarm (orange) on the ring'),
          SC.charts.swarmRing(swarms, { highlight: sw, point: space.toString(16).padStart(16, '0'), size: 400 })));
      } catch (e) { /* the ring is decoration; the answer above stands */ }
    },
  };

  // Runs SwarmProofCheck.lookup and fills `box` (#find-proof) with the outcome:
  // data-verified "1" (and data-proof-swarm), "0" (an .error with step and message), or
  // "unsupported" (a plain note: no WebCrypto Ed25519 outside a secure context).
  async function checkProof(box, key, sw, ans, ctx) {
    let r;
    if (typeof window.SwarmProofCheck === 'undefined') {
      r = { ok: false, step: 'setup', message: 'verify.js did not load' };
    } else {
      try {
        r = await window.SwarmProofCheck.lookup({ rpc, sessionId: key, nowMs: Date.now(), maxAgeMs: 600000 });
      } catch (e) {
        r = { ok: false, step: 'setup', message: 'internal error: ' + errText(e) };
      }
    }
    if (!ctx.live()) return;
    clear(box);
    if (!r.ok && r.step === 'unsupported') {
      box.dataset.verified = 'unsupported';
      const msg = String(r.message).trim();
      box.append(el('div', { class: 'note' }, 'Not checked in this browser: ', msg, /[.!]$/.test(msg) ? '' : '.',
        ' The answer above is only what this node says. Check it from the genesis with ', localCmd(key), '.'));
      return;
    }
    if (!r.ok) {
      box.dataset.verified = '0';
      box.append(errorBox('The proof did not verify: ' + String(r.step) + ': ' + String(r.message)));
      return;
    }
    const proved = String(r.swarmId).toLowerCase();
    box.dataset.proofSwarm = check.isHex(proved, 16) ? proved : '';
    if (proved !== sw) {
      box.dataset.verified = '0';
      box.append(errorBox('The proof does not back the answer above: verified from the genesis, your key belongs to swarm ' + proved +
        ' (height ' + String(r.height) + '), but get_swarm answered ' + sw + ' (height ' + String(ans.height) + ').'));
      return;
    }
    box.dataset.verified = '1';
    box.append(el('p', { class: 'check-ok verified' }, '✓ verified in this browser from the genesis: height ' + fmt.int(r.height) +
      ', certified by ' + String(r.signers) + ' of ' + String(r.committeeSize) + ', through ' + fmt.int(r.handoffs) +
      ' committee hand-off' + (Number(r.handoffs) === 1 ? '' : 's')));
    const members = Array.isArray(r.members) ? r.members : [];
    const mine = new Set((ans.snodes || []).map((s) => String(s.pubkey_ed25519).toLowerCase()));
    const same = members.length === mine.size && members.every((m) => mine.has(String(m.pubkey_ed25519)));
    box.append(kvTable([
      ['Swarm', el('span', { class: 'mono' }, proved)],
      ['Members (verified)', String(members.length) + (same ? ', the same nodes as above'
        : ', not the same set as get_swarm listed above' + (String(r.height) === String(ans.height) ? '' : ' (the chain moved on between the two requests)'))],
    ]));
    box.append(el('div', { class: 'note' },
      el('strong', null, 'Privacy: '),
      'this check asked the node for the proof of your id (get_swarm_proof), so the node still learns which id was asked. ' +
      'To check without telling the node, run ', localCmd(key), ' (it downloads the whole swarm table).'));
  }
  function localCmd(key) {
    return el('code', null, 'swarmchain-wallet swarm ' + key + ' --verify --local');
  }
})();
