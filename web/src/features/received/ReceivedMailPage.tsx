import { Placeholder } from '../../ui/Placeholder';
export function ReceivedMailPage() {
  return <Placeholder titleKey="nav.received" />;
}
