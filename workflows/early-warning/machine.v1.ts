import { assign, enqueueActions, setup } from 'xstate';
import { reminderDue, timerLive } from '../deadline-guards';
import type { CancelDeadlineParams, NotifyParams, ScheduleDeadlineParams, WorkflowEffect } from '../types';
import type { EarlyWarningContext, EarlyWarningEvent, EarlyWarningInput } from './types';
import { contextFromInput } from '../machine-input';

/**
 * An early warning (预警) from the protection department, version 1. The operator assesses it, acts on
 * it and gives feedback to the issuing department. A warning that does not apply still gets feedback
 * ("not applicable, because …"): the department tracks feedback from every operator it warned, so
 * `notApplicable` leads to `feedbackSent`, never straight to `closed`.
 *
 * The feedback deadline (`warning-feedback`) starts when the warning is received and is met by
 * FEEDBACK_SENT. Pure, like the incident machine: effects are parameterised no-op actions.
 */

const effects = (
  collect: Parameters<
    typeof enqueueActions<
      EarlyWarningContext,
      EarlyWarningEvent,
      undefined,
      EarlyWarningEvent,
      never,
      WorkflowEffect,
      never
    >
  >[0],
) =>
  enqueueActions<EarlyWarningContext, EarlyWarningEvent, undefined, EarlyWarningEvent, never, WorkflowEffect, never>(
    collect,
  );

const TIMER = 'warning-feedback' as const;

