import { Controller, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { CurrentPrincipal, type Principal } from '../auth';
import { ApiStandardErrors } from '../http';
import { LiveChangeView } from './live-change';
import { LiveStreams, RETRY_MS } from './live-streams';

/**
 * One event of the stream, as OpenAPI 3.2 describes server-sent events (`itemSchema`: an object of
 * the event's fields, `data` a string whose content has its own schema). OpenAPI 3.1, which this
 * document uses, has no place for the schema of one item of a stream, so it stands as the media
 * type's schema; test/contract checks every event of a received stream against it, and each
 * `data` against LiveChangeView.
 */
const STREAM_EVENT_SCHEMA = {
  type: 'object',
  description:
    'One event of the `text/event-stream` body (the body is a sequence of them; OpenAPI 3.1 has no place for ' +
    'the schema of one item of a stream, so it stands here). The first event is `retry: 3000`, sent once the ' +
    'stream listens: every change committed after it arrives. Then one `change` event per change of your ' +
    'organisation, whose `data` is a LiveChangeView in JSON, and a `: ping` comment every LIVE_PING_MS ' +
    '(15 s). The stream does not replay: on every (re)connection, refetch what you show.',
  properties: {
    event: { type: 'string', enum: ['change'], description: 'Set on every event that carries data' },
    data: {
      type: 'string',
      contentMediaType: 'application/json',
      contentSchema: { $ref: getSchemaPath(LiveChangeView) },
      description: 'The change, as JSON (LiveChangeView)',
    },
    id: {
      type: 'string',
      description:
        'A counter of the events of this connection; nothing is replayed, so Last-Event-ID on a reconnection is ' +
        'ignored',
    },
    retry: { type: 'integer', enum: [RETRY_MS], description: 'Milliseconds an EventSource waits to reconnect' },
  },
  dependentRequired: { data: ['event'] },
};

@ApiStandardErrors()
@ApiTags('live')
@ApiBearerAuth()
@ApiExtraModels(LiveChangeView)
@Controller('api/v1')
export class LiveController {
  constructor(private readonly streams: LiveStreams) {}

  // A client that stops reading is dropped once 256 KiB of events wait for it (about 1,500
  // changes; Nest's default is 4 MiB): it reconnects and refetches, which is cheaper than holding them.
  @Sse('stream', { maxPendingDataLength: 256 * 1024 })
  @ApiOperation({
    summary: "Live updates: server-sent events naming each change of your organisation's records (ids and kinds)",
  })
  @ApiOkResponse({
    description: 'A stream of server-sent events (text/event-stream) that stays open until the client leaves',
    content: { 'text/event-stream': { schema: STREAM_EVENT_SCHEMA } },
  })
  stream(@CurrentPrincipal() p: Principal): Observable<MessageEvent> {
    return this.streams.stream(p.orgId);
  }
}
