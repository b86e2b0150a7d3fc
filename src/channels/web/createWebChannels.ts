import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type express from 'express';
import type { Logger } from 'pino';
import type { Engine } from '../../engine/port.ts';
import type { Db } from '../../store/db.ts';
import { createBotFrameworkChannel } from './botframework.ts';
import { createDirectLine } from './directline/createDirectLine.ts';
import type { MessageRate } from './directline/rateLimiter.ts';
import { createWidgetRoutes, type WidgetOptions } from './widget/createWidgetRoutes.ts';

export interface WebChannelsOptions {
  db: Db;
  engine: Engine;
  logger: Logger;
  nodeEnv: 'development' | 'test' | 'production';
  /** DIRECTLINE_SECRET */
  directLineSecret?: string | undefined;
  /** TOKEN_SIGNING_KEY; when unset a random key per process (tokens then work on this process only). */
  tokenSigningKey?: string | undefined;
  /** WIDGET_ORIGINS, split */
  widgetOrigins: string[];
  partnerName: string;
  partnerColour: string;
  languages?: WidgetOptions['languages'];
  /** The live wording (the flow catalog's live release): the widget's own words follow it. */
  wording?: WidgetOptions['wording'];
  /** LOCALES_DIR: the widget's words when the live wording lacks them. */
  localesDir?: string;
  appId?: string | undefined;
  appPassword?: string | undefined;
  appTenantId?: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tokenTtlSeconds?: number;
  tokensPerMinute?: number;
  /** CONVERSATION_MESSAGES_PER_MINUTE and CONVERSATION_MESSAGE_BURST (Direct Line and /api/messages). */
  conversationRate?: MessageRate;
  /** ADDRESS_MESSAGES_PER_MINUTE and ADDRESS_MESSAGE_BURST (Direct Line). */
  addressRate?: MessageRate;
  /** STREAMS_PER_CONVERSATION */
  maxStreamsPerConversation?: number;
  /** STREAM_BUFFER_KB, in bytes */
  maxBufferedBytes?: number;
  /** BOTFRAMEWORK_SERVICE_URLS, split (default by nodeEnv: Bot Framework hosts in production, this machine otherwise). */
  serviceUrlHosts?: string[] | undefined;
  /** BODY_LIMIT, for Direct Line and /api/messages when mounted without the app's edge (default 64kb). */
  bodyLimit?: string;
}

export interface WebChannels {
  /**
   * Mount these before the app's body edge (ServerOptions.rawRoutes): each router reads its body
   * with the same edge (src/http/readBody.ts) after its own CORS headers, so a refused body
   * (400/413) keeps the Direct Line error shape and CORS headers.
   */
  rawRoutes: Array<[string, express.Router]>;
  /** Direct Line WebSocket streams on the running server. */
  attach(server: http.Server): void;
  close(): Promise<void>;
}

/** The whole web side of issue 4 (Direct Line, widget, Bot Framework), wired from settings. */
export async function createWebChannels(o: WebChannelsOptions): Promise<WebChannels> {
  const directLine = createDirectLine({
    db: o.db,
    engine: o.engine,
    logger: o.logger,
    tokenSigningKey: o.tokenSigningKey ?? randomBytes(32),
    directLineSecret: o.directLineSecret,
    widgetOrigins: o.widgetOrigins,
    ...(o.tokenTtlSeconds ? { tokenTtlSeconds: o.tokenTtlSeconds } : {}),
    ...(o.tokensPerMinute ? { tokensPerMinute: o.tokensPerMinute } : {}),
    ...(o.bodyLimit ? { bodyLimit: o.bodyLimit } : {}),
    ...(o.conversationRate ? { conversationRate: o.conversationRate } : {}),
    ...(o.addressRate ? { addressRate: o.addressRate } : {}),
    ...(o.maxStreamsPerConversation ? { maxStreamsPerConversation: o.maxStreamsPerConversation } : {}),
    ...(o.maxBufferedBytes ? { maxBufferedBytes: o.maxBufferedBytes } : {}),
  });
  const botFramework = await createBotFrameworkChannel({
    engine: o.engine,
    db: o.db,
    logger: o.logger,
    appId: o.appId,
    appPassword: o.appPassword,
    appTenantId: o.appTenantId,
    appType: o.appType,
    nodeEnv: o.nodeEnv,
    ...(o.bodyLimit ? { bodyLimit: o.bodyLimit } : {}),
    ...(o.conversationRate ? { conversationRate: o.conversationRate } : {}),
    serviceUrlHosts: o.serviceUrlHosts,
  });
  const widget = createWidgetRoutes({
    partnerName: o.partnerName,
    partnerColour: o.partnerColour,
    ...(o.languages ? { languages: o.languages } : {}),
    ...(o.wording ? { wording: o.wording } : {}),
    ...(o.localesDir ? { localesDir: o.localesDir } : {}),
    ...(o.tokenTtlSeconds ? { tokenTtlSeconds: o.tokenTtlSeconds } : {}),
  });
  return {
    rawRoutes: [
      ['/v3/directline', directLine.router],
      ['/', botFramework.router],
      ['/', widget],
    ],
    attach: (server) => directLine.attachWebSocket(server),
    async close() {
      await Promise.all([directLine.close(), botFramework.close()]);
    },
  };
}
