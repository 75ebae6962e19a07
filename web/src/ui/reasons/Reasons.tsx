import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';

type BounceKey = NonNullable<components['schemas']['BounceReason']>['reason'];
type AddressReason = components['schemas']['AddressInvalidReason'];

/**
 * Delivery failures in the reader's language: the API gives a key of its reasons
 * table (and for flagged addresses a code with values); the server's own words
 * stay available as a secondary "details" line.
 */
export function useReasons() {
  const { t } = useTranslation('reasons');
  const bounce = (key: BounceKey) => t(`bounce.${key}`);
  const address = (because: AddressReason | null | undefined): string | null => {
    if (!because) return null;
    const reason = because.params.reason ? bounce(because.params.reason) : '';
    if (because.code === 'SOFT_BOUNCES') return t('address.SOFT_BOUNCES', { count: because.params.count ?? 0, days: because.params.days ?? 0, reason });
    if (because.code === 'BOUNCE') return t('address.BOUNCE', { reason });
    return t('address.OTHER');
  };
  return { bounce, address };
}

/** The server's own words, as they came, under the explanation. */
export function ReasonDetails({ details }: { details: string | null | undefined }) {
  const { t } = useTranslation('reasons');
  if (!details) return null;
  return (
    <Text size="xs" c="gray.7" style={{ overflowWrap: 'anywhere' }}>
      {t('details', { details })}
    </Text>
  );
}
