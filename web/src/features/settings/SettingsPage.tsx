import { Alert, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useIsAdmin } from '../../session';

export function SettingsPage() {
  const { t } = useTranslation('settings');
  const isAdmin = useIsAdmin();
  if (!isAdmin) {
    return (
      <Stack>
        <Title order={1}>{t('title')}</Title>
        <Alert color="yellow" role="alert">
          {t('adminOnly')}
        </Alert>
      </Stack>
    );
  }
  return <Title order={1}>{t('title')}</Title>;
}
