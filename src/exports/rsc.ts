// Server components of the admin panel, referenced through Payload's import map.

export {
  BetterAuthLoginView,
  type BetterAuthLoginViewProps,
} from '../payload/admin/BetterAuthLoginView.tsx'
export type { BetterAuthLoginViewConfig } from '../payload/options.ts'
