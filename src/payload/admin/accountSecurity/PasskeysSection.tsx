'use client'

import { Button } from '@payloadcms/ui'
import { browserSupportsWebAuthn, startRegistration, WebAuthnError } from '@simplewebauthn/browser'
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react'
import {
  deletePasskey,
  listPasskeys,
  type PasskeyEntry,
  passkeyRegistrationOptions,
  renamePasskey,
  verifyPasskeyRegistration,
} from '../accountRequests.ts'
import type { BetterAuthResult } from '../betterAuthRequests.ts'
import { Field, formatDate, Section, useAction, useT } from './parts.tsx'

/** The user's passkeys: add, rename, remove. */
export function PasskeysSection(props: { baseURL: string }): ReactNode {
  const { baseURL } = props
  const { t, language } = useT()
  const action = useAction()
  const [passkeys, setPasskeys] = useState<PasskeyEntry[] | null>(null)
  const [renaming, setRenaming] = useState<string | null>(null)
  const [supported, setSupported] = useState(true)

  const reload = useCallback(async () => {
    const result = await listPasskeys(baseURL)
    if (result.ok) setPasskeys(result.data)
    else action.fail(result.message)
  }, [baseURL, action.fail])
  useEffect(() => {
    setSupported(browserSupportsWebAuthn())
    void reload()
  }, [reload])

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const name = String(new FormData(form).get('passkeyName') ?? '').trim() || undefined
    void action.run(
      async (): Promise<BetterAuthResult<unknown>> => {
        const options = await passkeyRegistrationOptions(baseURL, name)
        if (!options.ok) return options
        let response: Awaited<ReturnType<typeof startRegistration>>
        try {
          response = await startRegistration({
            optionsJSON: options.data as unknown as Parameters<
              typeof startRegistration
            >[0]['optionsJSON'],
          })
        } catch (error) {
          const message =
            error instanceof WebAuthnError && error.name === 'NotAllowedError'
              ? t('accountPasskeyCancelled')
              : error instanceof Error
                ? error.message
                : t('accountPasskeyCancelled')
          return { ok: false, message }
        }
        const { clientExtensionResults: _ignored, ...body } = response
        return verifyPasskeyRegistration(baseURL, { response: body, name })
      },
      () => {
        form.reset()
        void reload()
        return t('accountPasskeyAdded')
      },
    )
  }

  const rename = (id: string) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim()
    if (!name) return
    void action.run(
      () => renamePasskey(baseURL, { id, name }),
      () => {
        setRenaming(null)
        void reload()
        return t('accountPasskeyRenamed')
      },
    )
  }

  const remove = (id: string) =>
    action.run(
      () => deletePasskey(baseURL, { id }),
      () => {
        void reload()
        return t('accountPasskeyRemoved')
      },
    )

  return (
    <Section title={t('accountPasskeysHeading')} action={action}>
      {passkeys === null ? (
        <p>{t('accountLoading')}</p>
      ) : passkeys.length === 0 ? (
        <p>{t('accountNoPasskeys')}</p>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: '0.5rem' }}>
          {passkeys.map((passkey) => {
            const label = passkey.name || t('accountPasskeyUnnamed')
            return (
              <li
                key={passkey.id}
                aria-label={label}
                style={{ display: 'flex', gap: '0.75rem', alignItems: 'center', flexWrap: 'wrap' }}
              >
                {renaming === passkey.id ? (
                  <form
                    onSubmit={rename(passkey.id)}
                    style={{ display: 'flex', gap: '0.5rem', alignItems: 'flex-end' }}
                  >
                    <Field
                      name="name"
                      label={t('accountPasskeyNewName')}
                      defaultValue={passkey.name ?? ''}
                    />
                    <Button type="submit" buttonStyle="primary" size="small" disabled={action.busy}>
                      {t('accountSaveName')}
                    </Button>
                    <Button buttonStyle="secondary" size="small" onClick={() => setRenaming(null)}>
                      {t('accountCancel')}
                    </Button>
                  </form>
                ) : (
                  <>
                    <strong>{label}</strong>
                    <span>{formatDate(passkey.createdAt, language)}</span>
                    <Button
                      buttonStyle="secondary"
                      size="small"
                      disabled={action.busy}
                      onClick={() => setRenaming(passkey.id)}
                    >
                      {t('accountRename')}
                    </Button>
                    <Button
                      buttonStyle="error"
                      size="small"
                      disabled={action.busy}
                      onClick={() => remove(passkey.id)}
                    >
                      {t('accountRemove')}
                    </Button>
                  </>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {supported ? (
        <form onSubmit={add}>
          <Field name="passkeyName" label={t('accountPasskeyName')} required={false} />
          <Button type="submit" buttonStyle="primary" disabled={action.busy}>
            {t('accountAddPasskey')}
          </Button>
        </form>
      ) : (
        <p>{t('accountPasskeysUnsupported')}</p>
      )}
    </Section>
  )
}
