import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Problem } from '../../api/problem';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { authApi } from './api';
import { AuthLayout } from './AuthLayout';

export function ForgotPassword() {
  const { t } = useTranslation('auth');
  const [sent, setSent] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({ mode: 'uncontrolled', initialValues: { email: '' } });
  const submit = form.onSubmit(async ({ email }) => {
    setProblem(null);
    try {
      await authApi.requestReset(email);
      setSent(true);
    } catch (err) {
      setProblem(applyProblem(form, err));
    }
  });
  return (
    <AuthLayout title={t('forgotTitle')}>
      {sent ? (
        <Alert color="green" role="status">
          {t('resetSent')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text size="sm">{t('forgotHelp')}</Text>
            <ProblemAlert problem={problem} />
            <TextInput label={t('email')} type="email" autoComplete="email" required autoFocus key={form.key('email')} {...form.getInputProps('email')} />
            <Button type="submit" loading={form.submitting}>
              {t('sendResetLink')}
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
