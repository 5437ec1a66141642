/**
 * How every plain Node process of ours starts (worker, scripts, the launcher's children): TypeScript
 * through tsx, and the "production" export condition. The condition matters on Node 20: Lexical's
 * default Node entry files pick their dev or prod build with a top-level `await import()`, and across
 * Lexical's packages those awaits deadlock about half the time (`await import('@payloadcms/richtext-lexical')`
 * hung 6 runs in 12 here; with the condition, which points straight at the prod builds, 0 in 12).
 * package.json's scripts pass the same flags.
 */
export const NODE_FLAGS = ['--conditions=production', '--import', 'tsx']
