/** Every workflow the worker runs; one per file. */
export { sendEmailWorkflow } from './send-email';
export { deliverySyncWorkflow } from './delivery-sync';
export { alertWebhookWorkflow } from './alert-webhook';
export { alertDigestWorkflow, retentionPurgeWorkflow, validityScanWorkflow } from './maintenance';
export { mailboxPollWorkflow } from './mailbox-poll';
export { invoiceBatchWorkflow } from './invoice-batch';
export { invoiceBatchChunkWorkflow } from './invoice-batch-chunk';
export { bookingWorkflow } from './booking';
export { bookingNoticesWorkflow } from './booking-notices';
export { bookingSweepWorkflow } from './booking-sweep';
