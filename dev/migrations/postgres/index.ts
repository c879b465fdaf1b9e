import * as migration_20261122_233922_initial from './20261122_233922_initial'
import * as migration_20261125_231834_bench_comparisons from './20261125_231834_bench_comparisons'

export const migrations = [
  {
    up: migration_20261122_233922_initial.up,
    down: migration_20261122_233922_initial.down,
    name: '20261122_233922_initial',
  },
  {
    up: migration_20261125_231834_bench_comparisons.up,
    down: migration_20261125_231834_bench_comparisons.down,
    name: '20261125_231834_bench_comparisons',
  },
]
