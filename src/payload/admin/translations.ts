// Every string of the admin's Better Auth views, in Payload's i18n shape: a translation is one
// more language key here (or the app's `i18n.translations`, which wins). Components read them with
// `useTranslation()` from `@payloadcms/ui` as `t('betterAuth:<key>')`.

export const betterAuthTranslations = {
  en: {
    betterAuth: {
      // Shared
      betterAuthDown: 'Better Auth did not answer. Try again in a moment.',
      tryAgain: 'Try again',
      // Sign-in (login, forgot and reset views)
      // Account security (the signed-in user's own view)
      // User management (a user's document, for admins)
    },
  },
} as const

export type BetterAuthTranslationKey = keyof (typeof betterAuthTranslations)['en']['betterAuth']
