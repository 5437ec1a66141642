/** What a queue change (the job outbox) is about: a draft's scheduled launch, or a social post waiting for its time. */
export const JOB_TARGETS = ['launch', 'social-post'] as const
export type JobTarget = (typeof JOB_TARGETS)[number]
