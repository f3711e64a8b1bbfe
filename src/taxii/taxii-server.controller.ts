import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, type Principal } from '../auth';
import { ApiStandardErrors, ErrorBody } from '../http';
import {
  requireTaxiiAccept,
  requireTaxiiContent,
  TAXII_DISCOVERY_PATH,
  TAXII_MEDIA_TYPE,
  TaxiiExceptionFilter,
} from './taxii-http';
import { TaxiiServer, type Paged, type TaxiiFilterParams } from './taxii-server.service';
import {
  TaxiiApiRootView,
  TaxiiCollectionsView,
  TaxiiCollectionView,
  TaxiiDiscoveryView,
  TaxiiEnvelopeView,
  TaxiiErrorView,
  TaxiiManifestView,
  TaxiiStatusView,
  TaxiiVersionsView,
} from './taxii.views';

const taxii = (view: object) => ({ [TAXII_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(view as never) } } });
const taxiiError = (status: number, description: string, alsoJson = false) =>
  ApiResponse({
    status,
    description,
    content: {
      ...taxii(TaxiiErrorView),
      ...(alsoJson ? { 'application/json': { schema: { $ref: getSchemaPath(ErrorBody) } } } : {}),
    },
  });
const ok = (view: object, description: string, status = 200) =>
  ApiResponse({ status, description, content: taxii(view) });

const FILTERS = [
  ApiQuery({ name: 'added_after', required: false, type: String, description: 'Only objects added after this time' }),
  ApiQuery({ name: 'limit', required: false, type: Number, description: 'Page size (default 100, at most 1000)' }),
  ApiQuery({ name: 'next', required: false, type: String, description: 'The `next` of the previous page' }),
  ApiQuery({ name: 'match[id]', required: false, type: String, description: 'Comma-separated STIX ids' }),
  ApiQuery({ name: 'match[type]', required: false, type: String, description: 'Comma-separated STIX types' }),
  ApiQuery({
    name: 'match[version]',
    required: false,
    type: String,
    description: '`last` (default), `first`, `all`, or versions',
  }),
  ApiQuery({ name: 'match[spec_version]', required: false, type: String, description: 'e.g. 2.1' }),
];
const filters = (): MethodDecorator => (target, key, descriptor) => {
  for (const d of FILTERS) d(target, key, descriptor);
};

/** Express may parse `match[type]=…` as a nested object (qs) or keep the key (querystring): both are read. */
function filterParams(req: Request): TaxiiFilterParams {
  const query = req.query as Record<string, unknown>;
  const one = (v: unknown): unknown => (Array.isArray(v) ? v.join(',') : v);
  const match: Record<string, unknown> = {};
  if (typeof query.match === 'object' && query.match !== null && !Array.isArray(query.match))
    for (const [k, v] of Object.entries(query.match)) match[k] = one(v);
  for (const [k, v] of Object.entries(query)) {
    const m = /^match\[([^\]]*)\]$/.exec(k);
    if (m) match[m[1]] = one(v);
    else if (k === 'match' && (typeof v !== 'object' || v === null)) match[''] = v;
  }
  return {
    added_after: one(query.added_after),
    limit: one(query.limit),
    next: one(query.next),
    ...(Object.keys(match).length ? { match } : {}),
  };
}

function send<T>(res: Response, page: Paged<T>): T {
  if (page.first) res.setHeader('X-TAXII-Date-Added-First', page.first);
  if (page.last) res.setHeader('X-TAXII-Date-Added-Last', page.last);
  return page.body;
}

@ApiStandardErrors({ notFound: 'No such collection, object or status visible to you' })
@ApiTags('taxii')
@ApiBearerAuth()
@ApiExtraModels(
  TaxiiDiscoveryView,
  TaxiiApiRootView,
  TaxiiCollectionsView,
  TaxiiCollectionView,
  TaxiiEnvelopeView,
  TaxiiManifestView,
  TaxiiVersionsView,
  TaxiiStatusView,
  TaxiiErrorView,
  ErrorBody,
)
@taxiiErrorsOnEveryRoute()
@UseFilters(TaxiiExceptionFilter)
@Controller(TAXII_DISCOVERY_PATH)
export class TaxiiServerController {
  constructor(private readonly server: TaxiiServer) {}

  @Get()
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({ summary: 'TAXII 2.1 discovery: the API roots of this server' })
  @ok(TaxiiDiscoveryView, 'The discovery resource')
  discovery(@Req() req: Request) {
    requireTaxiiAccept(req);
    return this.server.discovery();
  }

