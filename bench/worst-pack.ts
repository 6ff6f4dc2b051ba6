import { CUE_LIMITS } from '../src/domain/themes/cues.ts'

// The costliest theme pack the validator accepts, for the tagging-time guard (issue 13, point 11):
// every limit that multiplies matching work at its maximum, with cues that match every word of the
// review, so each token starts as many matches as the caps allow.

const WORDS = ['neck', 'back', 'pain', 'desk', 'posture', 'time', 'staff', 'visit', 'gentle', 'rushed']

/** An 80-word review in one clause made only of the pack's words. */
export const WORST_REVIEW = Array.from({ length: 80 }, (_, i) => WORDS[(i * 7) % WORDS.length]).join(' ')

const group = (words: string[]) => `(${words.join('|')})`

export function worstAcceptedPack(): unknown {
  const any = group(WORDS)
  // Nested phrases ("w", "w *", "w * *", ... up to the word limit) match at every length from every token.
  const nested = Array.from({ length: CUE_LIMITS.wordsPerPhrase }, (_, i) => [any, ...Array.from({ length: i }, () => '*')].join(' '))
  // One gap per phrase (the cap), with alternatives on both sides: 200 gapped phrases a theme, 8,000
  // in the pack, within the gapped-phrase cap.
  const gapped = [`${any} ... ${any}`, `${any} .. * ${any}`]
  return {
    id: 'worst',
    label: 'Worst accepted',
    themes: Array.from({ length: CUE_LIMITS.themesPerPack }, (_, i) => ({
      id: `t${i}`,
      label: `T${i}`,
      cues: [...nested, ...gapped],
      weakCues: nested,
      positiveCues: nested,
      antiCues: [`${any} ${any} ${any}`],
    })),
  }
}

/** CPU time of one call, the median of many runs (not wall time: the machine is shared). */
export function medianCpuMs(run: () => void, runs = 21): number {
  for (let i = 0; i < 10; i++) run()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage()
    run()
    const used = process.cpuUsage(before)
    times.push((used.user + used.system) / 1000)
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!
}
