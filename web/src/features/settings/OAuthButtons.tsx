import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconBrandGoogle, IconBrandWindows, IconCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { fetchClient } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { consentOutcome } from './consent-outcome';
import { ProblemAlert } from '../../ui/forms';

export type OAuthProvider = 'gmail' | 'microsoft';

/** The two consent flows, for the outgoing account or the mailbox (same callback, other scopes). */
const FLOWS = {
  smtp: {
    authorize: (p: OAuthProvider) => (p === 'gmail' ? fetchClient.POST('/api/v1/settings/gmail/authorize', { body: {} }) : fetchClient.POST('/api/v1/settings/microsoft/authorize', { body: {} })),
    revoke: (p: OAuthProvider) => (p === 'gmail' ? fetchClient.DELETE('/api/v1/settings/gmail') : fetchClient.DELETE('/api/v1/settings/microsoft')),
    queries: [['get', '/api/v1/settings/smtp']],
  },
  mailbox: {
    authorize: (p: OAuthProvider, folder?: string) =>
      p === 'gmail' ? fetchClient.POST('/api/v1/settings/mailbox/gmail/authorize', { body: { folder: folder || 'INBOX' } }) : fetchClient.POST('/api/v1/settings/mailbox/microsoft/authorize', { body: { folder: folder || 'INBOX' } }),
    revoke: (p: OAuthProvider) => (p === 'gmail' ? fetchClient.DELETE('/api/v1/settings/mailbox/gmail') : fetchClient.DELETE('/api/v1/settings/mailbox/microsoft')),
    queries: [['get', '/api/v1/settings/mailbox'], ['get', '/api/v1/mailbox/status']],
  },
} as const;

const ICONS = { gmail: IconBrandGoogle, microsoft: IconBrandWindows };

/**
 * "Use my Gmail account" / "Connect Microsoft 365": starts the provider's consent
 * (the browser leaves for the provider and comes back through the API's callback);
 * "Revoke the access" undoes it at the provider.
 */
export function OAuthButtons({ target, connected, providers = ['gmail', 'microsoft'], folder }: { target: 'smtp' | 'mailbox'; connected: { provider: OAuthProvider; address: string } | null; providers?: OAuthProvider[]; folder?: string }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const [search, setSearch] = useSearchParams();
  // Back from the provider: the API's callback sent the browser here with how the consent went.
  const [problem, setProblem] = useState<Problem | null>(() => consentOutcome(search)?.problem ?? null);
  const [busy, setBusy] = useState<OAuthProvider | 'revoke' | null>(null);
  const ns = target === 'smtp' ? 'oauth' : 'mailbox.oauth';
  useEffect(() => {
    const outcome = consentOutcome(search);
    if (!outcome) return;
    setSearch({}, { replace: true });
    if (outcome.problem) return;
    notifications.show({ color: 'green', message: t(`${ns}.connectedNow`) });
    for (const queryKey of FLOWS[target].queries) void queryClient.invalidateQueries({ queryKey: [...queryKey] });
  }, [search, setSearch, ns, t, target, queryClient]);
  const connect = async (provider: OAuthProvider) => {
    setProblem(null);
    setBusy(provider);
    const res = await FLOWS[target].authorize(provider, folder);
    if (res.error) {
      setBusy(null);
      return setProblem(asProblem(res.error));
    }
    window.location.assign(res.data.authorizationUrl);
  };
  const revoke = async () => {
    if (!connected) return;
    setProblem(null);
    setBusy('revoke');
    const res = await FLOWS[target].revoke(connected.provider);
    setBusy(null);
    if (res.error) return setProblem(asProblem(res.error));
    for (const queryKey of FLOWS[target].queries) await queryClient.invalidateQueries({ queryKey: [...queryKey] });
    notifications.show({ message: t(`${ns}.revoked`) });
  };
  return (
    <Stack>
      <Text size="sm">{t(`${ns}.help`)}</Text>
      <ProblemAlert problem={problem} />
      {connected && (
        <Alert color="green" icon={<IconCheck />}>
          {t(`${ns}.connected`, { address: connected.address })}
        </Alert>
      )}
      <Group>
        {providers.map((p) => {
          const Icon = ICONS[p];
          return (
            <Button key={p} variant="default" leftSection={<Icon size={16} />} loading={busy === p} onClick={() => void connect(p)}>
              {t(`${ns}.${p}`)}
            </Button>
          );
        })}
        {connected && (
          <Button color="red" variant="light" loading={busy === 'revoke'} onClick={() => void revoke()}>
            {t(`${ns}.revoke`)}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
