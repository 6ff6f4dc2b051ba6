import type { Db } from '../../src/db/database.ts'
import { addUser } from '../../src/services/accounts.ts'

/** scrypt at a test cost (production uses OWASP's N=2^17, ~0.9 s a hash here). */
export const TEST_SCRYPT_COST = { N: 2 ** 12, r: 8, p: 1 }
export const PASSWORD = 'correct horse battery staple'

export async function seedUser(db: Db, email: string, role: 'owner' | 'marketing', now: Date): Promise<string> {
  return (await addUser(db, { email, role, password: PASSWORD, passwordCost: TEST_SCRYPT_COST }, 'test', now)).id
}

export interface Session {
  cookie: string
  csrf: string
  setCookie: string
}

export async function signIn(base: string, email: string, password = PASSWORD, totp?: string): Promise<Session> {
  const response = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, ...(totp && { totp }) }) })
  if (response.status !== 201) throw new Error(`sign-in of ${email} answered ${response.status}: ${await response.text()}`)
  const setCookie = response.headers.getSetCookie()[0] ?? ''
  const body = (await response.json()) as { csrfToken: string }
  return { cookie: setCookie.split(';')[0]!, csrf: body.csrfToken, setCookie }
}

/** A same-origin browser call: the session cookie, and the CSRF token unless `csrf: false`. */
export function asSession(session: Session, method: string, body?: unknown, options: { csrf?: boolean } = {}): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', cookie: session.cookie, ...(options.csrf !== false && { 'x-csrf-token': session.csrf }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }
}
