import { services } from './services.ts'

/** Start-up notifications between Payload and Better Auth. */
export const eventBus = services.eventBus
