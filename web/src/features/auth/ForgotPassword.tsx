import { Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiForm } from '../../ui/forms';
import { authApi } from './api';
import { AuthFormPage } from './AuthLayout';

export function ForgotPassword() {
  const { t } = useTranslation('auth');
  const [sent, setSent] = useState(false);
  const { form, problem, onSubmit } = useApiForm({ initialValues: { email: '' } }, async ({ email }) => {
    await authApi.requestReset(email);
    setSent(true);
  });
  return (
    <AuthFormPage
      title={t('forgotTitle')}
      done={sent ? t('resetSent') : null}
      intro={<Text size="sm">{t('forgotHelp')}</Text>}
      problem={problem}
      onSubmit={onSubmit}
      submitLabel={t('sendResetLink')}
      submitting={form.submitting}
    >
      <TextInput label={t('email')} type="email" autoComplete="email" required autoFocus key={form.key('email')} {...form.getInputProps('email')} />
    </AuthFormPage>
  );
}
