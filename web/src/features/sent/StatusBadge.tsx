import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = { queued: 'gray', sending: 'blue', sent: 'green', failed: 'red', bounced: 'orange', cancelled: 'dark' };

/** A sent message's status, in words and colour (the word carries the meaning; colour only helps). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('sent');
  return (
    <Badge color={COLORS[status] ?? 'gray'} variant="dot" data-status={status}>
      {t(`status.${status}`, { defaultValue: status })}
    </Badge>
  );
}

export const statusColor = (status: string) => COLORS[status] ?? 'gray';
