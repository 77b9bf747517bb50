// The pure-TypeScript SHA-256 / HMAC-SHA-256 behind `contextId: 'hash'` must equal the standard:
// the RFC 4231 vectors (HMAC-SHA-256 rows, keys over the 64-byte block included) and node:crypto.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHmacSha256, sha256, toHex } from '../../src/hmac-sha256.js';

const repeat = (byte: number, length: number) => new Uint8Array(length).fill(byte);
const ascii = (text: string) => new TextEncoder().encode(text);

// RFC 4231 section 4, HMAC-SHA-256 results. Case 5 is truncated to 128 bits by the RFC.
const RFC_4231: { name: string; key: Uint8Array; data: Uint8Array; hex: string; truncate?: number }[] = [
  { name: '1: 20-byte key', key: repeat(0x0b, 20), data: ascii('Hi There'), hex: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { name: '2: key shorter than the output', key: ascii('Jefe'), data: ascii('what do ya want for nothing?'), hex: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { name: '3: 50 bytes of 0xdd', key: repeat(0xaa, 20), data: repeat(0xdd, 50), hex: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' },
  {
    name: '4: 25-byte key 0x01..0x19',
    key: Uint8Array.from({ length: 25 }, (_, i) => i + 1),
    data: repeat(0xcd, 50),
    hex: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  { name: '5: truncated output', key: repeat(0x0c, 20), data: ascii('Test With Truncation'), hex: 'a3b6167473100ee06e0c796c2955552b', truncate: 32 },
  {
    name: '6: 131-byte key (hashed first)',
    key: repeat(0xaa, 131),
    data: ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    hex: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    name: '7: 131-byte key and data longer than a block',
    key: repeat(0xaa, 131),
    data: ascii('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    hex: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

describe('HMAC-SHA-256 in plain TypeScript equals the standard', () => {
  it.each(RFC_4231)('RFC 4231 test case $name', ({ key, data, hex, truncate }) => {
    const mac = createHmacSha256(key)(data);
    expect(truncate === undefined ? mac : mac.slice(0, truncate)).toBe(hex);
  });

  it('hashes a string message as its UTF-8 bytes', () => {
    const message = 'prénom 🐱';
    expect(createHmacSha256('k')(message)).toBe(createHmacSha256('k')(ascii(message)));
    expect(createHmacSha256('k')(message)).toBe(createHmac('sha256', 'k').update(message, 'utf8').digest('hex'));
  });

  it('matches node:crypto for SHA-256 at every padding boundary', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000]) {
      const data = randomBytes(length);
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('matches node:crypto HMAC for random keys (short, 64-byte, long) and messages', () => {
    for (let i = 0; i < 200; i++) {
      const key = randomBytes([1, 16, 32, 64, 65, 200][i % 6]!);
      const message = randomBytes(i * 3).toString('base64');
      expect(createHmacSha256(key)(message)).toBe(createHmac('sha256', key).update(message).digest('hex'));
    }
  });
});