  @Get('lianfang')
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({ summary: 'TAXII 2.1 API root' })
  @ok(TaxiiApiRootView, 'The API root resource')
  apiRoot(@Req() req: Request) {
    requireTaxiiAccept(req);
    return this.server.apiRoot();
  }

  @Get('lianfang/collections')
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({ summary: 'TAXII 2.1 collections you may read or write' })
  @ok(TaxiiCollectionsView, 'The collections resource')
  collections(@Req() req: Request, @CurrentPrincipal() p: Principal) {
    requireTaxiiAccept(req);
    return this.server.listCollections(p);
  }

  @Get('lianfang/collections/:id')
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({ summary: 'One TAXII 2.1 collection' })
  @ok(TaxiiCollectionView, 'The collection resource')
  collection(@Req() req: Request, @CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    requireTaxiiAccept(req);
    return this.server.collection(p, id);
  }

  @Get('lianfang/collections/:id/objects')
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({ summary: "A page of a collection's objects, oldest date_added first" })
  @filters()
  @ok(TaxiiEnvelopeView, 'An envelope; X-TAXII-Date-Added-First/-Last bound the page')
  async objects(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ) {
    requireTaxiiAccept(req);
    return send(res, await this.server.objects(p, id, filterParams(req)));
  }

  @Post('lianfang/collections/:id/objects')
  @HttpCode(202)
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({
    summary: 'Add objects to a collection (an operator sharing with its department)',
    description:
      'The envelope is held to the STIX import limits (413/422 with a code); each object is then validated ' +
      'on its own and added, or listed among the failures with the reason.',
  })
  @ApiConsumes(TAXII_MEDIA_TYPE)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['objects'],
      properties: { objects: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    },
  })
  @ok(TaxiiStatusView, 'The status of the request, complete', 202)
  @taxiiError(400, 'Not an envelope, or malformed JSON', true)
  @taxiiError(413, 'Over the body or STIX size limits (code)', true)
  @taxiiError(415, 'The envelope was not sent as application/taxii+json;version=2.1')
  @taxiiError(422, 'Nested too deep or overlong strings (code)', true)
  async addObjects(
    @Req() req: Request,
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
  ) {
    requireTaxiiAccept(req);
    requireTaxiiContent(req);
    return this.server.addObjects(p, id, body);
  }

  @Get('lianfang/collections/:id/objects/:objectId')
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({ summary: 'One object of a collection (its latest version unless match[version] says otherwise)' })
  @ApiParam({ name: 'objectId', description: 'A STIX id' })
  @filters()
  @ok(TaxiiEnvelopeView, 'An envelope')
  async object(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('objectId') objectId: string,
  ) {
    requireTaxiiAccept(req);
    return send(res, await this.server.object(p, id, objectId, filterParams(req)));
  }

  @Get('lianfang/collections/:id/objects/:objectId/versions')
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({ summary: "An object's versions in a collection" })
  @ApiParam({ name: 'objectId', description: 'A STIX id' })
  @filters()
  @ok(TaxiiVersionsView, 'The versions resource')
  async versions(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('objectId') objectId: string,
  ) {
    requireTaxiiAccept(req);
    return send(res, await this.server.versions(p, id, objectId, filterParams(req)));
  }

  @Get('lianfang/collections/:id/manifest')
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({ summary: "A page of a collection's manifest: id, date_added, version, media type per object" })
  @filters()
  @ok(TaxiiManifestView, 'The manifest resource')
  async manifest(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ) {
    requireTaxiiAccept(req);
    return send(res, await this.server.manifest(p, id, filterParams(req)));
  }

  @Get('lianfang/status/:statusId')
  @Header('Content-Type', TAXII_MEDIA_TYPE)
  @ApiOperation({ summary: 'The status of an envelope your organisation POSTed' })
  @ok(TaxiiStatusView, 'The status resource')
  status(@Req() req: Request, @CurrentPrincipal() p: Principal, @Param('statusId', ParseUUIDPipe) statusId: string) {
    requireTaxiiAccept(req);
    return this.server.status(p, statusId);
  }
}

/** TAXII answers errors as TAXII error messages: the statuses every TAXII route can give, in that form. */
function taxiiErrorsOnEveryRoute(): ClassDecorator {
  return (target) => {
    for (const [status, description] of [
      [400, 'A malformed id or filter (details name it)'],
      [401, 'No bearer token, or one that is unknown or revoked'],
      [403, 'Visible to you, but you may not read it (or add to it)'],
      [404, 'No such collection, object or status visible to you'],
      [406, 'The Accept header excludes application/taxii+json;version=2.1'],
      [429, 'Too many failed authentication attempts; Retry-After says when to try again'],
    ] as const)
      taxiiError(status, description)(target);
  };
}
