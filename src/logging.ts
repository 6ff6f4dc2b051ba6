import { pino, type Logger } from 'pino'

export type { Logger }

/** Structured logs on stderr, so commands that print results on stdout (tag, eval) stay parseable. */
export function createLogger(level: string, name = 'plaudit'): Logger {
  return pino({ name, level }, pino.destination(2))
}
