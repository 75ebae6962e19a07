import { Alert, Grid, NavLink, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink as RouterLink, useParams } from 'react-router';
import { useIsAdmin } from '../../session';
import { ApiKeysSettings } from '../api-keys/ApiKeysSettings';
import { UsersSettings } from '../users/UsersSettings';
import { AlertsSettings } from './AlertsSettings';
import { MailboxSettings } from './MailboxSettings';
import { OrganizationSettings } from './OrganizationSettings';
import { SmtpSettings } from './SmtpSettings';
import { StructuresSettings } from './StructuresSettings';
import { TemplatesSettings } from './TemplatesSettings';
import { PageTitle } from '../../ui/PageTitle';

/** The settings sections, in order; each is one component (the API refuses staff sessions anyway). */
const SECTIONS: Record<string, () => ReactNode> = {
  smtp: SmtpSettings,
  mailbox: MailboxSettings,
  structures: StructuresSettings,
  templates: TemplatesSettings,
  alerts: AlertsSettings,
  organization: OrganizationSettings,
  users: UsersSettings,
  'api-keys': ApiKeysSettings,
};

export function SettingsPage() {
  const { t } = useTranslation('settings');
  const isAdmin = useIsAdmin();
  const { '*': section = '' } = useParams();
  if (!isAdmin) {
    return (
      <Stack>
        <PageTitle>{t('title')}</PageTitle>
        <Alert color="yellow" role="alert">
          {t('adminOnly')}
        </Alert>
      </Stack>
    );
  }
  const Section = SECTIONS[section];
  if (!Section) return <Navigate to="/settings/smtp" replace />;
  return (
    <Stack>
      <PageTitle section={t(`section.${section}`)}>{t('title')}</PageTitle>
      <Grid>
        <Grid.Col span={{ base: 12, md: 3 }}>
          <nav aria-label={t('sections')}>
            {Object.keys(SECTIONS).map((key) => (
              <NavLink key={key} component={RouterLink} to={`/settings/${key}`} label={t(`section.${key}`)} active={key === section} variant="filled" />
            ))}
          </nav>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          <Section />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
