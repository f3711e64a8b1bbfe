import type { EvidenceExpectation, EvidenceKind, Phase, Playbook, Role, StepTemplate } from '../types';
import { withCommonSteps } from './common';

/** Compact constructor: the catalogue below is read far more often than written. */
function step(
  id: string,
  phase: Phase,
  title: [zh: string, en: string],
  guidance: [zh: string, en: string],
  opts: { roles: Role[]; mandatory: boolean; requirements: string[]; evidence?: Array<[EvidenceKind, string, string]> },
): StepTemplate {
  const evidence: EvidenceExpectation[] = (opts.evidence ?? []).map(([kind, zh, en]) => ({
    kind,
    description: { zh, en },
  }));
  return {
    id,
    phase,
    title: { zh: title[0], en: title[1] },
    guidance: { zh: guidance[0], en: guidance[1] },
    roles: opts.roles,
    mandatory: opts.mandatory,
    evidence,
    requirements: opts.requirements,
  };
}

const HANDS: Role[] = ['responder', 'commander'];
const C = 'GBT39204-11.3-c';
const D = 'GBT39204-11.3-d';
const E = 'GBT39204-11.3-e';

export const RANSOMWARE: Playbook = {
  id: 'ransomware',
  version: 2,
  title: { zh: '勒索软件事件处置', en: 'Ransomware response' },
  categories: ['ransomware'],
  steps: withCommonSteps([
    step(
      'isolate-infected-hosts',
      'containment',
      ['隔离感染主机', 'Isolate infected hosts'],
      [
        '断开感染主机的网络连接（拔线或交换机端口隔离），不要关机，以免丢失内存中的密钥和痕迹；阻断横向移动的共享和管理通道。',
        'Cut infected hosts off the network (unplug or isolate the switch ' +
          'port) but do not power them off, so keys and traces in memory ' +
          'survive; block the shares and admin channels used for lateral ' +
          'movement.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [C],
        evidence: [['record', '已隔离主机清单', 'List of isolated hosts']],
      },
    ),
    step(
      'preserve-samples-and-ransom-note',
      'containment',
      ['保全样本和勒索信', 'Preserve encrypted samples and the ransom note'],
      [
        '保存勒索信、若干被加密文件样本、可疑程序及其哈希，必要时制作内存和磁盘镜像，记录保管链。',
        'Keep the ransom note, a few encrypted files, the suspicious binaries ' +
          'and their hashes; take memory and disk images where needed and record ' +
          'the chain of custody.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [D],
        evidence: [
          ['sample', '勒索信和加密文件样本', 'Ransom note and encrypted file samples'],
          ['memory-image', '感染主机内存镜像', 'Memory image of an infected host'],
        ],
      },
    ),
    step(
      'no-payment-without-approval',
      'containment',
      ['未经批准不得支付赎金', 'No ransom payment or contact without approval'],
      [
        '任何人不得自行联系攻击者或支付赎金；如有此类考虑，须由负责人决策并与公安机关沟通。',
        'Nobody contacts the attacker or pays on their own; any such option is ' +
          'decided by the responsible leader together with public security.',
      ],
      {
        roles: ['leader'],
        mandatory: true,
        requirements: [C, 'GBT39204-11.3-b'],
        evidence: [['approval', '负责人决定记录', "Record of the leader's decision"]],
      },
    ),
    step(
      'record-ransom-details',
      'containment',
      ['记录勒索信息', 'Record the ransom details for the report'],
      [
        '记录勒索金额、支付方式、钱包地址、联系方式和期限，供事件报告使用。',
        'Record the amount demanded, payment method, wallet address, contact ' +
          'channel and deadline; the incident report asks for them.',
      ],
      { roles: ['liaison', 'responder', 'commander'], mandatory: false, requirements: ['NCIRM-2025-content'] },
    ),
    step(
      'identify-strain',
      'eradication',
      ['识别勒索家族', 'Identify the ransomware strain'],
      [
        '依据样本和勒索信识别家族和变种，查询是否有公开解密工具，确定初始入侵途径。',
        'Identify the family and variant from the samples and note, check for ' +
          'a public decryptor, and find the initial access path.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [E, 'GBT39204-10.4-a'],
        evidence: [['document', '样本分析结论', 'Sample analysis findings']],
      },
    ),
    step(
      'remove-persistence-reset-credentials',
      'eradication',
      ['清除驻留并重置凭据', 'Remove persistence and reset credentials'],
      [
        '清除计划任务、服务、后门账号等驻留手段，重置域管理员和受影响账号的口令，修补入侵利用的漏洞。',
        'Remove scheduled tasks, services and backdoor accounts, reset ' +
          'domain-admin and affected account passwords, and patch the hole used ' +
          'to get in.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'restore-from-offline-backups',
      'recovery',
      ['从离线备份恢复并确认业务', 'Restore from offline backups and verify'],
      [
        '确认备份未被加密或篡改后，在干净的环境中按关键业务优先级从离线备份恢复；业务部门确认恢复正常，并持续监测有无再次加密或异常外联。',
        'After checking the backups were neither encrypted nor altered, ' +
          'restore from offline backups into a clean environment, critical ' +
          'business first; have the business owners confirm it works and keep ' +
          'watching for renewed encryption or odd outbound traffic.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [E, 'GBT39204-9.2-a'],
        evidence: [['record', '恢复记录（备份时间点、恢复范围）', 'Restore record (backup point, scope)']],
      },
    ),
  ]),
};

export const MALWARE: Playbook = {
  id: 'malware',
  version: 2,
  title: { zh: '恶意程序事件处置', en: 'Malicious program response' },
  categories: ['malware'],
  steps: withCommonSteps([
    step(
      'isolate-hosts',
      'containment',
      ['隔离受感染主机', 'Isolate infected hosts'],
      [
        '将受感染主机移出生产网络，阻断其与控制服务器的通信。',
        'Move infected hosts out of the production network and block their traffic to command-and-control servers.',
      ],
      { roles: HANDS, mandatory: true, requirements: [C] },
    ),
    step(
      'preserve-samples',
      'containment',
      ['保全样本', 'Preserve samples'],
      [
        '提取恶意程序样本、哈希和相关日志，记录保管链。',
        'Extract the malicious samples, their hashes and the related logs, and record the chain of custody.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [D],
        evidence: [['sample', '恶意程序样本及哈希', 'Samples and hashes']],
      },
    ),
    step(
      'analyse-malware',
      'eradication',
      ['分析恶意程序', 'Analyse the malware'],
      [
        '确定恶意程序的功能、传播方式、驻留方式和外联地址，据此查找其他受感染主机。',
        'Work out what it does, how it spreads and persists, and where it ' +
          'calls out to; use that to find other infected hosts.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E, 'GBT39204-10.4-a'] },
    ),
    step(
      'clean-or-reimage',
      'eradication',
      ['清除或重装', 'Clean or reimage'],
      [
        '清除恶意程序及驻留项，无法确认清除干净的主机直接重装。',
        'Remove the malware and its persistence; reimage any host that cannot be shown clean.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'restore-services',
      'recovery',
      ['恢复业务', 'Restore services'],
      [
        '将清理后的主机接回网络，恢复业务并加强监测。',
        'Reconnect the cleaned hosts, bring the services back and watch them closely.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E, 'GBT39204-9.2-a'] },
    ),
  ]),
};

export const INTRUSION: Playbook = {
  id: 'intrusion',
  version: 2,
  title: { zh: '网络入侵事件处置', en: 'Intrusion response' },
  categories: ['intrusion', 'network-attack'],
  steps: withCommonSteps([
    step(
      'contain-compromised-accounts-and-hosts',
      'containment',
      ['控制失陷账号和主机', 'Contain compromised accounts and hosts'],
      [
        '禁用或改密失陷账号，隔离失陷主机，收紧边界访问控制。',
        'Disable or reset compromised accounts, isolate compromised hosts, tighten perimeter access rules.',
      ],
      { roles: HANDS, mandatory: true, requirements: [C] },
    ),
    step(
      'preserve-logs',
      'containment',
      ['保全日志', 'Preserve logs'],
      [
        '导出并封存边界设备、服务器、身份认证系统的日志，防止被覆盖或删除。',
        'Export and seal the logs of perimeter devices, servers and the ' +
          'identity system before they rotate or get wiped.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [D],
        evidence: [['log', '封存的日志及哈希', 'Sealed logs and their hashes']],
      },
    ),
    step(
      'block-attacker-infrastructure',
      'containment',
      ['封堵攻击源', 'Block attacker infrastructure'],
      [
        '根据已知的攻击地址、域名和共享获得的威胁情报，在边界设备上封堵。',
        'Block the attacker addresses and domains found so far, plus those ' +
          'from shared threat intelligence, at the perimeter.',
      ],
      { roles: HANDS, mandatory: false, requirements: [C, 'GBT39204-10.4-c'] },
    ),
    step(
      'find-and-close-entry-point',
      'eradication',
      ['找到并封堵入侵入口', 'Find and close the entry point'],
      [
        '还原攻击路径，修补被利用的漏洞或弱口令，关闭不必要的暴露面。',
        'Reconstruct the attack path, fix the exploited vulnerability or weak password, and close needless exposure.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'remove-backdoors',
      'eradication',
      ['清除后门', 'Remove backdoors'],
      [
        '排查并清除webshell、后门账号、计划任务等驻留手段。',
        'Hunt down and remove webshells, backdoor accounts, scheduled tasks and other persistence.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'restore-and-monitor',
      'recovery',
      ['恢复并重点监测', 'Restore and monitor'],
      [
        '恢复受影响系统，对相关资产加强监测，确认攻击者未再次进入。',
        'Restore the affected systems and watch the related assets closely to make sure the attacker is not back.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E, 'GBT39204-9.2-a'] },
    ),
  ]),
};

export const DDOS: Playbook = {
  id: 'ddos',
  version: 2,
  title: { zh: '拒绝服务攻击处置', en: 'Denial-of-service response' },
  categories: ['ddos'],
  steps: withCommonSteps([
    step(
      'activate-traffic-scrubbing',
      'containment',
      ['启动流量清洗', 'Activate traffic scrubbing'],
      [
        '联系运营商或清洗服务启动清洗、黑洞或限速，优先保障关键业务的访问。',
        'Ask the carrier or scrubbing service to scrub, blackhole or ' +
          'rate-limit, keeping critical business reachable first.',
      ],
      { roles: HANDS, mandatory: true, requirements: [C] },
    ),
    step(
      'capture-attack-traffic',
      'containment',
      ['留存攻击流量', 'Capture attack traffic'],
      [
        '保存攻击期间的流量样本和流量统计，记录峰值和持续时间。',
        'Keep traffic samples and flow statistics from the attack; record the peak and the duration.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [D],
        evidence: [['traffic-capture', '攻击流量样本', 'Attack traffic samples']],
      },
    ),
    step(
      'harden-exposed-services',
      'eradication',
      ['加固暴露服务', 'Harden exposed services'],
      [
        '调整被攻击服务的架构和配置（CDN、限流、关闭放大服务），封堵攻击源。',
        "Change the targeted service's setup (CDN, rate limits, closing amplifiers) and block the attack sources.",
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'restore-service-capacity',
      'recovery',
      ['恢复服务能力', 'Restore service capacity'],
      [
        '逐步撤除临时限制，确认业务访问恢复正常。',
        'Lift the temporary restrictions step by step and confirm access to the business is normal again.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
  ]),
};

export const DATA_LEAK: Playbook = {
  id: 'data-leak',
  version: 2,
  title: { zh: '数据泄露事件处置', en: 'Data leak response' },
  categories: ['data-leak', 'data-security'],
  steps: withCommonSteps([
    step(
      'stop-the-leak',
      'containment',
      ['阻断泄露', 'Stop the leak'],
      [
        '关闭泄露途径：收回权限、下线接口、撤除公开链接，并要求第三方删除已发布的数据。',
        'Close the leak path: revoke access, take interfaces offline, remove ' +
          'public links, and ask third parties to take down published data.',
      ],
      { roles: HANDS, mandatory: true, requirements: [C] },
    ),
    step(
      'preserve-access-records',
      'containment',
      ['保全访问记录', 'Preserve access records'],
      [
        '封存数据库审计、接口访问和下载记录，记录泄露数据的样本位置。',
        'Seal database audit, API access and download records; note where samples of the leaked data were seen.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [D],
        evidence: [['log', '访问和审计日志', 'Access and audit logs']],
      },
    ),
    step(
      'assess-leaked-data',
      'containment',
      ['评估泄露数据', 'Assess the leaked data'],
      [
        '确定泄露数据的类别（重要数据、核心数据、个人信息）和数量，这是定级和报告的依据。',
        'Establish what kinds of data leaked (important, core, personal ' +
          'information) and how many records; grading and the report depend on ' +
          'it.',
      ],
      {
        roles: ['responder', 'commander', 'liaison'],
        mandatory: true,
        requirements: ['GBT39204-11.3-a', 'NCIRM-2025-content'],
      },
    ),
    step(
      'close-leak-path',
      'eradication',
      ['消除泄露原因', 'Remove the cause'],
      [
        '修复导致泄露的漏洞、配置或权限问题，处理违规人员账号。',
        'Fix the vulnerability, misconfiguration or excess permission behind ' +
          'the leak and deal with any misused accounts.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'verify-no-further-exposure',
      'recovery',
      ['确认无持续泄露', 'Verify no further exposure'],
      [
        '恢复必要的数据服务，持续监测数据外流和暗网信息。',
        'Bring the needed data services back and keep watching for outbound data and dark-web listings.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E, 'GBT39204-9.2-a'] },
    ),
  ]),
};

export const WEB_DEFACEMENT: Playbook = {
  id: 'web-defacement',
  version: 2,
  title: { zh: '网页篡改事件处置', en: 'Web defacement response' },
  categories: ['web-defacement'],
  steps: withCommonSteps([
    step(
      'take-page-offline',
      'containment',
      ['下线被篡改页面', 'Take the defaced pages offline'],
      [
        '立即下线被篡改页面或切换到维护页，防止有害信息继续传播。',
        'Take the defaced pages down or switch to a maintenance page at once so the content stops spreading.',
      ],
      { roles: HANDS, mandatory: true, requirements: [C] },
    ),
    step(
      'capture-defaced-content',
      'containment',
      ['固定篡改内容', 'Capture the defaced content'],
      [
        '截图并保存被篡改页面、文件及其修改时间，保存网站和服务器日志。',
        'Screenshot and keep the defaced pages and files with their change times; keep the web and server logs.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [D],
        evidence: [['screenshot', '篡改页面截图', 'Screenshots of the defaced pages']],
      },
    ),
    step(
      'remove-webshells-and-fix',
      'eradication',
      ['清除webshell并修复漏洞', 'Remove webshells and fix the hole'],
      [
        '查找并清除webshell和被植入的文件，修复被利用的漏洞或弱口令。',
        'Find and remove webshells and planted files; fix the exploited vulnerability or weak password.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'restore-from-known-good',
      'recovery',
      ['从可信版本恢复网站', 'Restore the site from a known-good version'],
      [
        '用可信的代码和内容版本重建网站，开启网页防篡改监测。',
        'Rebuild the site from trusted code and content and switch on tamper monitoring.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E, 'GBT39204-9.2-a'] },
    ),
  ]),
};

export const SERVICE_OUTAGE: Playbook = {
  id: 'service-outage',
  version: 2,
  title: { zh: '设备故障和服务中断处置', en: 'Equipment failure and service outage response' },
  categories: ['service-outage', 'equipment-failure'],
  steps: withCommonSteps([
    step(
      'fail-over-to-standby',
      'containment',
      ['切换到备用系统', 'Fail over to standby'],
      [
        '按预案切换到备用设备、备用线路或灾备中心，优先恢复关键业务。',
        'Switch to standby equipment, backup lines or the disaster-recovery ' +
          'site as the plan says, critical business first.',
      ],
      { roles: HANDS, mandatory: true, requirements: [C] },
    ),
    step(
      'preserve-fault-records',
      'containment',
      ['保留故障记录', 'Preserve fault records'],
      [
        '保存设备告警、日志和变更记录，确认是否有人为或攻击因素。',
        'Keep device alarms, logs and change records, and check whether a person or an attack was involved.',
      ],
      { roles: HANDS, mandatory: true, requirements: [D] },
    ),
    step(
      'diagnose-root-cause',
      'eradication',
      ['诊断根本原因', 'Diagnose the root cause'],
      ['联合厂商定位故障原因，排除安全攻击可能。', 'Find the cause with the vendor, and rule an attack in or out.'],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'repair-or-replace',
      'eradication',
      ['维修或更换', 'Repair or replace'],
      ['维修或更换故障设备，修正错误配置。', 'Repair or replace the failed equipment and correct wrong configuration.'],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'switch-back-and-verify',
      'recovery',
      ['回切并验证', 'Switch back and verify'],
      [
        '在业务低峰回切到主系统，确认业务和数据一致。',
        'Switch back to the primary system at a quiet time and confirm the business and data are consistent.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
  ]),
};

export const SUPPLY_CHAIN: Playbook = {
  id: 'supply-chain-compromise',
  version: 2,
  title: { zh: '供应链攻击事件处置', en: 'Supply-chain compromise response' },
  categories: ['supply-chain-compromise'],
  steps: withCommonSteps([
    step(
      'identify-affected-components',
      'containment',
      ['识别受影响组件', 'Identify affected components'],
      [
        '依据厂商通告和软件物料清单，找出使用受影响产品、版本或更新的所有系统。',
        'From the vendor notice and the software bill of materials, find every ' +
          'system running the affected product, version or update.',
      ],
      { roles: HANDS, mandatory: true, requirements: [C, 'GBT39204-10.4-a'] },
    ),
    step(
      'disable-compromised-updates',
      'containment',
      ['停用受污染组件', 'Disable the compromised component'],
      [
        '停止自动更新，隔离或停用受污染组件，阻断其外联。',
        'Stop automatic updates, isolate or disable the tainted component and block its outbound traffic.',
      ],
      { roles: HANDS, mandatory: true, requirements: [C] },
    ),
    step(
      'preserve-vendor-artifacts',
      'containment',
      ['保全供应商制品', 'Preserve vendor artifacts'],
      [
        '保存受污染的安装包、更新包、签名信息和相关日志。',
        'Keep the tainted installers, update packages, signatures and related logs.',
      ],
      {
        roles: HANDS,
        mandatory: true,
        requirements: [D],
        evidence: [['sample', '受污染安装包及哈希', 'Tainted packages and hashes']],
      },
    ),
    step(
      'coordinate-with-vendor',
      'eradication',
      ['与供应商协同', 'Coordinate with the vendor'],
      [
        '要求供应商说明影响范围，获取干净版本或补丁。',
        'Get the vendor to state the impact and provide a clean version or a patch.',
      ],
      { roles: ['commander', 'liaison'], mandatory: false, requirements: [E] },
    ),
    step(
      'replace-component-rotate-secrets',
      'eradication',
      ['替换组件并轮换密钥', 'Replace the component and rotate secrets'],
      [
        '替换为干净版本，轮换该组件可接触到的凭据和密钥，检查是否被进一步利用。',
        'Replace it with a clean version, rotate the credentials and keys it ' +
          'could reach, and check for follow-on abuse.',
      ],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'restore-and-verify',
      'recovery',
      ['恢复并验证', 'Restore and verify'],
      [
        '恢复相关业务，验证组件完整性并持续监测。',
        "Bring the business back, verify the component's integrity and keep monitoring.",
      ],
      { roles: HANDS, mandatory: true, requirements: [E, 'GBT39204-9.2-a'] },
    ),
  ]),
};

export const GENERIC: Playbook = {
  id: 'generic',
  version: 2,
  title: { zh: '通用事件处置', en: 'Generic incident response' },
  categories: [],
  steps: withCommonSteps([
    step(
      'contain-impact',
      'containment',
      ['控制影响', 'Contain the impact'],
      [
        '采取隔离、停用、封堵等措施，防止事件扩大。',
        'Isolate, disable or block whatever is needed to stop the incident from spreading.',
      ],
      { roles: HANDS, mandatory: true, requirements: [C] },
    ),
    step(
      'preserve-evidence',
      'containment',
      ['保护现场和证据', 'Protect the scene and preserve evidence'],
      [
        '保存日志、样本、截图等证据，记录保管链，避免破坏现场。',
        'Keep logs, samples and screenshots, record the chain of custody, and avoid disturbing the scene.',
      ],
      { roles: HANDS, mandatory: true, requirements: [D] },
    ),
    step(
      'eradicate-cause',
      'eradication',
      ['消除原因', 'Remove the cause'],
      ['查明并消除事件原因。', 'Find and remove the cause of the incident.'],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
    step(
      'restore-business',
      'recovery',
      ['恢复业务', 'Restore the business'],
      ['恢复受影响的关键业务并确认正常。', 'Bring the affected critical business back and confirm it works.'],
      { roles: HANDS, mandatory: true, requirements: [E] },
    ),
  ]),
};

export const PLAYBOOKS: readonly Playbook[] = [
  RANSOMWARE,
  MALWARE,
  INTRUSION,
  DDOS,
  DATA_LEAK,
  WEB_DEFACEMENT,
  SERVICE_OUTAGE,
  SUPPLY_CHAIN,
  GENERIC,
];
