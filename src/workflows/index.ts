/** Every workflow the worker runs; one per file. */
export { sendEmailWorkflow } from './send-email';
