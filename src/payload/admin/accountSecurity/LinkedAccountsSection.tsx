'use client'

import type { ReactNode } from 'react'
import { type AccountEntry, linkSocial, unlinkAccount } from '../accountRequests.ts'
import { formatDate, RowButton, Section, Table, useAction, useT } from './parts.tsx'

/** Each enabled provider (and any still-linked one): link or unlink it. */
export function LinkedAccountsSection(props: {
  baseURL: string
  providers: string[]
  accounts: AccountEntry[]
  callbackURL: string
  onChange: () => Promise<void>
}): ReactNode {
  const { baseURL, providers, accounts, callbackURL } = props
  const { t, language } = useT()
  const action = useAction()
  const linked = accounts.filter((account) => account.providerId !== 'credential')
  // Every enabled provider, and any other account still linked (a provider since turned off).
  const rows = [...new Set([...providers, ...linked.map((account) => account.providerId)])].flatMap(
    (provider): { provider: string; account?: AccountEntry }[] => {
      const mine = linked.filter((account) => account.providerId === provider)
      return mine.length > 0 ? mine.map((account) => ({ provider, account })) : [{ provider }]
    },
  )

  return (
    <Section title={t('accountLinkedAccountsHeading')} action={action}>
      <Table columns={[t('accountProvider'), t('accountLinkedSince'), t('accountSessionActions')]}>
        {rows.map(({ provider, account }) => (
          <tr key={account?.id ?? provider}>
            <td>{provider}</td>
            <td>{account ? formatDate(account.createdAt, language) : t('accountNotLinked')}</td>
            <td>
              {account ? (
                <RowButton
                  action={action}
                  onClick={() =>
                    action.run(
                      () => unlinkAccount(baseURL, { accountId: account.id }),
                      () => {
                        void props.onChange()
                        return t('accountUnlinked', { provider })
                      },
                    )
                  }
                >
                  {t('accountUnlink', { provider })}
                </RowButton>
              ) : (
                providers.includes(provider) && (
                  <RowButton
                    action={action}
                    onClick={() =>
                      action.run(
                        () => linkSocial(baseURL, { provider, callbackURL }),
                        (data) => {
                          if (data.url) window.location.assign(data.url)
                          return null
                        },
                      )
                    }
                  >
                    {t('accountLink', { provider })}
                  </RowButton>
                )
              )}
            </td>
          </tr>
        ))}
      </Table>
    </Section>
  )
}
