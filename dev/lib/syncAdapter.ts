import { services } from './services.ts'

/** The storage both plugins share: Better Auth writes sessions to it, Payload reads them. */
export const storage = services.storage
