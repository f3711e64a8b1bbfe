import { ApiProperty } from '@nestjs/swagger';
import type { EntityManager } from 'typeorm';
import { type Grade, BilingualText } from '../common';
import { RECIPIENT_KINDS } from '../requirements';

export class NationalChannelView {
  @ApiProperty({ enum: ['hotline', 'web', 'mini-program', 'wechat-account', 'email', 'fax'] }) kind!: string;
  @ApiProperty({ example: '12387' }) value!: string;
  @ApiProperty({
    type: BilingualText,
    example: { zh: '12387 网络安全事件报告热线', en: '12387 incident-reporting hotline' },
  })
  label!: BilingualText;
}

export class RecipientCoverageView {
  @ApiProperty({
    enum: RECIPIENT_KINDS,
    isArray: true,
    description: 'Recipient kinds the reporting rule (and any sector regulator rule) requires for this incident',
  })
  required!: string[];
  @ApiProperty({
    enum: RECIPIENT_KINDS,
    isArray: true,
    description:
      'Required kinds nobody would receive: no department of this ' +
      'deployment, no active external recipient. Report to them another way.',
  })
  missing!: string[];
  @ApiProperty({
    type: [NationalChannelView],
    description:
      'The national reporting channels (requirements/reporting-rules.yaml ' +
      'nationalChannels), given whenever a kind is missing',
  })
  nationalChannels!: NationalChannelView[];
}

/**
 * Where an operator's reports would go, as the incident answer shows it while a report is owed.
 * The reports module knows (recipients, departments, rules) and provides it; incidents only asks,
 * so the dependency points from reports to incidents and not back (README "Module map").
 */
export abstract class RecipientCoverageSource {
  abstract coverageFor(em: EntityManager, orgId: string, grade: Grade, drill: boolean): Promise<RecipientCoverageView>;
}
