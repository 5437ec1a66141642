import { describe, expect, it } from 'vitest'

import { Coalescer } from '../../src/lib/coalesce'

const deferred = () => {
  let resolve!: (value: number) => void
  let reject!: (error: Error) => void
  const promise = new Promise<number>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('Coalescer', () => {
  it('runs at once when idle, and shares one later run among callers that arrive during a run', async () => {
    const coalescer = new Coalescer<number>()
    const runs: ReturnType<typeof deferred>[] = []
    const task = () => {
      const run = deferred()
      runs.push(run)
      return run.promise
    }
    const first = coalescer.run('feed', task)
    const second = coalescer.run('feed', task)
    const third = coalescer.run('feed', task)
    expect(runs).toHaveLength(1)

    runs[0]!.resolve(1)
    expect(await first).toBe(1)
    await new Promise((resolve) => setImmediate(resolve))
    expect(runs).toHaveLength(2) // the one run after it, for both waiting callers
    runs[1]!.resolve(2)
    expect(await second).toBe(2)
    expect(await third).toBe(2)

    const fourth = coalescer.run('feed', task)
    expect(runs).toHaveLength(3) // idle again: a new run at once
    runs[2]!.resolve(3)
    expect(await fourth).toBe(3)
  })

  it('never answers a caller with a run that started before it called', async () => {
    const coalescer = new Coalescer<number>()
    let started = 0
    const seen: { calledAt: number; runStartedAt: number }[] = []
    const call = async () => {
      const calledAt = started
      const runStartedAt = await coalescer.run('feed', async () => {
        const at = ++started
        await new Promise((resolve) => setTimeout(resolve, 5))
        return at
      })
      seen.push({ calledAt, runStartedAt })
    }
    await Promise.all(Array.from({ length: 20 }, (_, n) => new Promise((resolve) => setTimeout(resolve, n)).then(call)))
    expect(seen).toHaveLength(20)
    for (const { calledAt, runStartedAt } of seen) expect(runStartedAt).toBeGreaterThan(calledAt)
    expect(started).toBeLessThan(20)
  })

  it('keeps keys apart, and a failed run fails its callers without blocking the next', async () => {
    const coalescer = new Coalescer<number>()
    const a = deferred()
    const b = deferred()
    const onA = coalescer.run('a', () => a.promise)
    const onB = coalescer.run('b', () => b.promise)
    const afterA = coalescer.run('a', async () => 10)
    a.reject(new Error('database gone'))
    b.resolve(2)
    await expect(onA).rejects.toThrow('database gone')
    expect(await onB).toBe(2)
    expect(await afterA).toBe(10)
  })
})
