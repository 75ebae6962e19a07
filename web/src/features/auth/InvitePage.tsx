import { Alert, Center, Loader, PasswordInput, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useSessionState } from '../../session';
import { useApiForm } from '../../ui/forms';
import { authApi } from './api';
import { AuthFormPage, AuthLayout, BackToSignIn } from './AuthLayout';

/** An invitation, or the first administrator's set-up link printed by the first `npm start`. */
export function InvitePage() {
  const { t } = useTranslation('auth');
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { setSession } = useSessionState();
  const invitation = useQuery({ queryKey: ['invitation', token], queryFn: () => authApi.invitation(token), retry: false });
  const { form, problem, onSubmit } = useApiForm(
    { initialValues: { email: '', name: '', password: '', confirm: '' }, validate: { confirm: (v, values) => (v === values.password ? null : t('passwordsDiffer')) } },
    async ({ email, name, password }) => {
      setSession(await authApi.acceptInvitation(token, { password, ...(name ? { name } : {}), ...(invitation.data?.email ? {} : { email }) }));
      void navigate('/received');
    },
  );

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
        <BackToSignIn />
      </AuthLayout>
    );
  }
  const inv = invitation.data;
  return (
    <AuthFormPage
      title={inv.email ? t('inviteTitle') : t('setupTitle')}
      intro={<Text size="sm">{t('inviteIntro', { organization: inv.organizationName, role: t(`role.${inv.role}`) })}</Text>}
      problem={problem}
      onSubmit={onSubmit}
      submitLabel={t('setPasswordAndSignIn')}
      submitting={form.submitting}
      footer={null}
    >
      {inv.email ? (
        <TextInput label={t('email')} value={inv.email} readOnly />
      ) : (
        <TextInput label={t('email')} type="email" autoComplete="username" required key={form.key('email')} {...form.getInputProps('email')} />
      )}
      <TextInput label={t('name')} autoComplete="name" key={form.key('name')} {...form.getInputProps('name')} />
      <PasswordInput label={t('newPassword')} description={t('passwordRule')} autoComplete="new-password" required key={form.key('password')} {...form.getInputProps('password')} />
      <PasswordInput label={t('confirmPassword')} autoComplete="new-password" required key={form.key('confirm')} {...form.getInputProps('confirm')} />
    </AuthFormPage>
  );
}
