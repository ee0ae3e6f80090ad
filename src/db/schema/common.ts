import { timestamp } from 'drizzle-orm/pg-core';

/** `timestamptz` columns with millisecond precision, returned as Date. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });
export const createdAt = () => tstz('created_at').notNull().defaultNow();
export const updatedAt = () => tstz('updated_at').notNull().defaultNow();
