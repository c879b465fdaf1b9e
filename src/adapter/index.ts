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
