import { reviewIdFor } from '../../src/db/ids.ts'
import type { StoredFeed } from '../../src/db/stores/feeds.ts'
import { createTestimonialFromReview, replaceCollection } from '../../src/services/curation.ts'
import { publishFeed } from '../../src/services/feed-publisher.ts'
import { writeReviewsCsv } from './csv.ts'
import type { Pipeline } from './pipeline.ts'
import type { TempDatabase } from './temp-db.ts'

/** One imported review of location `clinic`, quoted in the published collection `home`, with no review link. */
export async function publishOneReviewFeed(temp: TempDatabase, pipeline: Pipeline, now: Date): Promise<StoredFeed> {
  await pipeline.importAndAnalyze(writeReviewsCsv(temp.dir, 'r.csv', [{ id: 'a', rating: 5, text: 'I never felt rushed here. The desk staff were lovely.' }]), 'clinic')
  const id = (await createTestimonialFromReview(temp.db, { reviewId: reviewIdFor('clinic', 'import', 'a'), start: 0, end: 25, publish: true }, 'test', now)).id
  await replaceCollection(temp.db, { slug: 'home', title: 'Home', testimonialIds: [id] }, 'test', now)
  return (await publishFeed(temp.db, 'home', now))!
}
