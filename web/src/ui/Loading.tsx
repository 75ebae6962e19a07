import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function Loading() {
  const { t } = useTranslation('ui');
  return (
    <Center py="lg">
      <Loader size="sm" aria-label={t('loading')} />
    </Center>
  );
}
