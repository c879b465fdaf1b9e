// Timing helpers for the benchmark: interleaved rounds, medians and percentiles.

export type Op = (i: number) => Promise<unknown> | unknown

/** Runs `ops` sequentially `n` times and returns ns per op. */
async function timeSequential(op: Op, n: number): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await op(i)
  return Number(process.hrtime.bigint() - start) / n
}

/** Runs `n` ops with `inFlight` of them outstanding at any time; returns ns per op. */
async function timeConcurrent(op: Op, n: number, inFlight: number): Promise<number> {
  const start = process.hrtime.bigint()
  let next = 0
  const worker = async () => {
    while (next < n) await op(next++)
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  return Number(process.hrtime.bigint() - start) / n
}

export const median = (values: number[]) => percentile(values, 50)

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, index)] as number
}

export interface Comparison {
  baselineNsPerOp: number
  subjectNsPerOp: number
  /** subject time / baseline time: 1.0 costs nothing extra. */
  ratio: number
}

/**
 * Times `baseline` and `subject` in alternating rounds (so drift and GC hit both alike) after a
 * warm-up, and compares their medians.
 */
export async function compare(
  baseline: Op,
  subject: Op,
  { n = 5_000, rounds = 9, inFlight = 1 } = {},
): Promise<Comparison> {
  const time = (op: Op, count: number) =>
    inFlight === 1 ? timeSequential(op, count) : timeConcurrent(op, count, inFlight)
  await time(baseline, Math.ceil(n / 5))
  await time(subject, Math.ceil(n / 5))
  const a: number[] = []
  const b: number[] = []
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      a.push(await time(baseline, n))
      b.push(await time(subject, n))
    } else {
      b.push(await time(subject, n))
      a.push(await time(baseline, n))
    }
  }
  const baselineNsPerOp = median(a)
  const subjectNsPerOp = median(b)
  return { baselineNsPerOp, subjectNsPerOp, ratio: subjectNsPerOp / baselineNsPerOp }
}

/** Times every op on its own; returns the ns each took. */
async function timeEach(op: Op, n: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint()
    await op(i)
    times.push(Number(process.hrtime.bigint() - start))
  }
  return times
}

/**
 * Like `compare`, at a percentile of single-op latencies instead of the mean: alternating rounds
 * after a warm-up, every op timed on its own, the `p`th percentile of each side's pooled times.
 */
export async function comparePercentile(
  baseline: Op,
  subject: Op,
  { n = 2_000, rounds = 7, p = 50 } = {},
): Promise<Comparison> {
  await timeEach(baseline, Math.ceil(n / 5))
  await timeEach(subject, Math.ceil(n / 5))
  const a: number[] = []
  const b: number[] = []
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      a.push(...(await timeEach(baseline, n)))
      b.push(...(await timeEach(subject, n)))
    } else {
      b.push(...(await timeEach(subject, n)))
      a.push(...(await timeEach(baseline, n)))
    }
  }
  const baselineNsPerOp = percentile(a, p)
  const subjectNsPerOp = percentile(b, p)
  return { baselineNsPerOp, subjectNsPerOp, ratio: subjectNsPerOp / baselineNsPerOp }
}
