import { Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A screen not built yet (the route exists so the navigation is complete). `titleKey` is in `shell`. */
export function Placeholder({ titleKey }: { titleKey: string }) {
  const { t } = useTranslation('ui');
  return (
    <Stack>
      <Title order={1}>{t(titleKey, { ns: 'shell' })}</Title>
      <Text c="dimmed">{t('comingSoon')}</Text>
    </Stack>
  );
}
