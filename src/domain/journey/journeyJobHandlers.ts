import type { JobHandler } from '../../jobs/JobRunner.ts';
import { applicationJobHandlers } from '../applications/setApplicationStatus.ts';
import { courseJobHandlers } from '../courses/courseJobHandlers.ts';
import type { CourseOptions } from '../courses/courseOptions.ts';
import { attendanceJobHandlers } from '../outcomes/attendanceQuestion.ts';
import type { Notices } from '../shared/notices.ts';
import type { Send } from '../shared/send.ts';

/** Every job handler of the resident journey, for one JobRunner per process. */
export function journeyJobHandlers(deps: { send: Send; notices: Notices; courseOptions?: CourseOptions }): Record<string, JobHandler> {
  return {
    ...courseJobHandlers({ send: deps.send, notices: deps.notices, ...(deps.courseOptions ? { options: deps.courseOptions } : {}) }),
    ...applicationJobHandlers({ send: deps.send, notices: deps.notices }),
    ...attendanceJobHandlers({ send: deps.send, notices: deps.notices }),
  };
}
