import type { StepTemplate } from '../types';

/**
 * Steps every playbook shares: triage (confirm and grade), the post-incident review and the
 * re-identification. Category playbooks put their own containment / eradication / recovery steps
 * between them, so the chapter-11 review and re-identification duties cannot be forgotten by one of them.
 */

export const TRIAGE_STEPS: StepTemplate[] = [
  {
    id: 'confirm-incident',
    phase: 'triage',
    title: { zh: '核实事件', en: 'Confirm the incident' },
    guidance: {
      zh: '结合告警、监测数据和现场反馈判断是否为真实安全事件，记录发现时间、发现途径和最初现象；在监测平台中查找相关主机、账号和流量，列出受影响的系统、关键业务和数据。',
      en:
        'Use the alert, monitoring data and first-hand reports to decide ' +
        'whether this is a real security incident; record when and how it was ' +
        'found and what was first seen; search the monitoring platform for ' +
        'related hosts, accounts and traffic and list the affected systems, ' +
        'critical business and data.',
    },
    roles: ['commander', 'responder'],
    mandatory: true,
    evidence: [
      {
        kind: 'log',
        description: { zh: '触发告警的原始日志或监测记录', en: 'Raw log lines or monitoring records behind the alert' },
      },
    ],
    requirements: ['GBT39204-9.2-b', 'GBT39204-9.2-a', 'GBT39204-11.3-a'],
  },
  {
    id: 'assess-grade',
    phase: 'triage',
    title: { zh: '评估事件级别', en: 'Assess the grade' },
    guidance: {
      zh: '按分级指南的各个维度（系统中断、数据泄露、经济损失、公共服务、违法信息）评估影响，确定级别和是否需要报告。',
      en:
        'Weigh the impact along each grading dimension (system interruption, ' +
        'data leak, economic loss, public services, illegal content); settle ' +
        'the grade and whether a report is owed.',
    },
    roles: ['commander'],
    mandatory: true,
    evidence: [{ kind: 'document', description: { zh: '定级依据说明', en: 'Reasoning behind the grade' } }],
    requirements: ['GBT39204-11.1-a', 'GBT39204-11.3-a'],
  },
  {
    id: 'collect-report-facts',
    phase: 'triage',
    title: { zh: '收集首报要素', en: 'Collect the facts for the first report' },
    guidance: {
      zh: '整理单位和受影响系统、事件时间地点类型、已造成的影响、已采取的措施；原因未明时先报已知要素，其余后续补报。',
      en:
        'Gather the organisation and affected system, time, place and type, ' +
        'harm so far and measures taken; if the cause is not yet known, report ' +
        'what is known first and supplement the rest.',
    },
    roles: ['liaison', 'commander'],
    mandatory: false,
    evidence: [],
    requirements: ['NCIRM-2025-content', 'GBT39204-11.3-b'],
  },
  {
    id: 'contact-service-providers',
    phase: 'triage',
    title: { zh: '联系服务机构', en: 'Contact the service providers' },
    guidance: {
      zh: '联系为本单位提供网络安全、系统运维等服务的机构（见服务机构登记），请其按合同约定报告已发现的情况并提供相关日志；合同中没有报告条款的，记下来，事后补签。',
      en:
        'Call the providers of security, operations or maintenance services ' +
        '(see the service-provider register); ask them, as their contract ' +
        'requires, to report what they have seen and to hand over the relevant ' +
        'logs. Note any contract without a reporting clause so it is amended ' +
        'afterwards.',
    },
    roles: ['commander', 'liaison'],
    mandatory: false,
    evidence: [],
    requirements: ['NCIRM-2025-providers'],
  },
];

