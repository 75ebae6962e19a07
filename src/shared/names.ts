/**
 * Every Temporal name Mailroom uses: task queue, workflow ids, schedule ids.
 * Workflow-safe (no Node imports): workflows, activities, API and CLI all read these.
 */
export const TASK_QUEUE = 'mailroom';

export const workflowIds = {
  send: (sentEmailId: string) => `send:${sentEmailId}`,
  mailboxPoll: (mailboxId: string) => `mailbox-poll:${mailboxId}`,
  invoiceBatch: (batchId: string) => `invoice-batch:${batchId}`,
  booking: (bookingId: string) => `booking:${bookingId}`,
  bookingNotices: (groupId: string) => `booking-notices:${groupId}`,
  deliverySync: (organizationId: string) => `delivery-sync:${organizationId}`,
  alertWebhook: (alertEventId: string) => `alert-webhook:${alertEventId}`,
  alertDigest: (hour: string) => `alert-digest:${hour}`,
  retentionPurge: (day: string) => `retention-purge:${day}`,
} as const;

export const scheduleIds = {
  deliverySync: (organizationId: string) => `delivery-sync-schedule:${organizationId}`,
  validityScan: 'validity-expiry-scan',
  retentionPurge: 'retention-purge',
  alertDigest: 'alert-digest',
  bookingSweep: 'booking-notices-sweep',
} as const;
