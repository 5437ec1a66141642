type Slot<T> = { current: Promise<T>; next?: Promise<T> }

/**
 * Runs a task per key so that every caller gets the result of a run that started after it called,
 * while a burst of callers shares runs: callers that arrive during a run all wait for the one run
 * after it. Ten events arriving while a feed is being built cost two builds, not ten, and none of
 * them is answered by a build that read the database before its change.
 */
export class Coalescer<T> {
  private readonly slots = new Map<string, Slot<T>>()

  run(key: string, task: () => Promise<T>): Promise<T> {
    const slot = this.slots.get(key)
    if (!slot) {
      const fresh = {} as Slot<T>
      this.slots.set(key, fresh)
      return this.execute(key, fresh, task)
    }
    slot.next ??= slot.current
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        slot.next = undefined
        return this.execute(key, slot, task)
      })
    return slot.next
  }

  private execute(key: string, slot: Slot<T>, task: () => Promise<T>): Promise<T> {
    const run: Promise<T> = task().finally(() => {
      if (slot.current === run && !slot.next) this.slots.delete(key)
    })
    slot.current = run
    return run
  }
}
