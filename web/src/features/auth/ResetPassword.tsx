import { PasswordInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useApiForm } from '../../ui/forms';
import { authApi } from './api';
import { AuthFormPage } from './AuthLayout';

export function ResetPassword() {
  const { t } = useTranslation('auth');
  const { token = '' } = useParams();
  const [done, setDone] = useState(false);
  const { form, problem, onSubmit } = useApiForm(
    { initialValues: { password: '', confirm: '' }, validate: { confirm: (v, values) => (v === values.password ? null : t('passwordsDiffer')) } },
    async ({ password }) => {
      await authApi.confirmReset(token, password);
      setDone(true);
    },
  );
  return (
    <AuthFormPage title={t('resetTitle')} done={done ? t('resetDone') : null} problem={problem} onSubmit={onSubmit} submitLabel={t('setPassword')} submitting={form.submitting}>
      <PasswordInput label={t('newPassword')} description={t('passwordRule')} autoComplete="new-password" required autoFocus key={form.key('password')} {...form.getInputProps('password')} />
      <PasswordInput label={t('confirmPassword')} autoComplete="new-password" required key={form.key('confirm')} {...form.getInputProps('confirm')} />
    </AuthFormPage>
  );
}
