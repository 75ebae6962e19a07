import { Placeholder } from '../../ui/Placeholder';
export function MemberPage() {
  return <Placeholder titleKey="nav.members" />;
}
