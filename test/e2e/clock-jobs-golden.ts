/**
 * The golden record of the clocks' timer jobs, recorded from the code before the clocks were made one
 * mechanism (test/e2e/clock-jobs-golden.e2e-spec.ts says how to read it). Jobs already in Redis are
 * found, handled and cancelled by these ids, names and payloads: do not edit this to make a change
 * pass; a change here breaks deployments upgraded while clocks run.
 */
export interface GoldenStep {
  step?: string;
  timers: Array<{ id: string; name: string; payload: unknown; due: string | null }>;
  notifications: Array<{ id: string; payload: unknown }>;
  audit: Array<{ action: string; payload: unknown }>;
}

export const GOLDEN: Array<GoldenStep & { step: string }> = [
  {
    step: 'inc1: confirmed grade II, discovered 10 minutes ago',
    timers: [
      {
        id: 'dl.<inc1>.initial-report.1.r50',
        name: 'deadline-reminder',
        payload: {
          incidentId: '<inc1>',
          timer: 'initial-report',
          generation: 1,
          fraction: 0.5,
        },
        due: 'detectedAt(inc1)+PT30M',
      },
      {
        id: 'dl.<inc1>.initial-report.1.r80',
        name: 'deadline-reminder',
        payload: {
          incidentId: '<inc1>',
          timer: 'initial-report',
          generation: 1,
          fraction: 0.8,
        },
        due: 'detectedAt(inc1)+PT48M',
      },
      {
        id: 'dl.<inc1>.initial-report.1.due',
        name: 'deadline-due',
        payload: {
          incidentId: '<inc1>',
          timer: 'initial-report',
          generation: 1,
        },
        due: 'detectedAt(inc1)+PT1H',
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: 'inc1: regraded to I (generation 2, same clock start)',
    timers: [
      {
        id: 'cancel.<inc1>.initial-report.1.<now>',
        name: 'cancel',
        payload: {
          jobIds: [
            'dl.<inc1>.initial-report.1.r50',
            'dl.<inc1>.initial-report.1.r80',
            'dl.<inc1>.initial-report.1.due',
            'dl.<inc1>.initial-report.1.esc1',
            'dl.<inc1>.initial-report.1.esc2',
            'dl.<inc1>.initial-report.1.esc3',
            'dl.<inc1>.initial-report.1.esc4',
            'dl.<inc1>.initial-report.1.esc5',
            'dl.<inc1>.initial-report.1.esc6',
            'dl.<inc1>.initial-report.1.esc7',
            'dl.<inc1>.initial-report.1.esc8',
            'dl.<inc1>.initial-report.1.esc9',
            'dl.<inc1>.initial-report.1.esc10',
          ],
        },
        due: null,
      },
      {
        id: 'dl.<inc1>.initial-report.2.r50',
        name: 'deadline-reminder',
        payload: {
          incidentId: '<inc1>',
          timer: 'initial-report',
          generation: 2,
          fraction: 0.5,
        },
        due: 'detectedAt(inc1)+PT30M',
      },
      {
        id: 'dl.<inc1>.initial-report.2.r80',
        name: 'deadline-reminder',
        payload: {
          incidentId: '<inc1>',
          timer: 'initial-report',
          generation: 2,
          fraction: 0.8,
        },
        due: 'detectedAt(inc1)+PT48M',
      },
      {
        id: 'dl.<inc1>.initial-report.2.due',
        name: 'deadline-due',
        payload: {
          incidentId: '<inc1>',
          timer: 'initial-report',
          generation: 2,
        },
        due: 'detectedAt(inc1)+PT1H',
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: 'inc1: the 50% reminder of generation 2 fires',
    timers: [],
    notifications: [],
    audit: [
      {
        action: 'incident.event.DEADLINE_REMINDER',
        payload: {
          event: {
            fraction: 0.5,
            generation: 2,
            timer: 'initial-report',
            type: 'DEADLINE_REMINDER',
          },
        },
      },
    ],
  },
  {
    step: 'inc1: the deadline passes (first escalation step in the same transaction)',
    timers: [
      {
        id: 'dl.<inc1>.initial-report.2.esc2',
        name: 'deadline-escalate',
        payload: {
          incidentId: '<inc1>',
          timer: 'initial-report',
          generation: 2,
          level: 2,
        },
        due: 'now+PT15M',
      },
    ],
    notifications: [
      {
        id: 'nt.<inc1>.esc.initial-report.2.1',
        payload: {
          orgId: '<op>',
          incidentId: '<inc1>',
          event: 'escalation',
          data: {
            timer: 'initial-report',
            level: 1,
            role: 'commander',
            dueAt: '<due of dl.<inc1>.initial-report.1.due>',
          },
          drill: false,
          grade: 'I',
          role: 'commander',
        },
      },
    ],
    audit: [
      {
        action: 'incident.event.DEADLINE_MISSED',
        payload: {
          event: {
            generation: 2,
            timer: 'initial-report',
            type: 'DEADLINE_MISSED',
          },
        },
      },
      {
        action: 'deadline.escalated',
        payload: {
          drill: false,
          dueAt: '<due of dl.<inc1>.initial-report.1.due>',
          generation: 2,
          level: 1,
          role: 'commander',
          timer: 'initial-report',
        },
      },
    ],
  },
  {
    step: 'inc1: the second escalation step fires',
    timers: [
      {
        id: 'dl.<inc1>.initial-report.2.esc3',
        name: 'deadline-escalate',
        payload: {
          incidentId: '<inc1>',
          timer: 'initial-report',
          generation: 2,
          level: 3,
        },
        due: 'now+PT15M',
      },
    ],
    notifications: [
      {
        id: 'nt.<inc1>.esc.initial-report.2.2',
        payload: {
          orgId: '<op>',
          incidentId: '<inc1>',
          event: 'escalation',
          data: {
            timer: 'initial-report',
            level: 2,
            role: 'leader',
            dueAt: '<due of dl.<inc1>.initial-report.1.due>',
          },
          drill: false,
          grade: 'I',
          role: 'leader',
        },
      },
    ],
    audit: [
      {
        action: 'deadline.escalated',
        payload: {
          drill: false,
          dueAt: '<due of dl.<inc1>.initial-report.1.due>',
          generation: 2,
          level: 2,
          role: 'leader',
          timer: 'initial-report',
        },
      },
    ],
  },
  {
    step: 'inc1: the leader acknowledges the overdue deadline',
    timers: [
      {
        id: 'cancel.<inc1>.initial-report.2.ack',
        name: 'cancel',
        payload: {
          jobIds: [
            'dl.<inc1>.initial-report.2.esc1',
            'dl.<inc1>.initial-report.2.esc2',
            'dl.<inc1>.initial-report.2.esc3',
            'dl.<inc1>.initial-report.2.esc4',
            'dl.<inc1>.initial-report.2.esc5',
            'dl.<inc1>.initial-report.2.esc6',
            'dl.<inc1>.initial-report.2.esc7',
            'dl.<inc1>.initial-report.2.esc8',
            'dl.<inc1>.initial-report.2.esc9',
            'dl.<inc1>.initial-report.2.esc10',
          ],
        },
        due: null,
      },
    ],
    notifications: [],
    audit: [
      {
        action: 'deadline.acknowledged',
        payload: {
          escalationLevel: 2,
          generation: 2,
          status: 'missed',
          timer: 'initial-report',
        },
      },
    ],
  },
  {
    step: 'inc1: a late initial report made outside the product',
    timers: [
      {
        id: 'cancel.<inc1>.initial-report.2.<now>',
        name: 'cancel',
        payload: {
          jobIds: [
            'dl.<inc1>.initial-report.2.r50',
            'dl.<inc1>.initial-report.2.r80',
            'dl.<inc1>.initial-report.2.due',
            'dl.<inc1>.initial-report.2.esc1',
            'dl.<inc1>.initial-report.2.esc2',
            'dl.<inc1>.initial-report.2.esc3',
            'dl.<inc1>.initial-report.2.esc4',
            'dl.<inc1>.initial-report.2.esc5',
            'dl.<inc1>.initial-report.2.esc6',
            'dl.<inc1>.initial-report.2.esc7',
            'dl.<inc1>.initial-report.2.esc8',
            'dl.<inc1>.initial-report.2.esc9',
            'dl.<inc1>.initial-report.2.esc10',
          ],
        },
        due: null,
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: 'inc2: confirmed 40 minutes after discovery, crime suspected',
    timers: [
      {
        id: 'dl.<inc2>.initial-report.1.r80',
        name: 'deadline-reminder',
        payload: {
          incidentId: '<inc2>',
          timer: 'initial-report',
          generation: 1,
          fraction: 0.8,
        },
        due: 'detectedAt(inc2)+PT48M',
      },
      {
        id: 'dl.<inc2>.initial-report.1.due',
        name: 'deadline-due',
        payload: {
          incidentId: '<inc2>',
          timer: 'initial-report',
          generation: 1,
        },
        due: 'detectedAt(inc2)+PT1H',
      },
      {
        id: 'dl.<inc2>.police-report.1.r50',
        name: 'deadline-reminder',
        payload: {
          incidentId: '<inc2>',
          timer: 'police-report',
          generation: 1,
          fraction: 0.5,
        },
        due: 'now+PT12H',
      },
      {
        id: 'dl.<inc2>.police-report.1.r80',
        name: 'deadline-reminder',
        payload: {
          incidentId: '<inc2>',
          timer: 'police-report',
          generation: 1,
          fraction: 0.8,
        },
        due: 'now+PT19H12M',
      },
      {
        id: 'dl.<inc2>.police-report.1.due',
        name: 'deadline-due',
        payload: {
          incidentId: '<inc2>',
          timer: 'police-report',
          generation: 1,
        },
        due: 'now+PT24H',
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: 'inc2: the police report is filed',
    timers: [
      {
        id: 'cancel.<inc2>.police-report.1.<now>',
        name: 'cancel',
        payload: {
          jobIds: [
            'dl.<inc2>.police-report.1.r50',
            'dl.<inc2>.police-report.1.r80',
            'dl.<inc2>.police-report.1.due',
            'dl.<inc2>.police-report.1.esc1',
            'dl.<inc2>.police-report.1.esc2',
            'dl.<inc2>.police-report.1.esc3',
            'dl.<inc2>.police-report.1.esc4',
            'dl.<inc2>.police-report.1.esc5',
            'dl.<inc2>.police-report.1.esc6',
            'dl.<inc2>.police-report.1.esc7',
            'dl.<inc2>.police-report.1.esc8',
            'dl.<inc2>.police-report.1.esc9',
            'dl.<inc2>.police-report.1.esc10',
          ],
        },
        due: null,
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: 'inc2: initial report submitted to the department inbox and by fax',
    timers: [
      {
        id: 'rpt.<dlv.dept>.ack',
        name: 'report-ack-due',
        payload: {
          deliveryId: '<dlv.dept>',
        },
        due: 'now+PT20M',
      },
      {
        id: 'rpt.<dlv.dept>.onw.r50',
        name: 'report-onward-reminder',
        payload: {
          deliveryId: '<dlv.dept>',
          fraction: 0.5,
        },
        due: 'now+PT15M',
      },
      {
        id: 'rpt.<dlv.dept>.onw.r80',
        name: 'report-onward-reminder',
        payload: {
          deliveryId: '<dlv.dept>',
          fraction: 0.8,
        },
        due: 'now+PT24M',
      },
      {
        id: 'rpt.<dlv.dept>.onw.due',
        name: 'report-onward-due',
        payload: {
          deliveryId: '<dlv.dept>',
        },
        due: 'now+PT30M',
      },
      {
        id: 'rpt.<dlv.fax>.ack',
        name: 'report-ack-due',
        payload: {
          deliveryId: '<dlv.fax>',
        },
        due: 'now+PT20M',
      },
      {
        id: 'cancel.<inc2>.initial-report.1.<now>',
        name: 'cancel',
        payload: {
          jobIds: [
            'dl.<inc2>.initial-report.1.r50',
            'dl.<inc2>.initial-report.1.r80',
            'dl.<inc2>.initial-report.1.due',
            'dl.<inc2>.initial-report.1.esc1',
            'dl.<inc2>.initial-report.1.esc2',
            'dl.<inc2>.initial-report.1.esc3',
            'dl.<inc2>.initial-report.1.esc4',
            'dl.<inc2>.initial-report.1.esc5',
            'dl.<inc2>.initial-report.1.esc6',
            'dl.<inc2>.initial-report.1.esc7',
            'dl.<inc2>.initial-report.1.esc8',
            'dl.<inc2>.initial-report.1.esc9',
            'dl.<inc2>.initial-report.1.esc10',
          ],
        },
        due: null,
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: "report: the department's acknowledgement window closes",
    timers: [
      {
        id: 'rpt.<dlv.dept>.ack.esc.2',
        name: 'report-ack-escalate',
        payload: {
          deliveryId: '<dlv.dept>',
          level: 2,
        },
        due: 'now+PT15M',
      },
    ],
    notifications: [
      {
        id: 'nt.rpt.<dlv.dept>.ack.esc.1',
        payload: {
          orgId: '<op>',
          event: 'escalation',
          data: {
            timer: 'report-ack',
            level: 1,
            role: 'commander',
            dueAt: '<due of rpt.<dlv.dept>.ack>',
            reference: '<inc2.ref>',
            reportReference: '<report.ref>',
            reportKind: 'initial',
            recipient: '金融行业保护工作部门',
          },
          drill: false,
          incidentId: '<inc2>',
          grade: 'II',
          reportId: '<report>',
          role: 'commander',
        },
      },
      {
        id: 'nt.rpt.<dlv.dept>.ack.dept',
        payload: {
          orgId: '<dept>',
          event: 'escalation',
          data: {
            timer: 'report-ack',
            level: 1,
            role: 'commander',
            dueAt: '<due of rpt.<dlv.dept>.ack>',
            reference: '<inc2.ref>',
            reportReference: '<report.ref>',
            reportKind: 'initial',
            recipient: '金融行业保护工作部门',
          },
          drill: false,
          incidentId: null,
          grade: 'II',
          reportId: '<report>',
          role: 'department-officer',
        },
      },
    ],
    audit: [
      {
        action: 'report.ack-overdue',
        payload: {
          ackDueAt: '<due of rpt.<dlv.dept>.ack>',
          deliveryId: '<dlv.dept>',
          drill: false,
          level: 1,
          recipient: '金融行业保护工作部门',
          reportId: '<report>',
          role: 'commander',
        },
      },
    ],
  },
  {
    step: "report: the department's second acknowledgement escalation step",
    timers: [
      {
        id: 'rpt.<dlv.dept>.ack.esc.3',
        name: 'report-ack-escalate',
        payload: {
          deliveryId: '<dlv.dept>',
          level: 3,
        },
        due: 'now+PT15M',
      },
    ],
    notifications: [
      {
        id: 'nt.rpt.<dlv.dept>.ack.esc.2',
        payload: {
          orgId: '<op>',
          event: 'escalation',
          data: {
            timer: 'report-ack',
            level: 2,
            role: 'leader',
            dueAt: '<due of rpt.<dlv.dept>.ack>',
            reference: '<inc2.ref>',
            reportReference: '<report.ref>',
            reportKind: 'initial',
            recipient: '金融行业保护工作部门',
          },
          drill: false,
          incidentId: '<inc2>',
          grade: 'II',
          reportId: '<report>',
          role: 'leader',
        },
      },
    ],
    audit: [
      {
        action: 'report.ack-escalated',
        payload: {
          ackDueAt: '<due of rpt.<dlv.dept>.ack>',
          deliveryId: '<dlv.dept>',
          drill: false,
          level: 2,
          recipient: '金融行业保护工作部门',
          reportId: '<report>',
          role: 'leader',
        },
      },
    ],
  },
  {
    step: 'report: the department acknowledges',
    timers: [
      {
        id: 'cancel.rpt.<dlv.dept>.ack',
        name: 'cancel',
        payload: {
          jobIds: [
            'rpt.<dlv.dept>.ack',
            'rpt.<dlv.dept>.ack.esc.1',
            'rpt.<dlv.dept>.ack.esc.2',
            'rpt.<dlv.dept>.ack.esc.3',
          ],
        },
        due: null,
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: "report: the fax's acknowledgement window closes",
    timers: [
      {
        id: 'rpt.<dlv.fax>.ack.esc.2',
        name: 'report-ack-escalate',
        payload: {
          deliveryId: '<dlv.fax>',
          level: 2,
        },
        due: 'now+PT15M',
      },
    ],
    notifications: [
      {
        id: 'nt.rpt.<dlv.fax>.ack.esc.1',
        payload: {
          orgId: '<op>',
          event: 'escalation',
          data: {
            timer: 'report-ack',
            level: 1,
            role: 'commander',
            dueAt: '<due of rpt.<dlv.dept>.ack>',
            reference: '<inc2.ref>',
            reportReference: '<report.ref>',
            reportKind: 'initial',
            recipient: '市公安局网安支队',
          },
          drill: false,
          incidentId: '<inc2>',
          grade: 'II',
          reportId: '<report>',
          role: 'commander',
        },
      },
    ],
    audit: [
      {
        action: 'report.ack-overdue',
        payload: {
          ackDueAt: '<due of rpt.<dlv.dept>.ack>',
          deliveryId: '<dlv.fax>',
          drill: false,
          level: 1,
          recipient: '市公安局网安支队',
          reportId: '<report>',
          role: 'commander',
        },
      },
    ],
  },
  {
    step: 'report: the liaison records that the fax was acknowledged',
    timers: [
      {
        id: 'cancel.rpt.<dlv.fax>.ack',
        name: 'cancel',
        payload: {
          jobIds: [
            'rpt.<dlv.fax>.ack',
            'rpt.<dlv.fax>.ack.esc.1',
            'rpt.<dlv.fax>.ack.esc.2',
            'rpt.<dlv.fax>.ack.esc.3',
          ],
        },
        due: null,
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: 'onward: the 50% reminder fires',
    timers: [],
    notifications: [
      {
        id: 'nt.rpt.<dlv.dept>.onw.r50',
        payload: {
          orgId: '<dept>',
          event: 'deadline.reminder',
          drill: false,
          incidentId: null,
          grade: 'II',
          reportId: '<report>',
          data: {
            timer: 'onward-report',
            dueAt: '<due of rpt.<dlv.dept>.onw.due>',
            fraction: 0.5,
            reference: '<inc2.ref>',
            reportReference: '<report.ref>',
          },
        },
      },
    ],
    audit: [
      {
        action: 'report.onward-reminder',
        payload: {
          deliveryId: '<dlv.dept>',
          dueAt: '<due of rpt.<dlv.dept>.onw.due>',
          fraction: 0.5,
          reportId: '<report>',
        },
      },
    ],
  },
  {
    step: 'onward: the onward deadline passes (first escalation step queued at once)',
    timers: [
      {
        id: 'rpt.<dlv.dept>.onw.esc.1',
        name: 'report-onward-escalate',
        payload: {
          deliveryId: '<dlv.dept>',
          level: 1,
        },
        due: 'now+PT0S',
      },
      {
        id: 'rpt.<dlv.dept>.onw.esc.2',
        name: 'report-onward-escalate',
        payload: {
          deliveryId: '<dlv.dept>',
          level: 2,
        },
        due: 'now+PT15M',
      },
    ],
    notifications: [
      {
        id: 'nt.rpt.<dlv.dept>.onw.missed',
        payload: {
          orgId: '<dept>',
          event: 'deadline.missed',
          drill: false,
          incidentId: null,
          grade: 'II',
          reportId: '<report>',
          data: {
            timer: 'onward-report',
            dueAt: '<due of rpt.<dlv.dept>.onw.due>',
            reference: '<inc2.ref>',
            reportReference: '<report.ref>',
          },
        },
      },
      {
        id: 'nt.rpt.<dlv.dept>.onw.esc.1',
        payload: {
          orgId: '<dept>',
          event: 'escalation',
          drill: false,
          incidentId: null,
          grade: 'II',
          reportId: '<report>',
          role: 'department-officer',
          data: {
            timer: 'onward-report',
            level: 1,
            role: 'department-officer',
            dueAt: '<due of rpt.<dlv.dept>.onw.due>',
            reference: '<inc2.ref>',
            reportReference: '<report.ref>',
          },
        },
      },
    ],
    audit: [
      {
        action: 'report.onward-missed',
        payload: {
          deliveryId: '<dlv.dept>',
          dueAt: '<due of rpt.<dlv.dept>.onw.due>',
          reportId: '<report>',
        },
      },
      {
        action: 'report.onward-escalated',
        payload: {
          deliveryId: '<dlv.dept>',
          dueAt: '<due of rpt.<dlv.dept>.onw.due>',
          level: 1,
          reportId: '<report>',
          role: 'department-officer',
        },
      },
    ],
  },
  {
    step: 'onward: the second escalation step fires',
    timers: [],
    notifications: [
      {
        id: 'nt.rpt.<dlv.dept>.onw.esc.2',
        payload: {
          orgId: '<dept>',
          event: 'escalation',
          drill: false,
          incidentId: null,
          grade: 'II',
          reportId: '<report>',
          role: 'admin',
          data: {
            timer: 'onward-report',
            level: 2,
            role: 'admin',
            dueAt: '<due of rpt.<dlv.dept>.onw.due>',
            reference: '<inc2.ref>',
            reportReference: '<report.ref>',
          },
        },
      },
    ],
    audit: [
      {
        action: 'report.onward-escalated',
        payload: {
          deliveryId: '<dlv.dept>',
          dueAt: '<due of rpt.<dlv.dept>.onw.due>',
          level: 2,
          reportId: '<report>',
          role: 'admin',
        },
      },
    ],
  },
  {
    step: 'onward: the department records the onward report (late)',
    timers: [
      {
        id: 'cancel.rpt.<dlv.dept>.onw',
        name: 'cancel',
        payload: {
          jobIds: [
            'rpt.<dlv.dept>.onw.r50',
            'rpt.<dlv.dept>.onw.r80',
            'rpt.<dlv.dept>.onw.due',
            'rpt.<dlv.dept>.onw.esc.1',
            'rpt.<dlv.dept>.onw.esc.2',
          ],
        },
        due: null,
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: 'warning: issued to two operators, feedback within PT2H',
    timers: [
      {
        id: 'wf.<warning>.<op>.warning-feedback.1.r50',
        name: 'warning-feedback-reminder',
        payload: {
          warningId: '<warning>',
          operatorOrgId: '<op>',
          timer: 'warning-feedback',
          generation: 1,
          fraction: 0.5,
        },
        due: 'now+PT1H',
      },
      {
        id: 'wf.<warning>.<op>.warning-feedback.1.r80',
        name: 'warning-feedback-reminder',
        payload: {
          warningId: '<warning>',
          operatorOrgId: '<op>',
          timer: 'warning-feedback',
          generation: 1,
          fraction: 0.8,
        },
        due: 'now+PT1H36M',
      },
      {
        id: 'wf.<warning>.<op>.warning-feedback.1.due',
        name: 'warning-feedback-due',
        payload: {
          warningId: '<warning>',
          operatorOrgId: '<op>',
          timer: 'warning-feedback',
          generation: 1,
        },
        due: 'now+PT2H',
      },
      {
        id: 'wf.<warning>.<op2>.warning-feedback.1.r50',
        name: 'warning-feedback-reminder',
        payload: {
          warningId: '<warning>',
          operatorOrgId: '<op2>',
          timer: 'warning-feedback',
          generation: 1,
          fraction: 0.5,
        },
        due: 'now+PT1H',
      },
      {
        id: 'wf.<warning>.<op2>.warning-feedback.1.r80',
        name: 'warning-feedback-reminder',
        payload: {
          warningId: '<warning>',
          operatorOrgId: '<op2>',
          timer: 'warning-feedback',
          generation: 1,
          fraction: 0.8,
        },
        due: 'now+PT1H36M',
      },
      {
        id: 'wf.<warning>.<op2>.warning-feedback.1.due',
        name: 'warning-feedback-due',
        payload: {
          warningId: '<warning>',
          operatorOrgId: '<op2>',
          timer: 'warning-feedback',
          generation: 1,
        },
        due: 'now+PT2H',
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: 'warning: the 50% reminder fires for <op>',
    timers: [],
    notifications: [],
    audit: [
      {
        action: 'warning.event.DEADLINE_REMINDER',
        payload: {
          event: {
            fraction: 0.5,
            generation: 1,
            timer: 'warning-feedback',
            type: 'DEADLINE_REMINDER',
          },
        },
      },
    ],
  },
  {
    step: 'warning: the feedback deadline passes for <op> (first escalation step queued at once)',
    timers: [
      {
        id: 'wf.<warning>.<op>.warning-feedback.1.esc1',
        name: 'warning-feedback-escalate',
        payload: {
          warningId: '<warning>',
          operatorOrgId: '<op>',
          timer: 'warning-feedback',
          generation: 1,
          level: 1,
        },
        due: 'now+PT0S',
      },
      {
        id: 'wf.<warning>.<op>.warning-feedback.1.esc2',
        name: 'warning-feedback-escalate',
        payload: {
          warningId: '<warning>',
          operatorOrgId: '<op>',
          timer: 'warning-feedback',
          generation: 1,
          level: 2,
        },
        due: 'now+PT15M',
      },
    ],
    notifications: [
      {
        id: 'nt.w.<warning>.<op>.esc.1.1',
        payload: {
          orgId: '<op>',
          warningId: '<warning>',
          event: 'escalation',
          drill: false,
          role: 'commander',
          data: {
            timer: 'warning-feedback',
            level: 1,
            role: 'commander',
            dueAt: '<due of wf.<warning>.<op>.warning-feedback.1.due>',
            reference: '<warning.ref>',
            title: '针对证券交易系统的勒索软件攻击活动预警',
            warningLevel: 'orange',
          },
        },
      },
    ],
    audit: [
      {
        action: 'warning.event.DEADLINE_MISSED',
        payload: {
          event: {
            generation: 1,
            timer: 'warning-feedback',
            type: 'DEADLINE_MISSED',
          },
        },
      },
      {
        action: 'warning.feedback-escalated',
        payload: {
          drill: false,
          dueAt: '<due of wf.<warning>.<op>.warning-feedback.1.due>',
          generation: 1,
          level: 1,
          reference: '<warning.ref>',
          role: 'commander',
          timer: 'warning-feedback',
          warningId: '<warning>',
        },
      },
    ],
  },
  {
    step: 'warning: the second escalation step fires for <op>',
    timers: [
      {
        id: 'wf.<warning>.<op>.warning-feedback.1.esc3',
        name: 'warning-feedback-escalate',
        payload: {
          warningId: '<warning>',
          operatorOrgId: '<op>',
          timer: 'warning-feedback',
          generation: 1,
          level: 3,
        },
        due: 'now+PT15M',
      },
    ],
    notifications: [
      {
        id: 'nt.w.<warning>.<op>.esc.1.2',
        payload: {
          orgId: '<op>',
          warningId: '<warning>',
          event: 'escalation',
          drill: false,
          role: 'leader',
          data: {
            timer: 'warning-feedback',
            level: 2,
            role: 'leader',
            dueAt: '<due of wf.<warning>.<op>.warning-feedback.1.due>',
            reference: '<warning.ref>',
            title: '针对证券交易系统的勒索软件攻击活动预警',
            warningLevel: 'orange',
          },
        },
      },
    ],
    audit: [
      {
        action: 'warning.feedback-escalated',
        payload: {
          drill: false,
          dueAt: '<due of wf.<warning>.<op>.warning-feedback.1.due>',
          generation: 1,
          level: 2,
          reference: '<warning.ref>',
          role: 'leader',
          timer: 'warning-feedback',
          warningId: '<warning>',
        },
      },
    ],
  },
  {
    step: 'warning: <op2> assesses, acts and feeds back in time',
    timers: [
      {
        id: 'cancel.w.<warning>.<op2>.warning-feedback.1.<now>',
        name: 'cancel',
        payload: {
          jobIds: [
            'wf.<warning>.<op2>.warning-feedback.1.r50',
            'wf.<warning>.<op2>.warning-feedback.1.r80',
            'wf.<warning>.<op2>.warning-feedback.1.due',
            'wf.<warning>.<op2>.warning-feedback.1.esc1',
            'wf.<warning>.<op2>.warning-feedback.1.esc2',
            'wf.<warning>.<op2>.warning-feedback.1.esc3',
            'wf.<warning>.<op2>.warning-feedback.1.esc4',
            'wf.<warning>.<op2>.warning-feedback.1.esc5',
            'wf.<warning>.<op2>.warning-feedback.1.esc6',
            'wf.<warning>.<op2>.warning-feedback.1.esc7',
            'wf.<warning>.<op2>.warning-feedback.1.esc8',
            'wf.<warning>.<op2>.warning-feedback.1.esc9',
            'wf.<warning>.<op2>.warning-feedback.1.esc10',
          ],
        },
        due: null,
      },
    ],
    notifications: [],
    audit: [],
  },
  {
    step: 'warning: <op> feeds back late',
    timers: [
      {
        id: 'cancel.w.<warning>.<op>.warning-feedback.1.<now>',
        name: 'cancel',
        payload: {
          jobIds: [
            'wf.<warning>.<op>.warning-feedback.1.r50',
            'wf.<warning>.<op>.warning-feedback.1.r80',
            'wf.<warning>.<op>.warning-feedback.1.due',
            'wf.<warning>.<op>.warning-feedback.1.esc1',
            'wf.<warning>.<op>.warning-feedback.1.esc2',
            'wf.<warning>.<op>.warning-feedback.1.esc3',
            'wf.<warning>.<op>.warning-feedback.1.esc4',
            'wf.<warning>.<op>.warning-feedback.1.esc5',
            'wf.<warning>.<op>.warning-feedback.1.esc6',
            'wf.<warning>.<op>.warning-feedback.1.esc7',
            'wf.<warning>.<op>.warning-feedback.1.esc8',
            'wf.<warning>.<op>.warning-feedback.1.esc9',
            'wf.<warning>.<op>.warning-feedback.1.esc10',
          ],
        },
        due: null,
      },
    ],
    notifications: [],
    audit: [],
  },
];
