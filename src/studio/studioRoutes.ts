import type express from 'express';
import type { Logger } from 'pino';
import type { CourseOptions } from '../domain/courses/courseOptions.ts';
import type { Notices } from '../domain/shared/notices.ts';
import type { ActionRegistry } from '../engine/actions.ts';
import type { HandoffService, SafeguardingCheck } from '../engine/port.ts';
import type { Reply } from '../engine/reply.ts';
import type { ActionRunner } from '../engine/runAction.ts';
import type { Eraser } from '../engine/turnState.ts';
import type { Releases } from '../flows/releases/releaseTypes.ts';
import type { Translator } from '../i18n.ts';
import type { Db } from '../store/db.ts';
import { attendanceRoutes } from './attendance/attendanceRoutes.ts';
import { studioAuth } from './auth/studioAuth.ts';
import { dataRoutes } from './data/dataRoutes.ts';
import { withStudioErrorPages } from './errorPages/studioErrorPages.ts';
import { currentDraft } from './flows/currentDraft.ts';
import { studioFlowsApi } from './flows/studioFlowsApi.ts';
import { studioPages } from './pages/studioPages.ts';
import { previewRoutes } from './preview/previewRoutes.ts';
import { wordingRoutes } from './wording/wordingRoutes.ts';
import { outcomesLinkRoutes } from './outcomesLink.ts';

export interface StudioOptions {
  db: Db;
  logger: Logger;
  releases: Releases;
  dev: boolean;
  sessionHours: number;
  inviteHours: number;
  publicUrl: string;
  flowsDir: string;
  programmesFile: string;
  startFlow: string;
  defaultLocale: string;
  statementTimeoutMs: number;
  inactivityMinutes?: number | undefined;
  actions: ActionRegistry;
  runAction: ActionRunner;
  /** The action runner a preview of a draft uses, wording results with the draft's translator. */
  previewRunAction?: (translator: Translator) => Promise<ActionRunner>;
  handoffs?: HandoffService | undefined;
  safeguarding?: SafeguardingCheck | undefined;
  erasers: Eraser[];
  send: (conversationId: string, replies: Reply[]) => Promise<unknown>;
  notices: Notices;
  courseOptions: CourseOptions;
}

/**
 * The coordinator studio (issue 13), as routers to mount after the edge's body reader: sign-in,
 * the flows API, wording, preview, programme data and the editor's pages. Every route but the
 * sign-in pages and the static assets is behind the guard (test/studio/studioAccess.test.ts walks them all).
 */
export function studioRoutes(o: StudioOptions): Array<[string, express.Router]> {
  const auth = studioAuth({ db: o.db, logger: o.logger, sessionHours: o.sessionHours, inviteHours: o.inviteHours, publicUrl: o.publicUrl });
  const { guard } = auth;
  const mounts: Array<[string, express.Router]> = [
    ['/studio', auth.router],
    ['/studio/api', studioFlowsApi({ db: o.db, releases: o.releases, guard, logger: o.logger })],
    ['/studio', wordingRoutes({ db: o.db, releases: o.releases, guard, logger: o.logger })],
    [
      '/studio',
      previewRoutes({
        db: o.db,
        guard,
        draftFiles: async () => (await currentDraft(o.db, o.releases)).draft.files,
        flowsDir: o.flowsDir,
        actions: o.actions,
        runAction: o.runAction,
        ...(o.previewRunAction ? { runActionFor: o.previewRunAction } : {}),
        handoffs: o.handoffs,
        safeguarding: o.safeguarding,
        erasers: o.erasers,
        startFlow: o.startFlow,
        defaultLocale: o.defaultLocale,
        statementTimeoutMs: o.statementTimeoutMs,
        inactivityMinutes: o.inactivityMinutes,
        logger: o.logger,
      }),
    ],
    [
      '/studio/data',
      dataRoutes({ db: o.db, guard, send: o.send, notices: o.notices, courseOptions: o.courseOptions, logger: o.logger, programmesFile: o.programmesFile }),
    ],
    ['/studio/attendance', attendanceRoutes({ db: o.db, guard })],
    ['/studio', outcomesLinkRoutes({ db: o.db, guard, logger: o.logger })],
    ['/studio', studioPages({ guard, logger: o.logger, dev: o.dev })],
  ];
  // One router, so that a failed page or form post is answered with a page, not JSON.
  return [['/studio', withStudioErrorPages(mounts, o.logger)]];
}
