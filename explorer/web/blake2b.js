// SwarmBlake2b: BLAKE2b (RFC 7693), unkeyed, any output length up to 64 bytes; libsodium's
// crypto_generichash, which swarmchain's H() is (common/crypto.cpp). For verify.js.
//
// No modules, no dependencies: defines the one global `SwarmBlake2b`.
//   SwarmBlake2b.blake2b256(bytes) -> Uint8Array(32)
//   SwarmBlake2b.blake2b(bytes, outLen), new SwarmBlake2b.Blake2b(outLen).update(b).digest()
(function (global) {
  'use strict';

  // ---------------------------------------------------------------- BLAKE2b (RFC 7693)
  // 64-bit words are kept as (low, high) pairs of 32-bit words in Uint32Arrays.
  const IV = new Uint32Array([
    0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
    0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
  ]);
  const SIGMA_ROWS = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
  ];
  // 12 rounds; rounds 10 and 11 reuse rows 0 and 1. Stored as word-pair offsets (2 * index).
  const SIGMA2 = new Uint8Array(12 * 16);
  for (let r = 0; r < 12; ++r)
    for (let i = 0; i < 16; ++i) SIGMA2[r * 16 + i] = 2 * SIGMA_ROWS[r % 10][i];

  const V = new Uint32Array(32);
  const M = new Uint32Array(32);

  // G on v[a], v[b], v[c], v[d] (pair offsets) with message words M[x], M[y].
  function G(a, b, c, d, x, y) {
    // v[a] = v[a] + v[b] + m[x]
    let lo = V[a] + V[b];
    let hi = V[a + 1] + V[b + 1] + (lo >= 0x100000000 ? 1 : 0);
    lo >>>= 0;
    let lo2 = lo + M[x];
    V[a + 1] = hi + M[x + 1] + (lo2 >= 0x100000000 ? 1 : 0);
    V[a] = lo2;
    // v[d] = rotr64(v[d] ^ v[a], 32)
    let dl = V[d] ^ V[a], dh = V[d + 1] ^ V[a + 1];
    V[d] = dh;
    V[d + 1] = dl;
    // v[c] = v[c] + v[d]
    lo = V[c] + V[d];
    V[c + 1] = V[c + 1] + V[d + 1] + (lo >= 0x100000000 ? 1 : 0);
    V[c] = lo;
    // v[b] = rotr64(v[b] ^ v[c], 24)
    let bl = V[b] ^ V[c], bh = V[b + 1] ^ V[c + 1];
    V[b] = (bl >>> 24) | (bh << 8);
    V[b + 1] = (bh >>> 24) | (bl << 8);
    // v[a] = v[a] + v[b] + m[y]
    lo = V[a] + V[b];
    hi = V[a + 1] + V[b + 1] + (lo >= 0x100000000 ? 1 : 0);
    lo >>>= 0;
    lo2 = lo + M[y];
    V[a + 1] = hi + M[y + 1] + (lo2 >= 0x100000000 ? 1 : 0);
    V[a] = lo2;
    // v[d] = rotr64(v[d] ^ v[a], 16)
    dl = V[d] ^ V[a];
    dh = V[d + 1] ^ V[a + 1];
    V[d] = (dl >>> 16) | (dh << 16);
    V[d + 1] = (dh >>> 16) | (dl << 16);
    // v[c] = v[c] + v[d]
    lo = V[c] + V[d];
    V[c + 1] = V[c + 1] + V[d + 1] + (lo >= 0x100000000 ? 1 : 0);
    V[c] = lo;
    // v[b] = rotr64(v[b] ^ v[c], 63) = rotl64(.., 1)
    bl = V[b] ^ V[c];
    bh = V[b + 1] ^ V[c + 1];
    V[b] = (bl << 1) | (bh >>> 31);
    V[b + 1] = (bh << 1) | (bl >>> 31);
  }

  // Compresses the 128-byte block at block[off..off+128) into h; t = bytes so far (a Number).
  function compress(h, block, off, t, last) {
    for (let i = 0; i < 32; ++i) {
      const p = off + 4 * i;
      M[i] = block[p] | (block[p + 1] << 8) | (block[p + 2] << 16) | (block[p + 3] << 24);
    }
    for (let i = 0; i < 16; ++i) {
      V[i] = h[i];
      V[i + 16] = IV[i];
    }
    V[24] ^= t >>> 0;
    V[25] ^= Math.floor(t / 0x100000000) >>> 0;
    if (last) {
      V[28] = ~V[28];
      V[29] = ~V[29];
    }
    for (let r = 0; r < 12; ++r) {
      const s = r * 16;
      G(0, 8, 16, 24, SIGMA2[s + 0], SIGMA2[s + 1]);
      G(2, 10, 18, 26, SIGMA2[s + 2], SIGMA2[s + 3]);
      G(4, 12, 20, 28, SIGMA2[s + 4], SIGMA2[s + 5]);
      G(6, 14, 22, 30, SIGMA2[s + 6], SIGMA2[s + 7]);
      G(0, 10, 20, 30, SIGMA2[s + 8], SIGMA2[s + 9]);
      G(2, 12, 22, 24, SIGMA2[s + 10], SIGMA2[s + 11]);
      G(4, 14, 16, 26, SIGMA2[s + 12], SIGMA2[s + 13]);
      G(6, 8, 18, 28, SIGMA2[s + 14], SIGMA2[s + 15]);
    }
    for (let i = 0; i < 16; ++i) h[i] ^= V[i] ^ V[i + 16];
  }

  // Incremental unkeyed BLAKE2b with an output of outLen bytes (1..64).
  class Blake2b {
    constructor(outLen) {
      this.outLen = outLen === undefined ? 32 : outLen;
      this.h = new Uint32Array(IV);
      this.h[0] ^= 0x01010000 ^ this.outLen;  // parameter block: fanout 1, depth 1, no key
      this.buf = new Uint8Array(128);
      this.bufLen = 0;
      this.t = 0;
    }
    update(data) {
      const n = data.length;
      let i = 0;
      while (i < n) {
        if (this.bufLen === 128) {  // more input follows, so this block is not the last
          this.t += 128;
          compress(this.h, this.buf, 0, this.t, false);
          this.bufLen = 0;
        }
        if (this.bufLen === 0) {
          while (n - i > 128) {  // whole blocks straight from the input
            this.t += 128;
            compress(this.h, data, i, this.t, false);
            i += 128;
          }
        }
        const k = Math.min(128 - this.bufLen, n - i);
        this.buf.set(data.subarray(i, i + k), this.bufLen);
        this.bufLen += k;
        i += k;
      }
      return this;
    }
    digest() {
      this.t += this.bufLen;
      this.buf.fill(0, this.bufLen);
      compress(this.h, this.buf, 0, this.t, true);
      const out = new Uint8Array(this.outLen);
      for (let i = 0; i < this.outLen; ++i) out[i] = this.h[i >> 2] >>> (8 * (i & 3));
      return out;
    }
  }

  function blake2b(data, outLen) { return new Blake2b(outLen).update(data).digest(); }
  function blake2b256(data) { return blake2b(data, 32); }

  global.SwarmBlake2b = { blake2b, blake2b256, Blake2b };
})(typeof globalThis !== 'undefined' ? globalThis : this);
