import { Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { useManagers } from './api';

type Manager = components['schemas']['NotificationManager'];

/** Who receives everything of their structure; set per member in the Preferences tab. */
export function ManagersTab() {
  const { t } = useTranslation('notifications');
  const [page, setPage] = useState(1);
  const list = useManagers(page);
  const columns: Column<Manager>[] = [
    { key: 'member', header: t('bookings.member'), render: (m) => m.member.name },
    { key: 'structure', header: t('managers.structure'), render: (m) => m.structureName ?? t('managers.wholeOrganisation') },
    { key: 'bookings', header: t('managers.bookings'), render: (m) => t(`prefs.modes.${m.subscribeBookings}`) },
    { key: 'maintenance', header: t('managers.maintenance'), render: (m) => (m.subscribeMaintenance ? t('yes', { ns: 'ui' }) : t('no', { ns: 'ui' })) },
    { key: 'validities', header: t('managers.validities'), render: (m) => t(`prefs.modes.${m.subscribeValidities}`) },
  ];
  return (
    <Stack>
      <Text size="sm">{t('managers.explain')}</Text>
      <PagedTable label={t('managers.title')} columns={columns} query={list} page={page} onPage={setPage} rowKey={(m) => m.member.id} empty={t('managers.empty')} />
    </Stack>
  );
}
