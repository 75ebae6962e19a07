import { Anchor, PasswordInput, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { asProblem, ProblemError } from '../../api/problem';
import { useSessionState } from '../../session';
import { useApiForm } from '../../ui/forms';
import { authApi } from './api';
import { AuthFormPage } from './AuthLayout';

export function SignIn() {
  const { t } = useTranslation('auth');
  const { setSession } = useSessionState();
  const { form, problem, onSubmit } = useApiForm({ initialValues: { email: '', password: '' } }, async ({ email, password }) => {
    try {
      setSession(await authApi.login(email, password));
    } catch (err) {
      const p = asProblem(err);
      // 401 and 429 are about the whole attempt, not one field: say it in the user's language.
      if (p.status === 401) throw new ProblemError({ ...p, title: t('wrongCredentials'), detail: undefined, errors: [] });
      if (p.status === 429) throw new ProblemError({ ...p, title: t('tooManyAttempts'), errors: [] });
      throw err;
    }
  });
  const forgot = (
    <Anchor component={Link} to="/forgot-password" size="sm" mt="md" display="block">
      {t('forgotPassword')}
    </Anchor>
  );
  return (
    <AuthFormPage title={t('signInTitle')} problem={problem} onSubmit={onSubmit} submitLabel={t('signIn')} submitting={form.submitting} footer={forgot}>
      <TextInput label={t('email')} type="email" autoComplete="username" required autoFocus key={form.key('email')} {...form.getInputProps('email')} />
      <PasswordInput label={t('password')} autoComplete="current-password" required key={form.key('password')} {...form.getInputProps('password')} />
    </AuthFormPage>
  );
}
