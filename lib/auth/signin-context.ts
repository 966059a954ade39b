// Carries what the credentials check learned (a throttle's wait) out of next-auth's authorize() to the
// route handler around it, which answers 429 with Retry-After: next-auth v4 itself can only answer 401.
import { AsyncLocalStorage } from "node:async_hooks";

export type SignInOutcome = { retryAfterMs?: number; message?: string };

export const signInContext = new AsyncLocalStorage<SignInOutcome>();
