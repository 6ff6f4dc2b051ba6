/** A theme the practice cares about, with the phrases that patients use for it. */
export interface Theme {
  id: string
  label: string
  description: string
  /** Phrases (lower-case, as a patient would write them) that signal the theme. */
  cues: string[]
  /** Phrases that look like a cue but are not ("rushed to my appointment"). */
  antiCues: string[]
}

export interface ThemePack {
  id: string
  version: number
  label: string
  themes: Theme[]
}
