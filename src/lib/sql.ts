/** Escapes LIKE/ILIKE wildcards so user input matches literally (PostgreSQL's default escape is `\`). */
export const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);
