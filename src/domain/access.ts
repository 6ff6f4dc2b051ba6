/** Who may do what. Owners do everything; marketing curates and nothing else. */
export const ROLES = ['owner', 'marketing'] as const
export type Role = (typeof ROLES)[number]

export type Permission = 'curate' | 'manage-accounts' | 'manage-keys' | 'manage-connections' | 'read-audit'

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(['curate', 'manage-accounts', 'manage-keys', 'manage-connections', 'read-audit']),
  marketing: new Set(['curate']),
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission)
}

/** A role needed by a route: `owner` routes refuse marketing; `marketing` routes admit both. */
export function satisfies(role: Role, needed: Role): boolean {
  return needed === 'marketing' || role === 'owner'
}

/**
 * DESIGN.md, honest display: the only reasons a review may leave public lists. "Negative" is not
 * one, and nothing here looks at the rating.
 */
export const HIDE_REASONS = ['spam', 'off-topic', 'privacy', 'profanity', 'suspected-fake', 'not-a-patient', 'duplicate'] as const
export type HideReason = (typeof HIDE_REASONS)[number]

export const THEME_VERDICTS = ['confirmed', 'rejected', 'added'] as const
export type ThemeVerdict = (typeof THEME_VERDICTS)[number]
