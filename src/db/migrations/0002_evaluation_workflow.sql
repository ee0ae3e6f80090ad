ALTER TABLE "assessments" ADD COLUMN "signed_off_hash" text;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "scope_include_nested_pemda" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cycles" ADD COLUMN "published_scope" jsonb;--> statement-breakpoint
ALTER TABLE "score_snapshots" ADD COLUMN "self_index_value" text;--> statement-breakpoint
ALTER TABLE "score_snapshots" ADD COLUMN "self_predicate" text;--> statement-breakpoint
ALTER TABLE "score_snapshots" ADD COLUMN "self_result" jsonb;--> statement-breakpoint
ALTER TABLE "verifications" ADD COLUMN "metric_value" numeric;--> statement-breakpoint
ALTER TABLE "verifications" ADD COLUMN "response_version" integer;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_current_snapshot_id_score_snapshots_id_fk" FOREIGN KEY ("current_snapshot_id") REFERENCES "public"."score_snapshots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "score_snapshots_current" ON "score_snapshots" USING btree ("assessment_id") WHERE "score_snapshots"."superseded_at" IS NULL;--> statement-breakpoint
ALTER TABLE "verifications" ADD CONSTRAINT "verifications_na_or_level" CHECK (NOT ("verifications"."not_applicable" AND "verifications"."level" IS NOT NULL));