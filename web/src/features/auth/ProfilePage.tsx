import { Alert, Button, Paper, PasswordInput, Select, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../../i18n';
import { useSession, useSessionState } from '../../session';
import { ProblemAlert, useApiForm } from '../../ui/forms';
import { notify } from '../../ui/notify';
import { authApi } from './api';
import { PageTitle } from '../../ui/PageTitle';

function ProfileForm() {
  const { t, i18n } = useTranslation('auth');
  const session = useSession();
  const { setSession } = useSessionState();
  const { form, problem, onSubmit } = useApiForm({ initialValues: { name: session.user.name ?? '', language: (session.user.language ?? i18n.resolvedLanguage ?? 'fr') as Language } }, async ({ name, language }) => {
    setSession(await authApi.updateMe({ name, language }));
    await i18n.changeLanguage(language);
    notify('green', t('saved', { ns: 'ui' }));
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="profile-title">
      <Title order={2} size="h4" id="profile-title" mb="sm">
        {t('profile')}
      </Title>
      <form onSubmit={onSubmit} noValidate>
        <Stack maw={420}>
          <ProblemAlert problem={problem} />
          <TextInput label={t('email')} value={session.user.email} readOnly />
          <TextInput label={t('name')} key={form.key('name')} {...form.getInputProps('name')} />
          <Select label={t('language')} data={LANGUAGES.map((l) => ({ value: l, label: t(`languageName.${l}`) }))} allowDeselect={false} key={form.key('language')} {...form.getInputProps('language')} />
          <Button type="submit" loading={form.submitting} w="fit-content">
            {t('save', { ns: 'ui' })}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function PasswordForm() {
  const { t } = useTranslation('auth');
  const [done, setDone] = useState(false);
  const { form, problem, onSubmit } = useApiForm(
    { initialValues: { currentPassword: '', newPassword: '', confirm: '' }, validate: { confirm: (v, values) => (v === values.newPassword ? null : t('passwordsDiffer')) } },
    async ({ currentPassword, newPassword }, form) => {
      setDone(false);
      await authApi.changePassword(currentPassword, newPassword);
      form.reset();
      setDone(true);
    },
  );
  return (
    <Paper withBorder p="md" component="section" id="password" aria-labelledby="password-title">
      <Title order={2} size="h4" id="password-title" mb="sm">
        {t('changePassword')}
      </Title>
      <form onSubmit={onSubmit} noValidate>
        <Stack maw={420}>
          <ProblemAlert problem={problem} />
          {done && (
            <Alert color="green" role="status">
              {t('passwordChanged')}
            </Alert>
          )}
          <PasswordInput label={t('currentPassword')} autoComplete="current-password" required key={form.key('currentPassword')} {...form.getInputProps('currentPassword')} />
          <PasswordInput label={t('newPassword')} description={t('passwordRule')} autoComplete="new-password" required key={form.key('newPassword')} {...form.getInputProps('newPassword')} />
          <PasswordInput label={t('confirmPassword')} autoComplete="new-password" required key={form.key('confirm')} {...form.getInputProps('confirm')} />
          <Button type="submit" loading={form.submitting} w="fit-content">
            {t('changePassword')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

export function ProfilePage() {
  const { t } = useTranslation('auth');
  return (
    <Stack>
      <PageTitle>{t('profile')}</PageTitle>
      <ProfileForm />
      <PasswordForm />
    </Stack>
  );
}
