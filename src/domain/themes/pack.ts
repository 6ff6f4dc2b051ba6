/** A theme the practice cares about, with the phrases that patients use for it. */
export interface Theme {
  id: string
  label: string
  description: string
  /**
   * Phrases (lower-case, as a patient would write them) that signal the theme. Their polarity
   * comes from the surrounding clause (sentiment words, negation), else from the star rating.
   *
   * Cue syntax, shared by every cue list: words separated by spaces; `(a|b c|)` alternatives
   * (an empty one, or `(…)?`, makes the group optional); `=word` that exact word form, not its
   * stem; `#` any number ("40", "forty", "30+"); `$` an amount of money; `*` any one word; `..` a
   * gap of up to 4 words and `...` of up to 8, inside the same clause. Other words are compared
   * by Porter stem, so "stretch" also finds "stretches" and "stretching".
   */
  cues: string[]
  /** Phrases that look like a cue but are not ("rushed to my appointment"). */
  antiCues: string[]
  /** Cues that praise the theme by themselves ("took her time"); negation flips them. */
  positiveCues?: string[]
  /** Cues that criticise the theme by themselves ("rushed", "in and out"); negation flips them. */
  negativeCues?: string[]
  /**
   * Cues too common to count alone ("desk", "laptop"): they count only when their clause also
   * takes a stance (a sentiment word or a negation), so "came in for neck pain" stays untagged.
   */
  weakCues?: string[]
  /**
   * Cues that only count where the theme is already cued in the same or the previous sentence
   * ("worth it" after a price, "doing them right" after exercises).
   */
  supportCues?: string[]
  /**
   * Sentences that speak about the theme, written as a patient would: the learned classifier's
   * positive training examples (every other theme's examples are its negatives).
   */
  examples?: string[]
}

export interface ThemePack {
  id: string
  version: number
  label: string
  /**
   * Keep a cued theme whose clause takes no stance, as a `neutral` mention ("we ordered the
   * pasta" is about food). Off for clinics, where such a mention is usually a visit's backdrop.
   */
  neutralMentions?: boolean
  /** The theme of a text that names no other ("anecdotes/miscellaneous"). */
  fallbackTheme?: string
  themes: Theme[]
}
