import type { JobsOptions, Queue } from 'bullmq'

/**
 * Makes the job `jobId` wait until `delay` ms from now: adds it, moves it (changeDelay), or brings
 * it forward. A job already due or running is left alone (its processor re-reads what it is for and
 * waits again if the time moved later); a finished one is replaced, since doing the work again needs
 * a new attempt under the same id. Used for what waits for its time: social posts, scheduled launches.
 */
export async function putDelayedJob<Data>(queue: Queue, name: string, jobId: string, data: Data, options: JobsOptions, delay: number): Promise<void> {
  const existing = await queue.getJob(jobId)
  if (existing) {
    const state = await existing.getState()
    if (state === 'delayed') {
      if (delay > 0) await existing.changeDelay(delay)
      else await existing.promote()
      return
    }
    if (state === 'waiting' || state === 'prioritized' || state === 'active' || state === 'waiting-children') return
    await existing.remove()
  }
  await queue.add(name, data, { ...options, jobId, delay })
}

/** Takes a job that no longer has work out of its queue; one already running finds its work gone and does nothing. */
export async function removeWaitingJob(queue: Queue, jobId: string): Promise<void> {
  const job = await queue.getJob(jobId)
  if (job && (await job.getState()) !== 'active') await job.remove()
}
