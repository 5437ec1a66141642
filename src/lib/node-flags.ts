/**
 * How every plain Node process of ours starts (worker, scripts, the launcher's children): TypeScript
 * through tsx, and the "production" export condition. The condition matters on Node 20: Lexical's
 * default Node entry files pick their dev or prod build with a top-level `await import()`, and across
 * Lexical's packages those awaits deadlock about half the time (`await import('@payloadcms/richtext-lexical')`
 * hung 6 runs in 12 here; with the condition, which points straight at the prod builds, 0 in 12).
 * package.json's scripts pass the same flags.
 */
export const NODE_FLAGS = ['--conditions=production', '--import', 'tsx']

/**
 * A worker process's flags: NODE_FLAGS and a cap on V8's old space. A worker's live heap stays near
 * 85 MB whatever the campaign's size (subscribers are streamed), but without a cap V8 lets garbage
 * pile up to ~350 MB before collecting it; with one its footprint is what the operator planned for.
 */
export const workerNodeFlags = (heapMb: number | string) => [`--max-old-space-size=${heapMb}`, ...NODE_FLAGS]
