import { DelayedError, type Job } from 'bullmq'

/** A job that fell due up to this early (clock skew between processes) still counts as due. */
export const EARLY_MS = 1_000

/** Puts the job back to wait until `at`; it runs again then, without spending one of its attempts. */
export async function waitUntil(job: Job, at: number, token: string | undefined): Promise<never> {
  await job.moveToDelayed(at, token)
  throw new DelayedError()
}
