import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageTitle } from './PageTitle';

/** A screen not built yet (the route exists so the navigation is complete). `titleKey` is in `shell`. */
export function Placeholder({ titleKey }: { titleKey: string }) {
  const { t } = useTranslation('ui');
  return (
    <Stack>
      <PageTitle>{t(titleKey, { ns: 'shell' })}</PageTitle>
      <Text c="dimmed">{t('comingSoon')}</Text>
    </Stack>
  );
}
