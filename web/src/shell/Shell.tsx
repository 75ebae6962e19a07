import { Anchor, AppShell, Avatar, Burger, Group, Menu, NavLink, SegmentedControl, Text, Title, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconLogout, IconMail, IconUser } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterLink, Outlet, useLocation, useNavigate } from 'react-router';
import { authApi } from '../features/auth/api';
import { LANGUAGES, type Language } from '../i18n';
import { NAV } from '../routes';
import { useSession, useSessionState } from '../session';
import classes from './Shell.module.css';

/** The language switch: changes the console at once and stores the choice on the user. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation('shell');
  const state = useSessionState();
  const change = async (lng: string) => {
    await i18n.changeLanguage(lng);
    if (state.session) state.setSession(await authApi.updateMe({ language: lng as Language }).catch(() => state.session));
  };
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language')}
      value={i18n.resolvedLanguage ?? 'fr'}
      onChange={(v) => void change(v)}
      data={LANGUAGES.map((l) => ({ value: l, label: l.toUpperCase() }))}
    />
  );
}

function UserMenu() {
  const { t } = useTranslation('shell');
  const session = useSession();
  const { setSession } = useSessionState();
  const navigate = useNavigate();
  const signOut = async () => {
    await authApi.logout().catch(() => undefined);
    setSession(null);
    void navigate('/');
  };
  const name = session.user.name || session.user.email;
  return (
    <Menu position="bottom-end" withinPortal>
      {/* The label contains the visible name (axe label-content-name-mismatch) and says what the button opens; below sm it alone names the button. */}
      <Menu.Target>
        <UnstyledButton aria-label={t('userMenu', { name })} data-testid="user-menu">
          <Group gap="xs" wrap="nowrap">
            <Avatar size="sm" color="blue" radius="xl" aria-hidden>
              <IconUser size={16} />
            </Avatar>
            <Text size="sm" visibleFrom="sm">
              {name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{session.user.email}</Menu.Label>
        <Menu.Item leftSection={<IconUser size={16} />} onClick={() => void navigate('/profile')}>
          {t('profile')}
        </Menu.Item>
        <Menu.Item leftSection={<IconKey size={16} />} onClick={() => void navigate('/profile#password')}>
          {t('changePassword')}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} />} color="red" onClick={() => void signOut()}>
          {t('signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function Shell() {
  const { t } = useTranslation('shell');
  const [opened, { toggle, close }] = useDisclosure();
  const session = useSession();
  const location = useLocation();
  const isAdmin = session.user.role === 'admin';

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <Anchor href="#main" className={classes.skip}>
        {t('skipToContent')}
      </Anchor>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('toggleNavigation')} aria-expanded={opened} aria-controls="main-navigation" />
            <IconMail aria-hidden />
            <Title order={2} size="h4">
              Mailroom
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="md">
              {session.organization.name}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSwitch />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('navigation')} id="main-navigation">
        {NAV.filter((n) => isAdmin || !n.admin).map((n) => (
          <NavLink
            key={n.to}
            component={RouterLink}
            to={n.to}
            label={t(n.label)}
            leftSection={<n.icon size={18} aria-hidden />}
            active={location.pathname === n.to || location.pathname.startsWith(`${n.to}/`)}
            variant="filled"
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      {/* tabIndex -1: the skip link moves the focus here, so the next Tab is the page's first control. */}
      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
