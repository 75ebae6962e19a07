import { Alert, Anchor, Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Problem } from '../../api/problem';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { authApi } from './api';
import { AuthLayout } from './AuthLayout';

export function ResetPassword() {
  const { t } = useTranslation('auth');
  const { token = '' } = useParams();
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { password: '', confirm: '' },
    validate: { confirm: (v, values) => (v === values.password ? null : t('passwordsDiffer')) },
  });
  const submit = form.onSubmit(async ({ password }) => {
    setProblem(null);
    try {
      await authApi.confirmReset(token, password);
      setDone(true);
    } catch (err) {
      setProblem(applyProblem(form, err));
    }
  });
  return (
    <AuthLayout title={t('resetTitle')}>
      {done ? (
        <Alert color="green" role="status">
          {t('resetDone')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <ProblemAlert problem={problem} />
            <PasswordInput label={t('newPassword')} description={t('passwordRule')} autoComplete="new-password" required autoFocus key={form.key('password')} {...form.getInputProps('password')} />
            <PasswordInput label={t('confirmPassword')} autoComplete="new-password" required key={form.key('confirm')} {...form.getInputProps('confirm')} />
            <Button type="submit" loading={form.submitting}>
              {t('setPassword')}
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/" size="sm" mt="md" display="block">
        {t('backToSignIn')}
      </Anchor>
    </AuthLayout>
  );
}