export const REVIEW_STEPS: StepTemplate[] = [
  {
    id: 'post-incident-analysis',
    phase: 'review',
    title: { zh: '事后分析总结', en: 'Post-incident analysis' },
    guidance: {
      zh: '分析事件原因、造成的损失、处置过程中的得失，形成总结并提出整改措施；总结也是总结报告的素材。',
      en:
        'Analyse the cause, the losses and what went well or badly in the ' +
        'response; write the summary and the remediation actions, which also ' +
        'feed the summary report.',
    },
    roles: ['commander', 'leader'],
    mandatory: true,
    evidence: [{ kind: 'document', description: { zh: '事件总结', en: 'Incident summary' } }],
    requirements: ['GBT39204-11.3-f', 'NCIRM-2025-final'],
  },
  {
    id: 'update-emergency-plan',
    phase: 'review',
    title: { zh: '修订应急预案', en: 'Update the emergency plan' },
    guidance: {
      zh: '根据本次事件暴露的问题修订应急预案，保持与国家和行业预案衔接，记录修订内容和版本。',
      en:
        'Revise the emergency plan for the gaps this incident exposed, keep it ' +
        'aligned with the national and sector plans, and record what changed ' +
        'and the new version.',
    },
    roles: ['leader', 'commander'],
    mandatory: true,
    evidence: [
      { kind: 'document', description: { zh: '修订后的预案或修订记录', en: 'Revised plan or change record' } },
    ],
    requirements: ['GBT39204-11.1-b', 'GBT39204-11.1-c'],
  },
  {
    id: 'share-indicators',
    phase: 'review',
    title: { zh: '共享威胁信息', en: 'Share indicators with the protection department' },
    guidance: {
      zh: '将攻击特征、恶意样本哈希、攻击源等威胁信息按约定渠道共享给保护工作部门，必要时也共享给公安机关和同行。',
      en:
        'Share the threat indicators (attack patterns, sample hashes, attacker ' +
        'infrastructure) with the protection department through the agreed ' +
        'channel, and with public security and peers where appropriate.',
    },
    roles: ['liaison', 'commander'],
    mandatory: false,
    evidence: [
      {
        kind: 'record',
        description: { zh: '共享记录（时间、对象、内容）', en: 'Sharing record (when, with whom, what)' },
      },
    ],
    requirements: ['GBT39204-10.4-b', 'GBT39204-9.1-b', 'GBT39204-9.3-c'],
  },
  {
    id: 'evaluate-drill',
    phase: 'review',
    title: { zh: '演练评估', en: 'Evaluate the drill' },
    guidance: {
      zh: '评估本次演练（包括保护工作部门组织的演练和攻防演习）中预案和人员的表现，提出改进预案的意见。',
      en:
        'Evaluate how the plan and the team performed in this drill (including ' +
        'drills run by the protection department and attack-defense exercises) ' +
        'and propose improvements to the plan.',
    },
    roles: ['leader', 'commander'],
    mandatory: true,
    drillOnly: true,
    evidence: [{ kind: 'document', description: { zh: '演练评估报告', en: 'Drill evaluation report' } }],
    requirements: ['GBT39204-11.2-a', 'GBT39204-11.2-b', 'GBT39204-11.2-c', 'GBT39204-10.3-a'],
  },
  {
    id: 'leader-sign-off',
    phase: 'review',
    title: { zh: '负责人审核', en: 'Responsible leader signs off' },
    guidance: {
      zh: '负责人审阅总结、整改措施和已提交的报告，确认后签批。',
      en: 'The responsible leader reviews the summary, the remediation actions and the reports sent, then signs off.',
    },
    roles: ['leader'],
    mandatory: true,
    evidence: [{ kind: 'approval', description: { zh: '签批记录', en: 'Sign-off record' } }],
    requirements: ['GBT39204-11.3-f'],
  },
];

export const REIDENTIFICATION_STEPS: StepTemplate[] = [
  {
    id: 'reidentify-business-and-assets',
    phase: 'reidentification',
    title: { zh: '重新识别关键业务和资产', en: 'Re-identify critical business and assets' },
    guidance: {
      zh: '重新梳理受事件影响的关键业务、资产及其依赖关系，更新资产清单和风险评估。',
      en:
        'Walk again through the critical business, assets and dependencies the ' +
        'incident touched; update the asset inventory and the risk assessment.',
    },
    roles: ['commander', 'responder'],
    mandatory: true,
    evidence: [
      {
        kind: 'document',
        description: { zh: '更新后的资产清单和风险评估', en: 'Updated asset inventory and risk assessment' },
      },
    ],
    requirements: ['GBT39204-11.4-a'],
  },
  {
    id: 'update-protection-measures',
    phase: 'reidentification',
    title: { zh: '调整防护措施', en: 'Adjust protection measures' },
    guidance: {
      zh: '依据重新识别的结果和本次获得的威胁情报，调整防护和检测策略，并同步修订相关计划。',
      en:
        'From the re-identification and the threat intelligence gained, adjust ' +
        'protection and detection rules and bring the related plans up to date.',
    },
    roles: ['commander', 'responder'],
    mandatory: true,
    evidence: [{ kind: 'record', description: { zh: '策略变更记录', en: 'Record of the rule changes' } }],
    requirements: ['GBT39204-11.4-b', 'GBT39204-10.4-c'],
  },
];

/**
 * Assemble a playbook's steps in phase order: shared triage, the category's own, shared review and re-identification.
 */
export function withCommonSteps(specific: StepTemplate[]): StepTemplate[] {
  return [...TRIAGE_STEPS, ...specific, ...REVIEW_STEPS, ...REIDENTIFICATION_STEPS];
}
