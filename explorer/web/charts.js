// swarmchain explorer: plain SVG charts (no library). Every label is a text node.
'use strict';

(function () {
  const { svg, el } = SC;

  // Nice round tick step for a range.
  function niceStep(range, target) {
    if (!(range > 0)) return 1;
    const raw = range / target;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
  }

  // A line (or step) chart of points [{x, y}] (y null = no data: a gap).
  // opts: {title, fmtY, fmtX, width, height, cls, area}
  function lineChart(points, opts) {
    const W = opts.width || 560, H = opts.height || 200;
    const m = { l: 64, r: 12, t: 12, b: 28 };
    const fmtY = opts.fmtY || ((v) => String(v));
    const fmtX = opts.fmtX || ((v) => String(v));
    const box = el('figure', { class: 'chart' + (opts.cls ? ' ' + opts.cls : '') });
    box.appendChild(el('figcaption', null, opts.title));
    const vals = points.filter((p) => p.y !== null && p.y !== undefined && isFinite(p.y));
    if (vals.length === 0) {
      box.appendChild(el('div', { class: 'chart-empty muted' }, opts.empty || 'No data for this range.'));
      return box;
    }
    let x0 = Math.min(...points.map((p) => p.x)), x1 = Math.max(...points.map((p) => p.x));
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    let y0 = Math.min(0, ...vals.map((p) => p.y)), y1 = Math.max(...vals.map((p) => p.y));
    if (y1 === y0) y1 = y0 + 1;
    const step = niceStep(y1 - y0, 4);
    y1 = Math.ceil(y1 / step) * step;
    const X = (x) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
    const Y = (y) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': opts.title });
    // grid and y labels
    for (let v = y0; v <= y1 + step / 2; v += step) {
      s.appendChild(svg('line', { x1: m.l, x2: W - m.r, y1: Y(v), y2: Y(v), class: 'grid' }));
      s.appendChild(svg('text', { x: m.l - 6, y: Y(v) + 4, class: 'tick', 'text-anchor': 'end' }, fmtY(v)));
    }
    // x labels: first, middle, last
    for (const xv of [x0, (x0 + x1) / 2, x1]) {
      const anchor = xv === x0 ? 'start' : xv === x1 ? 'end' : 'middle';
      s.appendChild(svg('text', { x: X(xv), y: H - 8, class: 'tick', 'text-anchor': anchor }, fmtX(Math.round(xv))));
    }
    s.appendChild(svg('line', { x1: m.l, x2: W - m.r, y1: Y(y0), y2: Y(y0), class: 'axis' }));
    // the line, broken at gaps
    let d = '';
    let pen = false;
    for (const p of points) {
      if (p.y === null || p.y === undefined || !isFinite(p.y)) { pen = false; continue; }
      d += (pen ? 'L' : 'M') + X(p.x).toFixed(1) + ' ' + Y(p.y).toFixed(1);
      pen = true;
    }
    if (opts.bars) {
      const bw = Math.max(1, (W - m.l - m.r) / Math.max(points.length, 1) - 1);
      for (const p of vals) {
        const yTop = Y(Math.max(p.y, y0));
        s.appendChild(svg('rect', { x: X(p.x) - bw / 2, y: yTop, width: bw, height: Math.max(0, Y(y0) - yTop), class: 'bar' },
          svg('title', null, fmtX(p.x) + ': ' + fmtY(p.y))));
      }
    } else {
      s.appendChild(svg('path', { d, class: 'line' }));
      if (vals.length <= 60) {
        for (const p of vals) {
          s.appendChild(svg('circle', { cx: X(p.x), cy: Y(p.y), r: 2, class: 'dot' },
            svg('title', null, fmtX(p.x) + ': ' + fmtY(p.y))));
        }
      }
    }
    box.appendChild(s);
    return box;
  }

  // Bars for categories [{label, value}] (a histogram).
  function barChart(bins, opts) {
    const W = opts.width || 560, H = opts.height || 200;
    const m = { l: 48, r: 12, t: 12, b: 36 };
    const box = el('figure', { class: 'chart' });
    box.appendChild(el('figcaption', null, opts.title));
    if (!bins.length) {
      box.appendChild(el('div', { class: 'chart-empty muted' }, opts.empty || 'No data.'));
      return box;
    }
    const max = Math.max(1, ...bins.map((b) => b.value));
    const step = niceStep(max, 4);
    const top = Math.ceil(max / step) * step;
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': opts.title });
    const Y = (v) => H - m.b - (v / top) * (H - m.t - m.b);
    for (let v = 0; v <= top + step / 2; v += step) {
      s.appendChild(svg('line', { x1: m.l, x2: W - m.r, y1: Y(v), y2: Y(v), class: 'grid' }));
      s.appendChild(svg('text', { x: m.l - 6, y: Y(v) + 4, class: 'tick', 'text-anchor': 'end' }, String(v)));
    }
    const slot = (W - m.l - m.r) / bins.length;
    const bw = Math.max(2, slot * 0.75);
    bins.forEach((b, i) => {
      const x = m.l + i * slot + (slot - bw) / 2;
      s.appendChild(svg('rect', { x, y: Y(b.value), width: bw, height: Y(0) - Y(b.value), class: 'bar' },
        svg('title', null, (opts.fmtTip || ((bb) => bb.label + ': ' + bb.value))(b))));
      if (bins.length <= 30 || i % Math.ceil(bins.length / 30) === 0)
        s.appendChild(svg('text', { x: x + bw / 2, y: H - m.b + 14, class: 'tick', 'text-anchor': 'middle' }, b.label));
    });
    if (opts.xLabel)
      s.appendChild(svg('text', { x: (W + m.l) / 2, y: H - 4, class: 'tick', 'text-anchor': 'middle' }, opts.xLabel));
    box.appendChild(s);
    return box;
  }

  // Position of a 64-bit id (16 hex digits) on the circle, as a fraction of a turn in [0, 1).
  function ringFraction(hex) {
    const b = BigInt('0x' + hex);
    return Number(b >> 11n) / 9007199254740992; // 2^53
  }

  // The swarm ring: swarms [{hex, size}] on the 2^64 circle, one mark (class swarm-mark,
  // data-swarm=<16 hex>) per swarm, its radius growing with the member count; each links to
  // the swarm's page. `highlight`: a hex id drawn emphasised; `point`: an optional extra
  // position (16 hex) marked as a small tick (a user's place on the ring).
  function swarmRing(swarms, opts) {
    opts = opts || {};
    const S = opts.size || 520, c = S / 2, R = S / 2 - 56;
    const s = svg('svg', { viewBox: `0 0 ${S} ${S}`, class: 'ring-svg', role: 'img',
      'aria-label': 'Swarm ids on the 2^64 ring' });
    s.appendChild(svg('circle', { cx: c, cy: c, r: R, class: 'ring' }));
    // quarter labels
    const q = [['0', 0], ['2^62', 0.25], ['2^63', 0.5], ['3·2^62', 0.75]];
    for (const [label, f] of q) {
      const a = f * 2 * Math.PI - Math.PI / 2;
      s.appendChild(svg('line', { x1: c + (R - 6) * Math.cos(a), y1: c + (R - 6) * Math.sin(a),
        x2: c + (R + 6) * Math.cos(a), y2: c + (R + 6) * Math.sin(a), class: 'axis' }));
      s.appendChild(svg('text', { x: c + (R + 24) * Math.cos(a), y: c + (R + 24) * Math.sin(a) + 4,
        class: 'tick', 'text-anchor': 'middle' }, label));
    }
    const maxSize = Math.max(1, ...swarms.map((w) => w.size));
    const rMax = swarms.length > 400 ? 5 : swarms.length > 100 ? 8 : 12;
    // Few swarms: a disc each, its radius growing with the members. Many: a radial spike each
    // pointing inwards, its length growing with the members (discs would merge into one band).
    const spikes = swarms.length > 150;
    for (const w of swarms) {
      const a = ringFraction(w.hex) * 2 * Math.PI - Math.PI / 2;
      const cls = 'swarm-mark' + (spikes ? ' spike' : '') + (opts.highlight === w.hex ? ' highlight' : '');
      const tip = svg('title', null, 'swarm ' + w.hex + ': ' + w.size + ' member' + (w.size === 1 ? '' : 's'));
      let mark;
      if (spikes) {
        const len = 3 + 30 * (w.size / maxSize);
        mark = svg('line', { x1: (c + (R + 2) * Math.cos(a)).toFixed(2), y1: (c + (R + 2) * Math.sin(a)).toFixed(2),
          x2: (c + (R - len) * Math.cos(a)).toFixed(2), y2: (c + (R - len) * Math.sin(a)).toFixed(2),
          class: cls, 'data-swarm': w.hex, 'data-size': w.size }, tip);
      } else {
        const r = 1.5 + (rMax - 1.5) * Math.sqrt(w.size / maxSize);
        mark = svg('circle', { cx: (c + R * Math.cos(a)).toFixed(2), cy: (c + R * Math.sin(a)).toFixed(2),
          r: r.toFixed(2), class: cls, 'data-swarm': w.hex, 'data-size': w.size }, tip);
      }
      s.appendChild(svg('a', { href: '#/swarm/' + w.hex }, mark));
    }
    if (opts.point) {
      const a = ringFraction(opts.point) * 2 * Math.PI - Math.PI / 2;
      s.appendChild(svg('line', { x1: c + (R - 18) * Math.cos(a), y1: c + (R - 18) * Math.sin(a),
        x2: c + (R + 18) * Math.cos(a), y2: c + (R + 18) * Math.sin(a), class: 'user-point' },
        svg('title', null, 'your key\'s position ' + opts.point)));
    }
    s.appendChild(svg('text', { x: c, y: c - 6, class: 'ring-label', 'text-anchor': 'middle' },
      swarms.length + ' swarm' + (swarms.length === 1 ? '' : 's')));
    s.appendChild(svg('text', { x: c, y: c + 14, class: 'tick', 'text-anchor': 'middle' },
      'ids on the 2^64 circle'));
    return s;
  }

  SC.charts = { lineChart, barChart, swarmRing, ringFraction };
})();
