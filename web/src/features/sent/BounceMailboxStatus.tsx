import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client';

/**
 * The delivery-report (bounce) mailbox's last error, when reading it failed: worded from its
 * connection-test code like the reception mailbox's (the server's words below). Admins only:
 * the delivery settings are theirs.
 */
export function BounceMailboxStatus() {
  const { t } = useTranslation('sent');
  const q = $api.useQuery('get', '/api/v1/settings/delivery', {}, { retry: false });
  const m = q.data?.mailbox;
  if (!m?.lastError) return null;
  const params = m.lastErrorParams ?? {};
  const details = params.serverResponse ?? params.detail;
  return (
    <Alert color="red" title={t('bounceMailbox.failing')} role="status" data-testid="bounce-mailbox-error" data-code={m.lastErrorCode ?? undefined}>
      <Text size="sm">{t(`mailbox.error.${m.lastErrorCode ?? 'UNKNOWN'}`, { ns: 'received', ...params })}</Text>
      {details ? (
        <Text size="xs" c="gray.7" style={{ overflowWrap: 'anywhere' }}>
          {t('mailbox.errorDetails', { ns: 'received', details })}
        </Text>
      ) : null}
    </Alert>
  );
}
