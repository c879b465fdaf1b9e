export { ADMIN_CONSOLE_PLUGIN_ID, payloadAdminConsole } from '../better-auth/adminConsolePlugin.ts'
export {
  type BetterAuthCollectionsOptions,
  betterAuthCollections,
  buildBetterAuthCollections,
} from './collections.ts'
export {
  ADAPTER_CONTEXT_KEY,
  type PayloadAdapterOptions,
  payloadAdapter,
} from './payloadAdapter.ts'
