import { Controller, ForbiddenException, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
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
import { OrganisationAudit } from './organisation-audit.service';

const BROKEN_REASONS = ['seq-gap', 'prev-hash-mismatch', 'payload-digest-mismatch', 'hash-mismatch', 'head-mismatch'];
/** Verification also checks the checkpoints and the witnesses outside the database (AuditService.verify). */
const VERIFY_REASONS = [
  ...BROKEN_REASONS,
  'behind-witness',
  'witness-mismatch',
  'witness-invalid',
  'report-head-mismatch',
  'checkpoint-invalid',
  'checkpoint-mismatch',
  'unchained-entries',
];

class BrokenLinkView {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The entry's id (`seq`); null when the break is not one entry (a head, a checkpoint, a witness)",
  })
  seq!: number | null;
  @ApiProperty({
    description:
      "The chain: an organisation's id, `system`, `global` (entries written before chains per " +
      'organisation), `checkpoints`, or `?` when no one chain is to blame',
  })
  chain!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'The place in that chain' }) chainSeq!: number | null;
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
    description: 'The newest signed checkpoint the witness saw',
  })
  checkpoint!: number | null;
  @ApiProperty({ description: 'Chain heads the witness names beyond that checkpoint' }) heads!: number;
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() problem?: string;
}

class CheckpointRefView {
  @ApiProperty() id!: number;
  @ApiProperty() at!: string;
}

class CheckpointsView {
  @ApiProperty({ description: 'Signed checkpoints over the chain heads' }) count!: number;
  @ApiProperty({ type: CheckpointRefView, nullable: true }) latest!: CheckpointRefView | null;
  @ApiProperty({ description: 'Their own chain and MACs are intact' }) ok!: boolean;
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
  @ApiProperty({ type: Number, nullable: true, description: 'The highest entry id' }) headSeq!: number | null;
  @ApiProperty({ description: 'Chains walked: one per organisation with entries, and `system`' }) chains!: number;
  @ApiPropertyOptional({ type: BrokenLinkView }) firstBroken?: BrokenLinkView;
  @ApiProperty({ type: WitnessView }) witness!: WitnessView;
  @ApiProperty({ type: CheckpointsView }) checkpoints!: CheckpointsView;
  @ApiProperty({ type: ReportHeadsView }) reportHeads!: ReportHeadsView;
}

class ChainCheckpointView {
  @ApiProperty({ description: 'The newest checkpoint naming this chain' }) id!: number;
  @ApiProperty({ description: 'The place of the head it names' }) chainSeq!: number;
  @ApiProperty({ description: 'The checkpoint verifies and the chain still holds that head' }) ok!: boolean;
}

class ChainVerifyView {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'The chain: the organisation id' }) chain!: string;
  @ApiProperty({ description: 'Entries checked and found intact' }) entries!: number;
  @ApiProperty({ description: "The place of the chain's head (0: no entries)" }) headChainSeq!: number;
  @ApiPropertyOptional({ type: BrokenLinkView }) firstBroken?: BrokenLinkView;
  @ApiProperty({ type: ChainCheckpointView, nullable: true }) checkpoint!: ChainCheckpointView | null;
  @ApiProperty({ type: ReportHeadsView }) reportHeads!: ReportHeadsView;
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;

class OrganisationAuditQuery {
  @ApiPropertyOptional({
    description: 'Entries before this place in the chain (`chainSeq`; the `nextBefore` of the previous page)',
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
  @ApiProperty({ description: "The entry's id, unique in the deployment" }) seq!: number;
  @ApiProperty({ description: "Its place in the organisation's chain" }) chainSeq!: number;
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
    description: 'Pass as `before` for the next (older) page; null at the start of the chain',
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
      'Platform admins: verify the whole deployment (every chain, the signed checkpoints, the witnesses) ' +
      'and name the first break',
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

  @Get('organisations/:orgId/verify')
  @Roles('admin')
  @ApiOperation({
    summary:
      "Platform admins: verify one organisation's chain (links, keyed head, the newest checkpoint naming it, " +
      "its reports' heads), reading no other organisation's entries",
  })
  @ApiOkResponse({ type: ChainVerifyView })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Not a platform admin' })
  verifyOrganisation(@CurrentPrincipal() p: Principal, @Param('orgId', ParseUUIDPipe) orgId: string) {
    if (!p.isPlatformAdmin) throw new ForbiddenException('Only platform admins verify chains');
    return this.audit.verifyChain(orgId);
  }

  @Get('entries')
  @Roles('admin', 'leader', 'department-officer')
  @ApiOperation({
    summary: "Your organisation's audit entries, newest first, each checked against its neighbours in the chain",
    description: "Pages through your organisation's chain: follow `nextBefore`.",
  })
  @ApiOkResponse({ type: OrganisationAuditPageView })
  entries(@CurrentPrincipal() p: Principal, @Query() q: OrganisationAuditQuery) {
    return this.organisation.page(p, { before: q.before, limit: q.limit ?? 50 });
  }
}
