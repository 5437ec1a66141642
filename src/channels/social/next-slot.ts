import { DateTime, IANAZone } from 'luxon'

/** A weekly posting time: ISO weekday (1 Monday … 7 Sunday) and a local "HH:MM". */
export type WeeklySlot = { weekday: number; time: string }
export type PostingSchedule = { timeZone: string; slots: WeeklySlot[] }

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/
const HORIZON_DAYS = 28

/** What is wrong with a schedule, in words staff can act on; undefined when it is usable. */
export function scheduleProblem(schedule: PostingSchedule): string | undefined {
  if (!IANAZone.isValidZone(schedule.timeZone)) return `"${schedule.timeZone}" is not a time zone (use a name such as Europe/London).`
  for (const slot of schedule.slots) {
    if (!Number.isInteger(slot.weekday) || slot.weekday < 1 || slot.weekday > 7) return `A slot's weekday must be 1 (Monday) to 7 (Sunday), not ${slot.weekday}.`
    if (!TIME.test(slot.time)) return `A slot's time must be HH:MM (24-hour), not "${slot.time}".`
  }
  return undefined
}

/**
 * The account's next posting time at or after `now` that no other post holds, in its time zone (so
 * "Monday 09:00" stays 09:00 across daylight-saving changes; a time the clocks skip moves to just
 * after the change). Undefined when the schedule has no slot in the next four weeks.
 */
export function nextFreeSlot(schedule: PostingSchedule, now: Date, taken: Date[] = []): Date | undefined {
  const problem = scheduleProblem(schedule)
  if (problem) throw new Error(problem)
  const takenMinutes = new Set(taken.map((at) => Math.floor(at.getTime() / 60_000)))
  const today = DateTime.fromJSDate(now, { zone: schedule.timeZone }).startOf('day')
  for (let offset = 0; offset <= HORIZON_DAYS; offset++) {
    const day = today.plus({ days: offset })
    const times = schedule.slots
      .filter((slot) => slot.weekday === day.weekday)
      .map((slot) => slot.time)
      .sort()
    for (const time of times) {
      const [hour, minute] = time.split(':').map(Number) as [number, number]
      const at = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: schedule.timeZone }).toJSDate()
      if (at.getTime() < now.getTime()) continue
      if (takenMinutes.has(Math.floor(at.getTime() / 60_000))) continue
      return at
    }
  }
  return undefined
}
