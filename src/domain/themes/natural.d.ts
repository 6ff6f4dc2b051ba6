// natural's root entry point loads every module, including storage back-ends that read `.env`
// at import time; the theme tagger imports only the two files it needs, declared here.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string }
  export default PorterStemmer
}

declare module 'natural/lib/natural/sentiment/SentimentAnalyzer.js' {
  class SentimentAnalyzer {
    constructor(language: string, stemmer: { stem(token: string): string } | null, type: string)
    /** word (or stem, when built with a stemmer) → AFINN valence, -5..5 */
    vocabulary: Record<string, number>
    getSentiment(words: string[]): number
  }
  export default SentimentAnalyzer
}

declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  /** Naive Bayes over token arrays (passing arrays skips natural's stop-word-dropping tokenizeAndStem). */
  class BayesClassifier {
    constructor(stemmer?: unknown, smoothing?: number)
    /** feature → document count, in first-seen order; index i is feature i of the inner model */
    features: Record<string, number>
    classifier: {
      smoothing: number
      totalExamples: number
      classTotals: Record<string, number>
      classFeatures: Record<string, Record<number, number>>
    }
    addDocument(tokens: string[], label: string): void
    train(): void
  }
  export default BayesClassifier
}
