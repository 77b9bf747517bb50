/**
 * HMAC-SHA-256 in plain TypeScript, synchronous, identical in Node and browsers.
 *
 * Web Crypto's `subtle.sign` is asynchronous and web-SDK hooks are synchronous, and `node:crypto`
 * is not available in browsers, so the digest is computed here (FIPS 180-4, RFC 2104). The keyed
 * inner and outer states are computed once per key, so one HMAC of a short targeting key costs
 * two compressions. Results are cached by the caller.
 *
 * @module
 */

/**
 * The round constants K (FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes) and the initial hash value IV (§5.3.3: the same for the square
 * roots of the first 8 primes), computed on first use instead of shipped as 72 literals (which
 * cost about 460 bytes of the gzipped browser entry). `**` only gives a first guess; the exact
 * integer root is then found with BigInt, so the constants are exact whatever the runtime's
 * floating-point rounding. The RFC 4231 vectors in test/unit/hmac-sha256.test.ts check them.
 */
const K = new Uint32Array(64);
const IV = new Uint32Array(8);

/** floor(frac(n^(1/k)) * 2^32), exactly. */
function rootBits(n: number, k: number): number {
  const power = BigInt(k);
  const target = BigInt(n) << (32n * power);
  let x = BigInt(Math.floor(n ** (1 / k) * 2 ** 32));
  while (x ** power > target) x--;
  while ((x + 1n) ** power <= target) x++;
  return Number(x & 0xffffffffn);
}

function initConstants(): void {
  for (let n = 2, i = 0; i < 64; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
    if (!prime) continue;
    if (i < 8) IV[i] = rootBits(n, 2);
    K[i++] = rootBits(n, 3);
  }
}

const W = new Uint32Array(64);

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/**
 * Runs the compression function over the 64-byte block at `offset`, updating `state` in place.
 * Stores into a Uint32Array wrap modulo 2^32 by themselves; only `a` and `e` are reduced with
 * `>>> 0`, which keeps every sum below 2^36, exact in a double.
 */
function compress(state: Uint32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    W[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    W[i] = W[i - 16]! + s0 + W[i - 7]! + s1;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + W[i]!;
    const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = (d + t1) >>> 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) >>> 0;
  }
  state[0]! += a;
  state[1]! += b;
  state[2]! += c;
  state[3]! += d;
  state[4]! += e;
  state[5]! += f;
  state[6]! += g;
  state[7]! += h;
}

/**
 * Finishes a digest: hashes `data` on top of `state`, which has already absorbed `prefixBytes`
 * bytes (a multiple of 64), and returns the 32-byte digest.
 */
function finish(initial: Uint32Array, prefixBytes: number, data: Uint8Array): Uint8Array {
  const state = initial.slice();
  const full = data.length - (data.length % 64);
  for (let offset = 0; offset < full; offset += 64) compress(state, data, offset);
  const rest = data.length - full;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(data.subarray(full));
  tail[rest] = 0x80;
  const bits = (prefixBytes + data.length) * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(tail.length - 4, bits >>> 0);
  for (let offset = 0; offset < tail.length; offset += 64) compress(state, tail, offset);
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, state[i]!);
  return out;
}

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  if (K[0] === 0) initConstants();
  return finish(Uint32Array.from(IV), 0, data);
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * Returns a function computing HMAC-SHA-256(key, message) as lower-case hex, where a string
 * message is UTF-8 encoded and bytes are taken as they are. The same key and message give the same output in every runtime.
 */
export function createHmacSha256(key: string | Uint8Array): (message: string | Uint8Array) => string {
  if (K[0] === 0) initConstants();
  let keyBytes = typeof key === 'string' ? encoder.encode(key) : key;
  if (keyBytes.length > 64) keyBytes = sha256(keyBytes);
  const inner = new Uint8Array(64).fill(0x36);
  const outer = new Uint8Array(64).fill(0x5c);
  for (let i = 0; i < keyBytes.length; i++) {
    inner[i]! ^= keyBytes[i]!;
    outer[i]! ^= keyBytes[i]!;
  }
  const innerState = Uint32Array.from(IV);
  compress(innerState, inner, 0);
  const outerState = Uint32Array.from(IV);
  compress(outerState, outer, 0);
  return (message: string | Uint8Array): string =>
    toHex(finish(outerState, 64, finish(innerState, 64, typeof message === 'string' ? encoder.encode(message) : message)));
}