export const earlyWarningMachineV1 = setup({
  types: {
    context: {} as EarlyWarningContext,
    events: {} as EarlyWarningEvent,
    input: {} as EarlyWarningInput,
  },
  actions: {
    scheduleDeadline: (_args, _params: ScheduleDeadlineParams) => {},
    cancelDeadline: (_args, _params: CancelDeadlineParams) => {},
    notify: (_args, _params: NotifyParams) => {},
    recordAssessment: assign(({ event }) =>
      event.type === 'ASSESSED' ? { applicable: event.applicable, assessmentNote: event.note ?? null } : {},
    ),
    recordActions: assign({
      actionsSummary: ({ context, event }) =>
        event.type === 'ACTIONS_TAKEN' ? (event.summary ?? '') : context.actionsSummary,
    }),
    recordFeedback: assign({
      feedbackId: ({ context, event }) => (event.type === 'FEEDBACK_SENT' ? event.feedbackId : context.feedbackId),
    }),
  },
  guards: {
    applicable: ({ event }) => event.type === 'ASSESSED' && event.applicable === true,
    actionsRecorded: ({ context }) => context.actionsSummary !== null,
    timerLive: ({ context, event }) => timerLive(context.deadlines, event),
    reminderDue: ({ context, event }) => reminderDue(context.deadlines, event),
  },
})
  .extend({
    actions: {
      startFeedbackDeadline: effects(({ context, enqueue }) => {
        const generation = (context.deadlines[TIMER]?.generation ?? 0) + 1;
        enqueue.assign({
          deadlines: { ...context.deadlines, [TIMER]: { generation, status: 'pending', reminded: [] } },
        });
        enqueue({ type: 'scheduleDeadline', params: { timer: TIMER, generation } });
      }),
      meetFeedbackDeadline: effects(({ context, enqueue }) => {
        const entry = context.deadlines[TIMER];
        if (!entry || (entry.status !== 'pending' && entry.status !== 'missed')) return;
        if (entry.status === 'pending') {
          enqueue.assign({ deadlines: { ...context.deadlines, [TIMER]: { ...entry, status: 'met' } } });
        }
        enqueue({ type: 'cancelDeadline', params: { timer: TIMER, generation: entry.generation } });
      }),
      recordMissed: effects(({ context, event, enqueue }) => {
        if (event.type !== 'DEADLINE_MISSED') return;
        const entry = context.deadlines[event.timer];
        if (!entry) return;
        enqueue.assign({ deadlines: { ...context.deadlines, [event.timer]: { ...entry, status: 'missed' } } });
        enqueue({
          type: 'notify',
          params: { event: 'deadline.missed', data: { timer: event.timer, generation: event.generation } },
        });
      }),
      recordReminder: effects(({ context, event, enqueue }) => {
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
    id: 'early-warning',
    version: '1',
    context: contextFromInput((input: EarlyWarningInput) => ({
      warningId: input.warningId,
      level: input.level,
      deadlines: {},
      applicable: null,
      assessmentNote: null,
      actionsSummary: null,
      feedbackId: null,
    })),
    initial: 'received',
    meta: { requirements: ['GBT39204-9.1-a', 'GBT39204-9.1-b'] },
    entry: [
      'startFeedbackDeadline',
      { type: 'notify', params: ({ context }) => ({ event: 'warning.received', data: { level: context.level } }) },
    ],
    on: {
      DEADLINE_REMINDER: {
        guard: 'reminderDue',
        actions: 'recordReminder',
        meta: { requirements: ['GBT39204-9.3-b'] },
      },
      DEADLINE_MISSED: { guard: 'timerLive', actions: 'recordMissed', meta: { requirements: ['GBT39204-9.3-b'] } },
    },
    states: {
      received: {
        meta: { requirements: ['GBT39204-9.3-a', 'GBT39204-10.4-a'] },
        on: {
          START_ASSESSMENT: { target: 'assessing', meta: { requirements: ['GBT39204-9.3-a'] } },
        },
      },
      assessing: {
        meta: { requirements: ['GBT39204-9.3-a'] },
        on: {
          ASSESSED: [
            {
              target: 'acting',
              guard: 'applicable',
              actions: [
                'recordAssessment',
                { type: 'notify', params: { event: 'warning.assessed', data: { applicable: true } } },
              ],
              meta: { requirements: ['GBT39204-9.3-a'] },
            },
            {
              target: 'notApplicable',
              actions: [
                'recordAssessment',
                { type: 'notify', params: { event: 'warning.assessed', data: { applicable: false } } },
              ],
              meta: { requirements: ['GBT39204-9.3-a'] },
            },
          ],
        },
      },
      acting: {
        meta: { requirements: ['GBT39204-9.3-b', 'GBT39204-10.4-c', 'GBT39204-9.3-c'] },
        on: {
          ACTIONS_TAKEN: {
            actions: ['recordActions', { type: 'notify', params: { event: 'warning.actions-taken' } }],
            meta: { requirements: ['GBT39204-9.3-b', 'GBT39204-10.4-c'] },
          },
          FEEDBACK_SENT: {
            target: 'feedbackSent',
            guard: 'actionsRecorded',
            actions: ['recordFeedback', 'meetFeedbackDeadline', feedbackNotice()],
            meta: { requirements: ['GBT39204-9.3-b', 'GBT39204-9.1-b'] },
          },
        },
      },
      /** Assessed as not applying to this operator; the reasoned "not applicable" is still fed back. */
      notApplicable: {
        meta: { requirements: ['GBT39204-9.3-b'] },
        on: {
          FEEDBACK_SENT: {
            target: 'feedbackSent',
            actions: ['recordFeedback', 'meetFeedbackDeadline', feedbackNotice()],
            meta: { requirements: ['GBT39204-9.3-b', 'GBT39204-9.1-b'] },
          },
        },
      },
      feedbackSent: {
        meta: { requirements: ['GBT39204-9.3-b', 'GBT39204-9.1-b'] },
        on: {
          CLOSE: { target: 'closed', meta: { requirements: ['GBT39204-9.1-a'] } },
        },
      },
      closed: {
        type: 'final',
        meta: { requirements: ['GBT39204-9.1-a'] },
        entry: { type: 'notify', params: { event: 'warning.closed' } },
      },
    },
  });

function feedbackNotice() {
  return {
    type: 'notify',
    params: ({ event }: { event: EarlyWarningEvent }): NotifyParams => ({
      event: 'warning.feedback-sent',
      data: { feedbackId: event.type === 'FEEDBACK_SENT' ? event.feedbackId : null },
    }),
  } as const;
}

export type EarlyWarningMachine = typeof earlyWarningMachineV1;
