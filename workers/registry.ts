/**
 * The channel processors this worker can run. Each channel (feeds, email, social) registers here;
 * WORKER_QUEUES picks which ones a process enables, so queues can be scaled separately.
 */
export type ProcessorRegistration = {
  queue: string
  start: () => Promise<{ close: () => Promise<void> }>
}

export const registry: ProcessorRegistration[] = []
