/** The Redis logical database a `redis://host:port/N` URL selects (0 when the path is empty). */
export function databaseOf(url: string): number {
  const db = /^rediss?:\/\/[^/]+\/(\d+)/.exec(url)?.[1];
  return db === undefined ? 0 : Number(db);
}

/** The same Redis URL selecting database `database`. */
export function withDatabase(url: string, database: number): string {
  const u = new URL(url);
  u.pathname = database === 0 ? '' : `/${database}`;
  return u.toString().replace(/\/$/, '');
}

/** A Redis URL fit for logs and messages: any password replaced by `***`. */
export function redisUrlForDisplay(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable Redis URL)';
  }
}
