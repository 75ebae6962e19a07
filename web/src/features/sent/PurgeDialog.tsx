import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../ui/forms';
import { asProblem } from '../../api/problem';
import { PURGEABLE_STATUSES, usePurge, usePurgeCount, type PurgeableStatus } from './api';
import { startOfDay } from './dates';
import { notify } from '../../ui/notify';

/** Bulk purge: pick the criteria, see how many entries will go, confirm. Administrators only (the API says so too). */
export function PurgeDialog({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useTranslation('sent');
  const [before, setBefore] = useState<string | null>(dayjs().subtract(1, 'year').format('YYYY-MM-DD'));
  const [status, setStatus] = useState<PurgeableStatus | null>(null);
  const criteria = before ? { before: startOfDay(before)!, ...(status ? { status } : {}) } : null;
  const count = usePurgeCount(opened ? criteria : null);
  const purge = usePurge();
  const n = count.data?.count;

  const confirm = () =>
    purge.mutate(
      { params: { query: criteria! } },
      {
        onSuccess: (res) => {
          notify('green', t('purge.done', { count: res.deleted }));
          onClose();
        },
      },
    );

  return (
    <Modal opened={opened} onClose={onClose} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }} title={t('purge.title')} size="md">
      <Stack>
        <Text size="sm">{t('purge.explain')}</Text>
        <DatePickerInput label={t('purge.before')} value={before} onChange={(v) => setBefore(v as string | null)} maxDate={new Date()} required />
        <Select
          label={t('purge.status')}
          placeholder={t('purge.anyFinished')}
          data={PURGEABLE_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          value={status}
          onChange={(s) => setStatus(s as PurgeableStatus | null)}
          clearable
        />
        {count.error ? <ProblemAlert problem={asProblem(count.error)} /> : null}
        <Alert color={n ? 'orange' : 'gray'} aria-live="polite" data-testid="purge-count">
          {n === undefined ? t('purge.counting') : t('purge.willDelete', { count: n })}
        </Alert>
        {purge.error ? <ProblemAlert problem={asProblem(purge.error)} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel', { ns: 'ui' })}
          </Button>
          <Button color="red.9" disabled={!n} loading={purge.isPending} onClick={confirm}>
            {t('purge.confirm', { count: n ?? 0 })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
