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
const EVENT_ID = {
  type: 'string',
  description:
    'A counter of the events of this connection; nothing is replayed, so Last-Event-ID on a reconnection is ignored',
};

/** The first event of a stream: it listens from here on. */
const READY_EVENT = {
  type: 'object',
  title: 'ready',
  properties: {
    event: { type: 'string', const: 'ready' },
    data: { type: 'string', const: '{}', description: 'Nothing: an event a browser dispatches needs data' },
    id: EVENT_ID,
    retry: { type: 'integer', enum: [RETRY_MS], description: 'Milliseconds an EventSource waits to reconnect' },
  },
  required: ['event', 'data', 'retry'],
};

/** One change of the organisation's records. */
const CHANGE_EVENT = {
  type: 'object',
  title: 'change',
  properties: {
    event: { type: 'string', const: 'change' },
    data: {
      type: 'string',
      contentMediaType: 'application/json',
      contentSchema: { $ref: getSchemaPath(LiveChangeView) },
      description: 'The change, as JSON (LiveChangeView)',
    },
    id: EVENT_ID,
  },
  required: ['event', 'data'],
};

const STREAM_EVENT_SCHEMA = {
  description:
    'One event of the `text/event-stream` body (the body is a sequence of them; OpenAPI 3.1 has no place for ' +
    'the schema of one item of a stream, so it stands here). The first event is `ready`, with `retry: 3000`, sent ' +
    'once the stream listens: every change committed after it arrives. Then one `change` event per change of ' +
    'your organisation, whose `data` is a LiveChangeView in JSON, and a `: ping` comment every LIVE_PING_MS ' +
    "(15 s). The stream does not replay: whenever it is ready (each connection's `ready`, not EventSource's " +
    '`open`, which comes with the headers, before the stream listens), refetch what you show.',
  oneOf: [READY_EVENT, CHANGE_EVENT],
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
