/**
 * A social post moves scheduled → posting → posted | failed, or is cancelled while it waits (by staff,
 * or by its item's retraction or expiry); a posted one becomes deleted when a retraction removes it
 * from the network. Staff edit and reschedule a post only while it is scheduled or failed.
 */
export const SOCIAL_POST_STATES = ['scheduled', 'posting', 'posted', 'failed', 'cancelled', 'deleted'] as const
export type SocialPostState = (typeof SOCIAL_POST_STATES)[number]

export const EDITABLE_POST_STATES: SocialPostState[] = ['scheduled', 'failed']

/** Why a post exists: the statement itself, or a reply announcing its correction. */
export const SOCIAL_POST_KINDS = ['statement', 'correction'] as const

/** A correction replies to the original post with the corrected item's title, summary and link. */
export const CORRECTION_TEMPLATE = 'Correction: {title}\n\n{summary}\n\n{url}'
