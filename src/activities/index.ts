import type { ActivityDeps } from './deps';
import { createDeliveryActivities } from './delivery';
import { createInvoiceActivities } from './invoices';
import { createMailActivities } from './mail';
import { createNotificationActivities } from './notifications';
import { createReceptionActivities } from './reception';

export type { ActivityDeps };

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createMailActivities(deps),
    ...createDeliveryActivities(deps),
    ...createReceptionActivities(deps),
    ...createInvoiceActivities(deps),
    ...createNotificationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
