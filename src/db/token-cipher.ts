import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** Raised when tokens cannot be encrypted or decrypted: the process must not go on with plaintext. */
export class TokenKeyError extends Error {
  override name = 'TokenKeyError'
}

const VERSION = 'v1'

/**
 * AES-256-GCM with a fresh 12-byte nonce per value. Stored as "v1.<nonce>.<tag>.<ciphertext>"
 * (base64url), so a wrong key fails the authentication tag instead of yielding garbage.
 */
export class TokenCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new TokenKeyError(`the token key must be 32 bytes, got ${key.length}`)
  }

  encrypt(plaintext: string): string {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce)
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return [VERSION, nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
  }

  decrypt(stored: string): string {
    const [version, nonce, tag, body] = stored.split('.')
    if (version !== VERSION || !nonce || !tag || body === undefined) throw new TokenKeyError('stored token is not in the v1 encrypted form')
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
    } catch {
      throw new TokenKeyError('PLAUDIT_TOKEN_KEY does not decrypt the stored Google tokens (wrong key?)')
    }
  }
}
