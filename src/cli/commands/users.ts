import { readFileSync } from 'node:fs'
import { ROLES, type Role } from '../../domain/access.ts'
import { addUser } from '../../services/accounts.ts'
import { RuleViolationError } from '../../services/errors.ts'
import { closeRuntime, openRuntime, systemClock } from '../runtime.ts'

/** Reads a line from the terminal without echoing it (or a piped line, when stdin is not a terminal). */
async function askPassword(prompt: string): Promise<string> {
  process.stderr.write(prompt)
  const stdin = process.stdin
  if (stdin.isTTY) stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  let typed = ''
  try {
    for await (const chunk of stdin as AsyncIterable<string>) {
      for (const char of chunk) {
        if (char === '\n' || char === '\r' || char === '\u0004') return typed
        if (char === '\u0003') throw new Error('cancelled')
        if (char === '\u007f') typed = typed.slice(0, -1)
        else typed += char
      }
    }
    return typed
  } finally {
    if (stdin.isTTY) stdin.setRawMode(false)
    stdin.pause()
    process.stderr.write('\n')
  }
}

export async function runUsersAdd(options: { email: string; role: string; passwordFile?: string }): Promise<number> {
  if (!(ROLES as readonly string[]).includes(options.role)) {
    process.stderr.write(`plaudit: --role must be one of ${ROLES.join(', ')} (got "${options.role}")\n`)
    return 2
  }
  const password = options.passwordFile ? (readFileSync(options.passwordFile, 'utf8').split(/\r?\n/)[0] ?? '') : await askPassword(`Password for ${options.email}: `)
  const runtime = await openRuntime()
  try {
    const user = await addUser(runtime.db, { email: options.email, role: options.role as Role, password }, 'cli', systemClock())
    console.log(`added ${user.email} (${user.role})`)
    return 0
  } catch (error) {
    if (error instanceof RuleViolationError) {
      process.stderr.write(`plaudit: ${error.message}\n`)
      return 2
    }
    throw error
  } finally {
    await closeRuntime(runtime)
  }
}
