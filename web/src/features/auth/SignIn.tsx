import { Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { asProblem, type Problem } from '../../api/problem';
import { useSessionState } from '../../session';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { authApi } from './api';
import { AuthLayout } from './AuthLayout';

export function SignIn() {
  const { t } = useTranslation('auth');
  const { setSession } = useSessionState();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({ mode: 'uncontrolled', initialValues: { email: '', password: '' } });

  const submit = form.onSubmit(async ({ email, password }) => {
    setBusy(true);
    setProblem(null);
    try {
      setSession(await authApi.login(email, password));
    } catch (err) {
      const p = asProblem(err);
      // 401 and 429 are about the whole attempt, not one field: say it in the user's language.
      if (p.status === 401) setProblem({ ...p, title: t('wrongCredentials'), detail: undefined, errors: [] });
      else if (p.status === 429) setProblem({ ...p, title: t('tooManyAttempts'), errors: [] });
      else setProblem(applyProblem(form, err));
    } finally {
      setBusy(false);
    }
  });

  return (
    <AuthLayout title={t('signInTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <ProblemAlert problem={problem} />
          <TextInput label={t('email')} type="email" autoComplete="username" required autoFocus key={form.key('email')} {...form.getInputProps('email')} />
          <PasswordInput label={t('password')} autoComplete="current-password" required key={form.key('password')} {...form.getInputProps('password')} />
          <Button type="submit" loading={busy}>
            {t('signIn')}
          </Button>
          <Anchor component={Link} to="/forgot-password" size="sm">
            {t('forgotPassword')}
          </Anchor>
        </Stack>
      </form>
    </AuthLayout>
  );
}
