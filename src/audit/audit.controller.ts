import { Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CurrentPrincipal, Roles, type Principal } from '../auth';
import { ErrorBody, ApiStandardErrors, schemaRef } from '../http';
import { AuditService } from './audit.service';
import { AUDIT_SCAN_WINDOW, OrganisationAudit } from './organisation-audit.service';

const BROKEN_REASONS = ['seq-gap', 'prev-hash-mismatch', 'payload-digest-mismatch', 'hash-mismatch', 'head-mismatch'];
/** The whole-chain walk also checks the witnesses outside the database (AuditService.verify). */
const VERIFY_REASONS = [
  ...BROKEN_REASONS,
  'behind-witness',
  'witness-mismatch',
  'witness-invalid',
  'report-head-mismatch',
];

class BrokenLinkView {
  @ApiProperty() seq!: number;
  @ApiProperty({ enum: VERIFY_REASONS }) reason!: string;
  @ApiPropertyOptional() action?: string;
  @ApiPropertyOptional() at?: string;
}

class WitnessView {
  @ApiProperty({
    enum: ['valid', 'absent', 'invalid'],
    description: 'The witness file beside the audit key (AUDIT_WITNESS_FILE)',
  })
  state!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The highest entry this deployment is known to have committed',
  })
  seq!: number | null;
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() problem?: string;
}

class BrokenReportHeadView {
  @ApiProperty() reportId!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() seq!: number;
}

class ReportHeadsView {
  @ApiProperty({ description: 'Submitted reports whose audit head was checked against the chain' }) checked!: number;
  @ApiProperty({
    type: [BrokenReportHeadView],
    description: 'Reports whose recipients hold a head the chain no longer has',
  })
  broken!: BrokenReportHeadView[];
}

class VerifyView {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Entries checked and found intact' }) entries!: number;
  @ApiProperty({ type: Number, nullable: true }) headSeq!: number | null;
  @ApiPropertyOptional({ type: BrokenLinkView }) firstBroken?: BrokenLinkView;
  @ApiProperty({ type: WitnessView }) witness!: WitnessView;
  @ApiProperty({ type: ReportHeadsView }) reportHeads!: ReportHeadsView;
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;

class OrganisationAuditQuery {
  @ApiPropertyOptional({
    description: 'Entries older than this sequence number (the `nextBefore` of the previous page)',
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(Number.MAX_SAFE_INTEGER)
  before?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

class EntryVerificationView {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ enum: [...BROKEN_REASONS, 'next-link-mismatch'] }) problem?: string;
}

class OrganisationAuditEntryView {
  @ApiProperty() seq!: number;
  @ApiProperty() at!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty({ type: String, nullable: true }) actorRole!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty({ type: String, nullable: true }) incidentId!: string | null;
  @ApiProperty({
    ...schemaRef('JsonValue'),
    description: 'What changed (an object); the stored text itself when it is not JSON (a damaged entry)',
  })
  payload!: unknown;
  @ApiProperty({
    type: EntryVerificationView,
    description: 'Payload digest, own hash, link to the previous entry and from the next one (or the keyed head)',
  })
  verification!: EntryVerificationView;
}

class OrganisationAuditPageView {
  @ApiProperty({ type: [OrganisationAuditEntryView] }) items!: OrganisationAuditEntryView[];
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Pass as `before` for the next (older) page; null at the start of the trail',
  })
  nextBefore!: number | null;
}

@ApiStandardErrors()
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly organisation: OrganisationAudit,
  ) {}

  @Get('verify')
  @Roles('admin')
  @ApiOperation({
    summary:
      "Platform admins: walk the whole hash chain (every organisation's entries) and name the first broken entry",
  })
  @ApiOkResponse({ type: VerifyView })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Not a platform admin' })
  verify(@CurrentPrincipal() p: Principal) {
    // The walk costs O(entries) and its answer describes the whole deployment: not for tenants.
    if (!p.isPlatformAdmin)
      throw new ForbiddenException(
        "Only platform admins verify the whole chain; your organisation's " +
          'entries, each checked in the chain, are at GET /api/v1/audit/entries',
      );
    return this.audit.verify();
  }

  @Get('entries')
  @Roles('admin', 'leader', 'department-officer')
  @ApiOperation({
    summary: "Your organisation's audit entries, newest first, each checked against its neighbours in the chain",
    description:
      `Walks back at most ${AUDIT_SCAN_WINDOW} chain entries per ` +
      `call, so a page may hold fewer than \`limit\` entries; ` +
      `follow \`nextBefore\`.`,
  })
  @ApiOkResponse({ type: OrganisationAuditPageView })
  entries(@CurrentPrincipal() p: Principal, @Query() q: OrganisationAuditQuery) {
    return this.organisation.page(p, { before: q.before, limit: q.limit ?? 50 });
  }
}
