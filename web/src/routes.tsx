import { IconBell, IconFileInvoice, IconInbox, IconSend, IconSettings, IconUsers, type Icon } from '@tabler/icons-react';
import { Navigate, type RouteObject } from 'react-router';
import { ForgotPassword } from './features/auth/ForgotPassword';
import { InvitePage } from './features/auth/InvitePage';
import { ResetPassword } from './features/auth/ResetPassword';
import { SignIn } from './features/auth/SignIn';
import { ProfilePage } from './features/auth/ProfilePage';
import { MemberPage } from './features/members/MemberPage';
import { MembersPage } from './features/members/MembersPage';
import { ReceivedMailPage } from './features/received/ReceivedMailPage';
import { ReceivedPage } from './features/received/ReceivedPage';
import { InvoicesPage } from './features/invoices/InvoicesPage';
import { NotificationsPage } from './features/notifications/NotificationsPage';
import { SentPage } from './features/sent/SentPage';
import { SettingsPage } from './features/settings/SettingsPage';

/** The navigation, in order. `admin`: shown to administrators only (the API refuses the rest anyway). */
export interface NavItem {
  to: string;
  /** Key in the `shell` namespace. */
  label: string;
  icon: Icon;
  admin?: boolean;
}

export const NAV: NavItem[] = [
  { to: '/received', label: 'nav.received', icon: IconInbox },
  { to: '/members', label: 'nav.members', icon: IconUsers },
  { to: '/sent', label: 'nav.sent', icon: IconSend },
  { to: '/invoices', label: 'nav.invoices', icon: IconFileInvoice },
  { to: '/notifications', label: 'nav.notifications', icon: IconBell },
  { to: '/settings', label: 'nav.settings', icon: IconSettings, admin: true },
];

/** Pages that work signed in or not (links from mails). */
export const OPEN_ROUTES: RouteObject[] = [
  { path: '/reset-password/:token', element: <ResetPassword /> },
  { path: '/invite/:token', element: <InvitePage /> },
];

export const SIGNED_OUT_ROUTES: RouteObject[] = [
  { path: '/forgot-password', element: <ForgotPassword /> },
  { path: '*', element: <SignIn /> },
];

/** Inside the app shell. */
export const SIGNED_IN_ROUTES: RouteObject[] = [
  { index: true, element: <Navigate to="/received" replace /> },
  { path: 'received', element: <ReceivedPage /> },
  { path: 'received/:id', element: <ReceivedMailPage /> },
  { path: 'members', element: <MembersPage /> },
  { path: 'members/:id/*', element: <MemberPage /> },
  // ── web2's areas ──
  { path: 'sent/*', element: <SentPage /> },
  { path: 'invoices/*', element: <InvoicesPage /> },
  { path: 'notifications/*', element: <NotificationsPage /> },
  // ───────────────────────────────────────────────────────────────────────────
  { path: 'settings/*', element: <SettingsPage /> },
  { path: 'profile', element: <ProfilePage /> },
  { path: 'forgot-password', element: <Navigate to="/received" replace /> },
  { path: '*', element: <Navigate to="/received" replace /> },
];
