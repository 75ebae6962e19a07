import { Badge, Center, Loader, MantineProvider, Modal, Notification, createTheme, type CSSVariablesResolver } from '@mantine/core';
import { useMemo } from 'react';
import { DateInput, DatePickerInput, DateTimePicker, DatesProvider, MonthPickerInput, type CalendarAriaLabels } from '@mantine/dates';
import type { TFunction } from 'i18next';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, useRoutes } from 'react-router';
import { OPEN_ROUTES, SIGNED_IN_ROUTES, SIGNED_OUT_ROUTES } from './routes';
import { SessionProvider, useSessionState } from './session';
import { Shell } from './shell/Shell';

// Shade 8 and a darker "dimmed" keep text at WCAG AA contrast (axe checks it in the browser tests);
// every modal's close button and every calendar's arrows are labelled in the user's language.
const makeTheme = (t: TFunction<'ui'>) => {
  const closeLabel = t('close');
  const calendar: CalendarAriaLabels = {
    previousMonth: t('calendar.previousMonth'),
    nextMonth: t('calendar.nextMonth'),
    previousYear: t('calendar.previousYear'),
    nextYear: t('calendar.nextYear'),
    previousDecade: t('calendar.previousDecade'),
    nextDecade: t('calendar.nextDecade'),
    // The month and year headers keep their visible words as their name (axe label-content-name-mismatch).
  };
  // Days of the next and previous months are left out: Mantine greys them at half opacity, unreadable (axe color-contrast).
  // An empty picker says what to do; its words also name the calendar it opens (the dropdown is
  // labelled by the field's button, whose only text they are: axe aria-dialog-name).
  const dates = { ariaLabels: calendar, hideOutsideDates: true, placeholder: t('calendar.pickDate') };
  return createTheme({
    primaryColor: 'blue',
    primaryShade: { light: 8, dark: 8 },
    defaultRadius: 'sm',
    autoContrast: true,
    components: {
      // A modal's <header> would be a second "banner" landmark beside the page's (axe landmark-no-duplicate-banner).
      Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': closeLabel }, attributes: { header: { role: 'none' } } } }),
      DateInput: DateInput.extend({ defaultProps: dates }),
      DatePickerInput: DatePickerInput.extend({ defaultProps: dates }),
      DateTimePicker: DateTimePicker.extend({ defaultProps: { ...dates, placeholder: t('calendar.pickDateTime'), submitButtonProps: { 'aria-label': t('calendar.confirm') } } }),
      MonthPickerInput: MonthPickerInput.extend({ defaultProps: { ariaLabels: calendar, placeholder: t('calendar.pickMonth') } }),
      Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': closeLabel } } }),
      // Every spinner is labelled ("Loading…"); a label is only allowed on an element with a role (axe aria-prohibited-attr).
      Loader: Loader.extend({ defaultProps: { role: 'status' } }),
      // A badge never shrinks below its text (in a narrow table column it was cut to "S…"): the table scrolls instead.
      Badge: Badge.extend({ styles: { root: { minWidth: 'max-content' } } }),
    },
  });
};
// Field errors in red 8 (4.5:1 on white; Mantine's red 6 is 3.3:1); placeholders a grey between
// gray 6 (3.3:1, too faint) and gray 7 (which reads as a value): 4.7:1.
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--mantine-color-placeholder': '#6c757d', '--mantine-color-error': 'var(--mantine-color-red-8)' },
  dark: {},
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (count, error) => count < 2 && !(error && typeof error === 'object' && 'status' in error && Number(error.status) < 500), refetchOnWindowFocus: false, staleTime: 5_000 },
  },
});

function Routed() {
  const { session } = useSessionState();
  return useRoutes([...OPEN_ROUTES, ...(session ? [{ path: '/', element: <Shell />, children: SIGNED_IN_ROUTES }] : SIGNED_OUT_ROUTES)]);
}

export function App() {
  const { t, i18n } = useTranslation('ui');
  // t changes with the language, and so does the theme's wording.
  const theme = useMemo(() => makeTheme(t), [t]);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={contrast}>
      <DatesProvider settings={{ locale: i18n.resolvedLanguage ?? 'fr' }}>
        <Notifications position="top-right" />
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <SessionProvider
              fallback={
                <Center h="100vh">
                  <Loader aria-label={t('loading')} />
                </Center>
              }
            >
              <Routed />
            </SessionProvider>
          </BrowserRouter>
        </QueryClientProvider>
      </DatesProvider>
    </MantineProvider>
  );
}
