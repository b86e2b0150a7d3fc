/**
 * botbuilder itself: the CloudAdapter and its authentication. botframework.ts loads this module on
 * the first /api/messages request or proactive delivery, so a server that never sees a Bot
 * Framework channel never loads the SDK (about 50 modules, ~12 MB, ~0.3 s of start-up).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  StatusCodes,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
// CloudAdapter answers 401 only for this class of error, so it must be this module's.
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { Logger } from 'pino';
import type { BotFrameworkOptions } from './botframework.ts';

const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * botbuilder answers a token whose signature does not verify with 500 (jsonwebtoken's error is not
 * an AuthenticationError); the Bot Framework would retry that. A bad token is a 401.
 */
class StrictAuthentication extends ConfigurationBotFrameworkAuthentication {
  /** The route authenticates before CloudAdapter does (to rate-limit signed requests only); the adapter reuses that result. */
  readonly authenticated = new AsyncLocalStorage<AuthenticateRequestResult>();

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const done = this.authenticated.getStore();
    if (done) return done;
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof Error && JWT_ERRORS.has(err.name)) throw new AuthenticationError(`unauthorized: ${err.message}`, StatusCodes.UNAUTHORIZED);
      throw err;
    }
  }
}

/** What the channel uses of the SDK. */
export interface BotFrameworkSdk {
  adapter: CloudAdapter;
  auth: StrictAuthentication;
  /** The SDK's own "not authenticated" error (answered 401 by the adapter). */
  isAuthenticationError(err: unknown): boolean;
  conversationReference(activity: Partial<Activity>): Partial<ConversationReference>;
}

export function createBotFrameworkSdk(opts: BotFrameworkOptions, logger: Logger): BotFrameworkSdk {
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: opts.appId,
    MicrosoftAppPassword: opts.appPassword,
    MicrosoftAppType: opts.appType,
    MicrosoftAppTenantId: opts.appTenantId,
  });
  // Without an app id botbuilder accepts unauthenticated requests (Emulator, local tests only).
  const auth = new StrictAuthentication({ MicrosoftAppId: opts.appId, MicrosoftAppTenantId: opts.appTenantId }, credentials);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (_context, err) => {
    logger.error({ err }, 'botframework turn failed');
    // A 500 makes the channel retry (the engine is idempotent on the activity id); botbuilder
    // puts the error's message in the response body, so it says nothing about the cause.
    throw new Error('turn failed');
  };
  return {
    adapter,
    auth,
    isAuthenticationError: (err) => err instanceof AuthenticationError,
    conversationReference: (activity) => TurnContext.getConversationReference(activity),
  };
}
