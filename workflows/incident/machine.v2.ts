import { and, assign, or, setup, stateIn } from 'xstate';
import { reminderDue, timerLive } from '../deadline-guards';
import { initialSteps, playbookFor } from '../playbooks';
import type { CancelDeadlineParams, DeadlineEntry, NotifyParams, ScheduleDeadlineParams } from '../types';
import * as V1 from './machine.v1';
import { completionRefusal, isPhaseComplete, markDone, markReopened, reopenRefusal } from './steps';
import type { IncidentContext, IncidentEvent, IncidentInput, IncidentTimer } from './types';
import { contextFromInput } from '../machine-input';

/**
 * Incident lifecycle, version 2. What changed from version 1 (workflows/README.md):
 * - the police decision (NCIRM-2025 Art. 4 "涉嫌违法犯罪的…及时向公安机关报案"): a third parallel region of
 *   `response`, `police`, that must be answered (CRIME_ASSESSED, or CONFIRM's `crimeSuspected`) before the
 *   response can end; when a crime is suspected a `police-report` deadline runs until POLICE_REPORT_FILED;
 * - the partial first report cites NCIRM-2025-partial (Art. 7 para. 2); sector rules and providers are cited.
 * Pure: side effects are the parameterised actions `scheduleDeadline`,
 * `cancelDeadline` and `notify`, whose implementations do nothing — the runtime reads them from the
 * actions list `transition()` returns and writes them as outbox rows. No `after` delays (lost on
 * restore, statelyai/xstate#5331), no invoked actors, no clock: times arrive inside events.
 *
 * Requirement IDs sit in `meta.requirements` on states and transitions; workflows/README.md lists them.
 */

const REPORT_DEADLINE_REQS = ['NCIRM-2025-4-cii', 'NCIRM-2025-4-organ', 'NCIRM-2025-4-other', 'NCIRM-2025-sector'];
const POLICE_REQS = ['NCIRM-2025-4-police'];
/** Deadlines whose due time does not depend on the grade: a regrade leaves them alone. */
const GRADE_FREE_TIMERS: readonly IncidentTimer[] = ['police-report'];
// Helpers shared with version 1 (same bodies, so same behaviour); only the definition below is new.
const { effects, stepTransitions, advance, reportIdOf, regradeNotice, initialNotice, followUp } = V1;
const HANDLING_DONE = V1.HANDLING_DONE;
type PhaseParams = V1.PhaseParams;
type TimerParams = V1.TimerParams;

