import { Placeholder } from '../../ui/Placeholder';
export function MembersPage() {
  return <Placeholder titleKey="nav.members" />;
}
