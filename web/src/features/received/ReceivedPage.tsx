import { Placeholder } from '../../ui/Placeholder';
export function ReceivedPage() {
  return <Placeholder titleKey="nav.received" />;
}
