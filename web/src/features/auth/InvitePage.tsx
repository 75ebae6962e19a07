import { Alert, Anchor, Button, Center, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { Problem } from '../../api/problem';
import { useSessionState } from '../../session';
import { applyProblem, ProblemAlert } from '../../ui/forms';
import { authApi } from './api';
import { AuthLayout } from './AuthLayout';

/** An invitation, or the first administrator's set-up link printed by the first `npm start`. */
export function InvitePage() {
  const { t } = useTranslation('auth');
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { setSession } = useSessionState();
  const [problem, setProblem] = useState<Problem | null>(null);
  const invitation = useQuery({ queryKey: ['invitation', token], queryFn: () => authApi.invitation(token), retry: false });
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '', name: '', password: '', confirm: '' },
    validate: { confirm: (v, values) => (v === values.password ? null : t('passwordsDiffer')) },
  });
  const submit = form.onSubmit(async ({ email, name, password }) => {
    setProblem(null);
    try {
      const session = await authApi.acceptInvitation(token, { password, ...(name ? { name } : {}), ...(invitation.data?.email ? {} : { email }) });
      setSession(session);
      void navigate('/received');
    } catch (err) {
      setProblem(applyProblem(form, err));
    }
  });

  if (invitation.isPending) {
    return (
      <AuthLayout title={t('inviteTitle')}>
        <Center>
          <Loader aria-label={t('loading', { ns: 'ui' })} />
        </Center>
      </AuthLayout>
    );
  }
  if (invitation.isError) {
    return (
      <AuthLayout title={t('inviteTitle')}>
        <Alert color="red" role="alert">
          {t('inviteInvalid')}
        </Alert>
        <Anchor component={Link} to="/" size="sm" mt="md" display="block">
          {t('backToSignIn')}
        </Anchor>
      </AuthLayout>
    );
  }
  const inv = invitation.data;
  return (
    <AuthLayout title={inv.email ? t('inviteTitle') : t('setupTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">{t('inviteIntro', { organization: inv.organizationName, role: t(`role.${inv.role}`) })}</Text>
          <ProblemAlert problem={problem} />
          {inv.email ? (
            <TextInput label={t('email')} value={inv.email} readOnly />
          ) : (
            <TextInput label={t('email')} type="email" autoComplete="username" required key={form.key('email')} {...form.getInputProps('email')} />
          )}
          <TextInput label={t('name')} autoComplete="name" key={form.key('name')} {...form.getInputProps('name')} />
          <PasswordInput label={t('newPassword')} description={t('passwordRule')} autoComplete="new-password" required key={form.key('password')} {...form.getInputProps('password')} />
          <PasswordInput label={t('confirmPassword')} autoComplete="new-password" required key={form.key('confirm')} {...form.getInputProps('confirm')} />
          <Button type="submit" loading={form.submitting}>
            {t('setPasswordAndSignIn')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
