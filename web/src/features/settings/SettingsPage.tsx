import { Placeholder } from '../../ui/Placeholder';
export function SettingsPage() {
  return <Placeholder titleKey="nav.settings" />;
}
