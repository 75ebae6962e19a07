import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const ITEM: Record<string, string> = { pending: 'gray', sent: 'green', failed: 'red', cancelled: 'dark' };
const BATCH: Record<string, string> = { running: 'blue', paused: 'yellow', cancelled: 'dark', completed: 'green' };

export function ItemStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('invoices');
  return <Badge color={ITEM[status] ?? 'gray'} variant="dot">{t(`itemStatus.${status}`, { defaultValue: status })}</Badge>;
}

export function BatchStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('invoices');
  return <Badge color={BATCH[status] ?? 'gray'} variant="dot" size="lg" data-testid="batch-status" data-status={status}>{t(`batchStatus.${status}`, { defaultValue: status })}</Badge>;
}
