import { Stack, Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { BookingsTab } from './BookingsTab';
import { MaintenanceTab } from './MaintenanceTab';
import { ManagersTab } from './ManagersTab';
import { PreferencesTab } from './PreferencesTab';
import { ValiditiesTab } from './ValiditiesTab';
import { PageTitle } from '../../ui/PageTitle';

const TABS = ['bookings', 'maintenance', 'validities', 'preferences', 'managers'] as const;

/** Notifications: resources and bookings, maintenance, validities, per-member preferences and balance, managers. The tab is in the address. */
export function NotificationsPage() {
  const { t } = useTranslation('notifications');
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? params.get('tab')! : 'bookings';
  return (
    <Stack>
      <PageTitle section={t(`tabs.${tab}`)}>{t('title')}</PageTitle>
      <Tabs value={tab} onChange={(v) => setParams(v && v !== 'bookings' ? { tab: v } : {})} keepMounted={false}>
        <Tabs.List>
          {TABS.map((k) => <Tabs.Tab key={k} value={k}>{t(`tabs.${k}`)}</Tabs.Tab>)}
        </Tabs.List>
        <Tabs.Panel value="bookings" pt="md"><BookingsTab /></Tabs.Panel>
        <Tabs.Panel value="maintenance" pt="md"><MaintenanceTab /></Tabs.Panel>
        <Tabs.Panel value="validities" pt="md"><ValiditiesTab /></Tabs.Panel>
        <Tabs.Panel value="preferences" pt="md"><PreferencesTab /></Tabs.Panel>
        <Tabs.Panel value="managers" pt="md"><ManagersTab /></Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
