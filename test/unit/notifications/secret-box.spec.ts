import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { SecretBox, SecretBoxError } from '../../../src/common/crypto/secret-box';

const FORMAT = /^v1\.([A-Za-z0-9+/]+=*)\.([A-Za-z0-9+/]+=*)\.([A-Za-z0-9+/]*=*)$/;

function flipByte(b64: string, index = 0): string {
  const buf = Buffer.from(b64, 'base64');
  buf[index] = buf[index]! ^ 0x01;
  return buf.toString('base64');
}

describe('SecretBox (AES-256-GCM)', () => {
  const key = SecretBox.generateKey();
  const box = new SecretBox(key);

  it('round-trips text, including Chinese and the empty string', () => {
    for (const plain of ['SEC5a3ecf88f2b3eb50db30ecfc00f53033', '钉钉机器人密钥 🔐', '']) {
      expect(box.open(box.seal(plain))).toBe(plain);
    }
  });

  it('produces v1.<iv>.<tag>.<ct> with a 12-byte IV and 16-byte tag, fresh IV each time', () => {
    const a = box.seal('same');
    const b = box.seal('same');
    expect(a).not.toBe(b);
    const m = FORMAT.exec(a)!;
    expect(m).not.toBeNull();
    expect(Buffer.from(m[1]!, 'base64')).toHaveLength(12);
    expect(Buffer.from(m[2]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(m[3]!, 'base64').toString('utf8')).not.toContain('same');
    expect(SecretBox.isSealed(a)).toBe(true);
    expect(SecretBox.isSealed('plain-secret')).toBe(false);
  });

  it('detects tampering with the ciphertext, tag, IV or version', () => {
    const sealed = box.seal('top secret value');
    const [v, iv, tag, ct] = sealed.split('.') as [string, string, string, string];
    expect(() => box.open([v, iv, tag, flipByte(ct, 3)].join('.'))).toThrow(SecretBoxError);
    expect(() => box.open([v, iv, flipByte(tag), ct].join('.'))).toThrow(/failed authentication/);
    expect(() => box.open([v, flipByte(iv), tag, ct].join('.'))).toThrow(/failed authentication/);
    expect(() => box.open(['v2', iv, tag, ct].join('.'))).toThrow(/unsupported version/);
    expect(() => box.open([v, iv, tag].join('.'))).toThrow(/malformed/);
    expect(() => box.open([v, iv, tag.slice(0, -4), ct].join('.'))).toThrow(/malformed/);
    expect(() => box.open([v, iv, tag, ct + '!'].join('.'))).toThrow(/malformed/);
    // Truncating the ciphertext by one byte must also fail, not yield a shorter plaintext.
    const shorter = Buffer.from(ct, 'base64').subarray(0, -1).toString('base64');
    expect(() => box.open([v, iv, tag, shorter].join('.'))).toThrow(/failed authentication/);
  });

  it('will not open with another key', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(box.seal('x'))).toThrow(/failed authentication/);
  });

  it('binds to the associated data when given (a sealed secret moved to another row fails)', () => {
    const sealed = box.seal('robot-secret', 'channel:42');
    expect(box.open(sealed, 'channel:42')).toBe('robot-secret');
    expect(() => box.open(sealed, 'channel:43')).toThrow(SecretBoxError);
    expect(() => box.open(sealed)).toThrow(SecretBoxError);
    expect(() => box.open(box.seal('robot-secret'), 'channel:42')).toThrow(SecretBoxError);
  });

  it('accepts a 32-byte Buffer key equivalent to its base64 form', () => {
    const raw = randomBytes(32);
    expect(new SecretBox(raw).open(new SecretBox(raw.toString('base64')).seal('same key'))).toBe('same key');
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('does not reveal the key through inspect or JSON', () => {
    expect(inspect(box, { showHidden: true, depth: 5 })).not.toContain(key);
    expect(JSON.stringify(box)).not.toContain(key);
  });
});

describe('SecretBox.fromConfig', () => {
  it('builds a working box from a valid SECRETS_KEY', () => {
    const box = SecretBox.fromConfig(SecretBox.generateKey());
    expect(box.open(box.seal('ok'))).toBe('ok');
  });

  it.each([
    ['missing', undefined, /SECRETS_KEY is not set/],
    ['empty', '   ', /SECRETS_KEY is not set/],
    ['not base64', 'this is not base64!!', /SECRETS_KEY is malformed: it is not valid base64/],
    ['too short', randomBytes(16).toString('base64'), /SECRETS_KEY is malformed: it decodes to 16 bytes, expected 32/],
    ['too long', randomBytes(48).toString('base64'), /SECRETS_KEY is malformed: it decodes to 48 bytes/],
  ])('rejects a %s key with an error naming SECRETS_KEY', (_label, value, pattern) => {
    expect(() => SecretBox.fromConfig(value)).toThrow(SecretBoxError);
    expect(() => SecretBox.fromConfig(value)).toThrow(pattern);
  });

  it('never puts the key value in the error', () => {
    const bad = randomBytes(20).toString('base64');
    try {
      SecretBox.fromConfig(bad);
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as Error).message).toMatch(/SECRETS_KEY/);
      expect((err as Error).message).not.toContain(bad);
    }
  });
});
