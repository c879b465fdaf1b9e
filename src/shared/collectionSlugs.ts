/** The Payload collections that mirror Better Auth accounts, named from `collectionPrefix`. */
export interface MirrorCollectionSlugs {
  emailPassword: string
  magicLink: string
  social: string
}

export const DEFAULT_COLLECTION_PREFIX = '__better_auth'

export function mirrorCollectionSlugs(prefix = DEFAULT_COLLECTION_PREFIX): MirrorCollectionSlugs {
  return {
    emailPassword: `${prefix}_email_password`,
    magicLink: `${prefix}_magic_link`,
    social: `${prefix}_social`,
  }
}

/** The relationship fields on the users collection that point at the mirror collections. */
export const userAccountFields = {
  emailPassword: 'emailPasswordAccount',
  magicLink: 'magicLinkAccount',
  social: 'socialAccounts',
} as const satisfies Record<keyof MirrorCollectionSlugs, string>