export const incidentMachineV2 = setup({
  types: {
    context: {} as IncidentContext,
    events: {} as IncidentEvent,
    input: {} as IncidentInput,
  },
  actions: {
    // Effect actions: intentionally empty. Their params are the contract with the runtime.
    scheduleDeadline: (_args, _params: ScheduleDeadlineParams) => {},
    cancelDeadline: (_args, _params: CancelDeadlineParams) => {},
    notify: (_args, _params: NotifyParams) => {},

    applyGrade: assign(({ event }) =>
      event.type === 'CONFIRM' || event.type === 'REGRADE'
        ? { grade: event.grade, reportingRequired: event.reportingRequired }
        : {},
    ),
    /** CONFIRM may answer the police question at once; leaving it out leaves it open (null). */
    applyConfirmedCrime: assign(({ context, event }) =>
      event.type === 'CONFIRM' && typeof event.crimeSuspected === 'boolean'
        ? { crimeSuspected: event.crimeSuspected }
        : { crimeSuspected: context.crimeSuspected ?? null },
    ),
    recordCrimeAssessment: assign(({ event }) =>
      event.type === 'CRIME_ASSESSED' ? { crimeSuspected: event.suspected } : {},
    ),
    recordPoliceReport: assign(({ context, event }) =>
      event.type === 'POLICE_REPORT_FILED'
        ? { policeReports: [...(context.policeReports ?? []), { reference: event.reference, at: event.at }] }
        : {},
    ),
    recordDismissal: assign({
      dismissReason: ({ event }) => (event.type === 'DISMISS' ? event.reason : null),
    }),
    completeStep: assign({
      steps: ({ context, event }) => (event.type === 'COMPLETE_STEP' ? markDone(context.steps, event) : context.steps),
    }),
    reopenStep: assign({
      steps: ({ context, event }) =>
        event.type === 'REOPEN_STEP' ? markReopened(context.steps, event) : context.steps,
    }),
    recordInitialReport: assign({
      reports: ({ context, event }) =>
        event.type === 'INITIAL_REPORT_SUBMITTED'
          ? {
              ...context.reports,
              initial: [...context.reports.initial, { reportId: event.reportId, partial: event.partial }],
            }
          : context.reports,
    }),
    recordFollowUp: assign({
      reports: ({ context, event }) =>
        event.type === 'FOLLOWUP_REPORT_SUBMITTED'
          ? { ...context.reports, followUps: [...context.reports.followUps, event.reportId] }
          : context.reports,
    }),
    recordFinalReport: assign({
      reports: ({ context, event }) =>
        event.type === 'FINAL_REPORT_SUBMITTED' ? { ...context.reports, final: event.reportId } : context.reports,
    }),
  },
  guards: {
    stepCompletable: ({ context, event }, params: PhaseParams) =>
      event.type === 'COMPLETE_STEP' &&
      completionRefusal(context.steps, event.stepId, event.role, params.phase) === null,
    stepReopenable: ({ context, event }, params: PhaseParams) =>
      event.type === 'REOPEN_STEP' && reopenRefusal(context.steps, event.stepId, event.role, params.phase) === null,
    phaseComplete: ({ context }, params: PhaseParams) => isPhaseComplete(context.steps, params.phase),
    reportingRequired: ({ context }) => context.reportingRequired,
    reportingNotRequired: ({ context }) => !context.reportingRequired,
    partialReport: ({ event }) => event.type === 'INITIAL_REPORT_SUBMITTED' && event.partial === true,
    crimeSuspected: ({ context }) => context.crimeSuspected === true,
    crimeNotSuspected: ({ context }) => context.crimeSuspected === false,
    suspectedNow: ({ event }) => event.type === 'CRIME_ASSESSED' && event.suspected,
    handlingDone: stateIn(HANDLING_DONE),
    responseComplete: and([
      stateIn(HANDLING_DONE),
      or([stateIn('#incident.response.reporting.notRequired'), stateIn('#incident.response.reporting.finalSubmitted')]),
      or([stateIn('#incident.response.police.notSuspected'), stateIn('#incident.response.police.reported')]),
    ]),
    timerLive: ({ context, event }) => timerLive(context.deadlines, event),
    reminderDue: ({ context, event }) => reminderDue(context.deadlines, event),
  },
})
  .extend({
    actions: {
      /** A new deadline (or a re-entered one) gets the next generation, so jobs of an older one are stale. */
      startDeadline: effects<TimerParams>(({ context, enqueue }, params) => {
        const generation = (context.deadlines[params.timer]?.generation ?? 0) + 1;
        const entry: DeadlineEntry = { generation, status: 'pending', reminded: [] };
        enqueue.assign({ deadlines: { ...context.deadlines, [params.timer]: entry } });
        enqueue({ type: 'scheduleDeadline', params: { timer: params.timer, generation } });
      }),
      /**
       * The report owed was submitted: a pending deadline is met. A missed one stays missed (the lateness is a
       * fact), but its jobs (escalations after the due time) are still cancelled.
       */
      meetDeadline: effects<TimerParams>(({ context, enqueue }, params) => {
        const entry = context.deadlines[params.timer];
        if (!entry || (entry.status !== 'pending' && entry.status !== 'missed')) return;
        if (entry.status === 'pending') {
          enqueue.assign({ deadlines: { ...context.deadlines, [params.timer]: { ...entry, status: 'met' } } });
        }
        enqueue({ type: 'cancelDeadline', params: { timer: params.timer, generation: entry.generation } });
      }),
      /**
       * A regrade changes the due times, so every pending deadline is cancelled and rescheduled with the next
       * generation. The initial-report deadline is dropped instead when the new grade needs no report.
       */
      regradeDeadlines: effects<undefined>(({ context, event, enqueue }) => {
        if (event.type !== 'REGRADE') return;
        const deadlines = { ...context.deadlines };
        for (const timer of Object.keys(deadlines) as IncidentTimer[]) {
          const entry = deadlines[timer];
          if (!entry || entry.status !== 'pending' || GRADE_FREE_TIMERS.includes(timer)) continue;
          enqueue({ type: 'cancelDeadline', params: { timer, generation: entry.generation } });
          if (timer === 'initial-report' && !event.reportingRequired) {
            deadlines[timer] = { ...entry, status: 'cancelled' };
          } else {
            const generation = entry.generation + 1;
            deadlines[timer] = { generation, status: 'pending', reminded: [] };
            enqueue({ type: 'scheduleDeadline', params: { timer, generation } });
          }
        }
        enqueue.assign({ deadlines });
      }),
      /** The police report is no longer owed (the suspicion was withdrawn): its pending deadline is dropped. */
      dropDeadline: effects<TimerParams>(({ context, enqueue }, params) => {
        const entry = context.deadlines[params.timer];
        if (!entry || entry.status !== 'pending') return;
        enqueue.assign({ deadlines: { ...context.deadlines, [params.timer]: { ...entry, status: 'cancelled' } } });
        enqueue({ type: 'cancelDeadline', params: { timer: params.timer, generation: entry.generation } });
      }),
      /** Leaving the state that owns a deadline takes its jobs with it. */
      releaseDeadlines: effects<undefined>(({ context, enqueue }) => {
        const deadlines = { ...context.deadlines };
        let changed = false;
        for (const timer of Object.keys(deadlines) as IncidentTimer[]) {
          const entry = deadlines[timer];
          if (!entry || entry.status !== 'pending') continue;
          enqueue({ type: 'cancelDeadline', params: { timer, generation: entry.generation } });
          deadlines[timer] = { ...entry, status: 'cancelled' };
          changed = true;
        }
        if (changed) enqueue.assign({ deadlines });
      }),
      recordMissed: effects<undefined>(({ context, event, enqueue }) => {
        if (event.type !== 'DEADLINE_MISSED') return;
        const entry = context.deadlines[event.timer];
        if (!entry) return;
        enqueue.assign({ deadlines: { ...context.deadlines, [event.timer]: { ...entry, status: 'missed' } } });
        enqueue({
          type: 'notify',
          params: { event: 'deadline.missed', data: { timer: event.timer, generation: event.generation } },
        });
      }),
      recordReminder: effects<undefined>(({ context, event, enqueue }) => {
        if (event.type !== 'DEADLINE_REMINDER') return;
        const entry = context.deadlines[event.timer];
        if (!entry) return;
        enqueue.assign({
          deadlines: {
            ...context.deadlines,
            [event.timer]: { ...entry, reminded: [...entry.reminded, event.fraction] },
          },
        });
        enqueue({
          type: 'notify',
          params: {
            event: 'deadline.reminder',
            data: { timer: event.timer, generation: event.generation, fraction: event.fraction },
          },
        });
      }),
    },
  })
  .createMachine({
    id: 'incident',
    version: '2',
    context: contextFromInput((input: IncidentInput) => ({
      incidentId: input.incidentId,
      category: input.category,
      grade: input.grade,
      drill: input.drill,
      reportingRequired: input.reportingRequired,
      steps: input.steps ?? initialSteps(playbookFor(input.category), input.drill),
      deadlines: {},
      reports: { initial: [], followUps: [], final: null },
      dismissReason: null,
      crimeSuspected: null,
      policeReports: [],
    })),
    initial: 'triage',
    meta: { requirements: ['GBT39204-11.1-a', 'GBT39204-11.3-a'] },
    states: {
      triage: {
        meta: { requirements: ['GBT39204-11.3-a', 'GBT39204-9.2-b', 'GBT39204-11.1-a'] },
        on: {
          CONFIRM: {
            target: 'response',
            guard: { type: 'phaseComplete', params: { phase: 'triage' } },
            actions: [
              'applyGrade',
              'applyConfirmedCrime',
              {
                type: 'notify',
                params: ({ context }) => ({
                  event: 'incident.confirmed',
                  data: { grade: context.grade, reportingRequired: context.reportingRequired, drill: context.drill },
                }),
              },
            ],
            meta: { requirements: ['GBT39204-11.3-a', 'GBT39204-9.2-b', ...POLICE_REQS] },
          },
          DISMISS: {
            target: 'dismissed',
            actions: [
              'recordDismissal',
              {
                type: 'notify',
                params: ({ context }) => ({ event: 'incident.dismissed', data: { reason: context.dismissReason } }),
              },
            ],
            meta: { requirements: ['GBT39204-9.2-b'] },
          },
          REGRADE: {
            actions: [{ type: 'notify', params: regradeNotice }, 'applyGrade', 'regradeDeadlines'],
            meta: { requirements: ['GBT39204-11.3-a', 'GBT39204-11.1-a'] },
          },
          ...stepTransitions('triage'),
        },
      },
      response: {
        type: 'parallel',
        meta: { requirements: ['GBT39204-11.3-b', 'GBT39204-11.3-c', 'GBT39204-11.3-e'] },
        always: {
          target: 'review',
          guard: 'responseComplete',
          actions: { type: 'notify', params: { event: 'phase.advanced', data: { from: 'response', to: 'review' } } },
          meta: { requirements: ['GBT39204-11.3-f', 'NCIRM-2025-final'] },
        },
        exit: 'releaseDeadlines',
        on: {
          REGRADE: {
            actions: [{ type: 'notify', params: regradeNotice }, 'applyGrade', 'regradeDeadlines'],
            meta: { requirements: ['GBT39204-11.3-a', 'GBT39204-11.1-a', ...REPORT_DEADLINE_REQS] },
          },
          DEADLINE_REMINDER: {
            guard: 'reminderDue',
            actions: 'recordReminder',
            meta: { requirements: [...REPORT_DEADLINE_REQS, 'NCIRM-2025-final', ...POLICE_REQS] },
          },
          DEADLINE_MISSED: {
            guard: 'timerLive',
            actions: 'recordMissed',
            meta: { requirements: [...REPORT_DEADLINE_REQS, 'NCIRM-2025-final', ...POLICE_REQS] },
          },
        },
        states: {
          handling: {
            initial: 'containment',
            meta: { requirements: ['GBT39204-11.3-c', 'GBT39204-11.3-d', 'GBT39204-11.3-e'] },
            states: {
              containment: {
                meta: { requirements: ['GBT39204-11.3-c', 'GBT39204-11.3-d'] },
                on: {
                  ...advance('containment', 'eradication', ['GBT39204-11.3-c']),
                  ...stepTransitions('containment'),
                },
              },
              eradication: {
                meta: { requirements: ['GBT39204-11.3-e'] },
                on: { ...advance('eradication', 'recovery', ['GBT39204-11.3-e']), ...stepTransitions('eradication') },
              },
              recovery: {
                meta: { requirements: ['GBT39204-11.3-e'] },
                on: { ...advance('recovery', 'done', ['GBT39204-11.3-e']), ...stepTransitions('recovery') },
              },
              done: {
                type: 'final',
                meta: { requirements: ['GBT39204-11.3-e'] },
                // Handler-level, not on `handling`: a parent handler would also catch events whose guard failed
                // in containment/eradication. Open steps of earlier phases can still be caught up here.
                on: stepTransitions('recovery'),
              },
            },
          },
          reporting: {
            initial: 'deciding',
            meta: { requirements: ['GBT39204-11.3-b', 'CIIPR-2021-18', 'GBT39204-9.3-c'] },
            states: {
              /** Transient: picks the branch from context.reportingRequired as set by CONFIRM. */
              deciding: {
                meta: { requirements: ['GBT39204-11.3-b', 'GBT39204-11.1-a'] },
                always: [
                  { target: 'initialDue', guard: 'reportingRequired', meta: { requirements: ['GBT39204-11.3-b'] } },
                  { target: 'notRequired', meta: { requirements: ['GBT39204-11.1-a'] } },
                ],
              },
              /** Not final: a regrade can make reporting mandatory later. */
              notRequired: {
                meta: { requirements: ['GBT39204-11.1-a'] },
                always: {
                  target: 'initialDue',
                  guard: 'reportingRequired',
                  meta: { requirements: ['GBT39204-11.3-b'] },
                },
              },
              initialDue: {
                meta: { requirements: [...REPORT_DEADLINE_REQS, 'GBT39204-11.3-b', 'CIIPR-2021-18'] },
                entry: { type: 'startDeadline', params: { timer: 'initial-report' } },
                // regradeDeadlines has already dropped the deadline when this fires.
                always: {
                  target: 'notRequired',
                  guard: 'reportingNotRequired',
                  meta: { requirements: ['GBT39204-11.1-a'] },
                },
                on: {
                  INITIAL_REPORT_SUBMITTED: [
                    {
                      target: 'initialPartial',
                      guard: 'partialReport',
                      actions: [
                        'recordInitialReport',
                        { type: 'meetDeadline', params: { timer: 'initial-report' } },
                        initialNotice(),
                      ],
                      meta: { requirements: [...REPORT_DEADLINE_REQS, 'NCIRM-2025-partial'] },
                    },
                    {
                      target: 'initialSubmitted',
                      actions: [
                        'recordInitialReport',
                        { type: 'meetDeadline', params: { timer: 'initial-report' } },
                        initialNotice(),
                      ],
                      meta: { requirements: [...REPORT_DEADLINE_REQS, 'GBT39204-11.3-b'] },
                    },
                  ],
                },
              },
              /**
               * The first items went out in time; the rest are still owed (supplemented by a non-partial initial
               * report).
               */
              initialPartial: {
                meta: { requirements: ['NCIRM-2025-partial', 'NCIRM-2025-content'] },
                always: { target: 'finalDue', guard: 'handlingDone', meta: { requirements: ['NCIRM-2025-final'] } },
                on: {
                  INITIAL_REPORT_SUBMITTED: [
                    {
                      guard: 'partialReport',
                      actions: ['recordInitialReport', initialNotice()],
                      meta: { requirements: ['NCIRM-2025-partial'] },
                    },
                    {
                      target: 'initialSubmitted',
                      actions: ['recordInitialReport', initialNotice()],
                      meta: { requirements: ['NCIRM-2025-content'] },
                    },
                  ],
                  FOLLOWUP_REPORT_SUBMITTED: followUp(),
                },
              },
              initialSubmitted: {
                meta: { requirements: ['NCIRM-2025-followup'] },
                always: { target: 'finalDue', guard: 'handlingDone', meta: { requirements: ['NCIRM-2025-final'] } },
                on: { FOLLOWUP_REPORT_SUBMITTED: followUp() },
              },
              finalDue: {
                meta: { requirements: ['NCIRM-2025-final', 'GBT39204-11.3-b'] },
                entry: { type: 'startDeadline', params: { timer: 'final-report' } },
                on: {
                  FOLLOWUP_REPORT_SUBMITTED: followUp(),
                  FINAL_REPORT_SUBMITTED: {
                    target: 'finalSubmitted',
                    actions: [
                      'recordFinalReport',
                      { type: 'meetDeadline', params: { timer: 'final-report' } },
                      {
                        type: 'notify',
                        params: ({ event }) => ({
                          event: 'report.final-submitted',
                          data: { reportId: reportIdOf(event) },
                        }),
                      },
                    ],
                    meta: { requirements: ['NCIRM-2025-final'] },
                  },
                },
              },
              finalSubmitted: {
                type: 'final',
                meta: { requirements: ['NCIRM-2025-final', 'GBT39204-11.3-f'] },
              },
            },
          },
          /**
           * "涉嫌违法犯罪?" — every incident needs an answer before its response can end (Art. 4 applies to every
           * operator kind and grade). `undecided` blocks the end of the response; `notSuspected` can turn into
           * `reportDue` when new facts come in; a suspicion withdrawn before the report drops its deadline.
           */
          police: {
            initial: 'deciding',
            meta: { requirements: POLICE_REQS },
            states: {
              /** Transient: CONFIRM may already have answered the question. */
              deciding: {
                meta: { requirements: POLICE_REQS },
                always: [
                  { target: 'reportDue', guard: 'crimeSuspected', meta: { requirements: POLICE_REQS } },
                  { target: 'notSuspected', guard: 'crimeNotSuspected', meta: { requirements: POLICE_REQS } },
                  { target: 'undecided', meta: { requirements: POLICE_REQS } },
                ],
              },
              undecided: {
                meta: { requirements: POLICE_REQS },
                on: { CRIME_ASSESSED: crimeAssessed() },
              },
              notSuspected: {
                meta: { requirements: POLICE_REQS },
                on: { CRIME_ASSESSED: crimeAssessed() },
              },
              reportDue: {
                meta: { requirements: POLICE_REQS },
                entry: { type: 'startDeadline', params: { timer: 'police-report' } },
                on: {
                  CRIME_ASSESSED: [
                    { guard: 'suspectedNow', actions: 'recordCrimeAssessment', meta: { requirements: POLICE_REQS } },
                    {
                      target: 'notSuspected',
                      actions: [
                        'recordCrimeAssessment',
                        { type: 'dropDeadline', params: { timer: 'police-report' } },
                        crimeNotice(),
                      ],
                      meta: { requirements: POLICE_REQS },
                    },
                  ],
                  POLICE_REPORT_FILED: {
                    target: 'reported',
                    actions: [
                      'recordPoliceReport',
                      { type: 'meetDeadline', params: { timer: 'police-report' } },
                      {
                        type: 'notify',
                        params: ({ event }) => ({
                          event: 'report.police-filed',
                          data: { reference: event.type === 'POLICE_REPORT_FILED' ? event.reference : null },
                        }),
                      },
                    ],
                    meta: { requirements: POLICE_REQS },
                  },
                },
              },
              /** Further reports to the police (new evidence) are recorded here too. */
              reported: {
                meta: { requirements: POLICE_REQS },
                on: { POLICE_REPORT_FILED: { actions: 'recordPoliceReport', meta: { requirements: POLICE_REQS } } },
              },
            },
          },
        },
      },
      review: {
        meta: { requirements: ['GBT39204-11.3-f', 'GBT39204-11.1-c'] },
        entry: { type: 'notify', params: { event: 'review.started' } },
        on: {
          REVIEW_COMPLETED: {
            target: 'reidentification',
            guard: { type: 'phaseComplete', params: { phase: 'review' } },
            actions: {
              type: 'notify',
              params: { event: 'phase.advanced', data: { from: 'review', to: 'reidentification' } },
            },
            meta: { requirements: ['GBT39204-11.3-f'] },
          },
          ...stepTransitions('review'),
        },
      },
      reidentification: {
        meta: { requirements: ['GBT39204-11.4-a', 'GBT39204-11.4-b'] },
        on: {
          REIDENTIFICATION_COMPLETED: {
            target: 'closed',
            guard: { type: 'phaseComplete', params: { phase: 'reidentification' } },
            meta: { requirements: ['GBT39204-11.4-a', 'GBT39204-11.4-b'] },
          },
          ...stepTransitions('reidentification'),
        },
      },
      closed: {
        type: 'final',
        meta: { requirements: ['GBT39204-11.1-a'] },
        entry: { type: 'notify', params: { event: 'incident.closed' } },
      },
      dismissed: {
        type: 'final',
        meta: { requirements: ['GBT39204-9.2-b'] },
      },
    },
  });

/** Undecided or not suspected: record the answer; a suspicion moves to reportDue (its entry starts the clock). */
function crimeAssessed() {
  return [
    {
      target: 'reportDue',
      guard: 'suspectedNow',
      actions: ['recordCrimeAssessment', crimeNotice()],
      meta: { requirements: POLICE_REQS },
    },
    { target: 'notSuspected', actions: ['recordCrimeAssessment', crimeNotice()], meta: { requirements: POLICE_REQS } },
  ] as const;
}

function crimeNotice() {
  return {
    type: 'notify',
    params: ({ event }: { event: IncidentEvent }): NotifyParams => ({
      event: 'incident.crime-assessed',
      data: { suspected: event.type === 'CRIME_ASSESSED' ? event.suspected : null },
    }),
  } as const;
}
