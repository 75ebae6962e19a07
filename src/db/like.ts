/**
 * A search term as a literal inside LIKE / Prisma `contains`: `%`, `_` and the
 * escape character itself (PostgreSQL's default, `\`) lose their wildcard
 * meaning, so searching "100%" or "a_b" finds exactly that.
 */
export const escapeLike = (term: string): string => term.replace(/[\\%_]/g, (c) => `\\${c}`);
