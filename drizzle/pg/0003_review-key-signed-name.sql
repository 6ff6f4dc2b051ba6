DROP INDEX "reviews_source_external";--> statement-breakpoint
ALTER TABLE "patient_authorizations" ADD COLUMN "signed_name" text;--> statement-breakpoint
CREATE UNIQUE INDEX "reviews_location_source_external" ON "reviews" USING btree ("location_id","source","external_id");--> statement-breakpoint
-- Existing authorizations were shown under the current author of their review: the name they were given for.
UPDATE patient_authorizations SET signed_name = (SELECT r.author FROM testimonials t JOIN reviews r ON r.id = t.review_id WHERE t.id = patient_authorizations.testimonial_id);