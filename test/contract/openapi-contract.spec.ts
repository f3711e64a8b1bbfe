import { OpenApiContract, type ObservedResponse, type OpenApiDocument } from './openapi-contract';

/** The contract check itself, on a small document: what it lets through and what it reports. */
describe('OpenApiContract', () => {
  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    paths: {
      '/things/{id}': {
        get: {
          responses: {
            '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
            '404': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          },
        },
      },
      '/things/special': {
        get: { responses: { '200': { content: { 'application/json': { schema: { type: 'string' } } } } } },
      },
      '/things/{id}/page': {
        get: { responses: { '200': { content: { 'text/html': { schema: { type: 'string' } } } } } },
      },
      '/things/{id}/either': {
        post: {
          responses: {
            '200': {
              content: {
                'application/json': {
                  schema: { oneOf: [{ $ref: '#/components/schemas/Thing' }, { $ref: '#/components/schemas/Small' }] },
                },
              },
            },
            '204': { description: 'nothing' },
          },
        },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: 'object',
          required: ['id', 'note', 'kind', 'child', 'extra'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            note: { type: ['string', 'null'] },
            kind: { type: ['string', 'null'], enum: ['a', 'b', null] },
            child: { anyOf: [{ $ref: '#/components/schemas/Small' }, { type: 'null' }] },
            extra: { type: 'object', additionalProperties: true },
          },
        },
        Small: {
          type: 'object',
          required: ['id', 'version'],
          properties: { id: { type: 'string' }, version: { type: 'integer' } },
        },
        Error: { type: 'object', required: ['statusCode'], properties: { statusCode: { type: 'number' } } },
      },
    },
  };
  const contract = new OpenApiContract(doc);
  const id = '6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6';
  const thing = { id, note: null, kind: null, child: null, extra: { anything: [1, 'x'] } };
  const answer = (method: string, url: string, status: number, body: unknown, type = 'application/json') =>
    contract.check({
      method,
      url,
      status,
      contentType: type,
      body: Buffer.from(typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body)),
    } satisfies ObservedResponse);

  it('passes an answer the document describes, nulls and free-form objects included', () => {
    expect(answer('GET', `/things/${id}?x=1`, 200, thing)).toEqual({
      route: 'GET /things/{id}',
      problems: [],
      validated: true,
    });
    expect(
      answer('GET', `/things/${id}`, 200, { ...thing, kind: 'a', child: { id: 'c', version: 1 } }).problems,
    ).toEqual([]);
  });

  it('names a field the document does not list, with its path', () => {
    const r = answer('GET', `/things/${id}`, 200, { ...thing, child: { id: 'c', version: 1, secret: 's' } });
    expect(r.problems).toEqual([expect.stringMatching(/\/child must NOT have additional properties "secret"/)]);
  });

  it('names a field of the wrong type, and an enum value or format that is not allowed', () => {
    const r = answer('GET', `/things/${id}`, 200, { ...thing, id: 'not-a-uuid', note: 3, kind: 'c' });
    expect(r.problems.join('\n')).toMatch(/\/id must match format "uuid"/);
    expect(r.problems.join('\n')).toMatch(/\/note must be string,null/);
    expect(r.problems.join('\n')).toMatch(/\/kind must be equal to one of the allowed values/);
  });

  it('reports a status the operation does not declare, and an undocumented operation', () => {
    expect(answer('GET', `/things/${id}`, 409, { statusCode: 409 }).problems).toEqual([
      'status 409 is not declared (declared: 200, 404)',
    ]);
    expect(answer('DELETE', `/things/${id}`, 200, {}).problems).toEqual([
      `no operation DELETE /things/${id} in the document, yet it answered 200`,
    ]);
    // The framework's 404 for a route that does not exist is not an operation of the API.
    expect(answer('GET', '/nowhere', 404, { statusCode: 404 }).problems).toEqual([]);
  });

  it('matches a literal segment before a parameter', () => {
    expect(answer('GET', '/things/special', 200, 'plain').route).toBe('GET /things/special');
  });

  it('tells the branches of a oneOf apart only because objects are closed', () => {
    expect(answer('POST', `/things/${id}/either`, 200, { id: 'x', version: 2 }).problems).toEqual([]);
    expect(answer('POST', `/things/${id}/either`, 200, thing).problems).toEqual([]);
    expect(answer('POST', `/things/${id}/either`, 200, { id: 'x' }).problems).not.toEqual([]);
  });

  it('checks the declared content type and an empty body', () => {
    expect(answer('GET', `/things/${id}/page`, 200, '<html></html>', 'text/html; charset=utf-8').problems).toEqual([]);
    expect(answer('GET', `/things/${id}/page`, 200, '{}', 'application/json').problems).toEqual([
      'status 200: content type application/json is not declared (text/html)',
    ]);
    expect(answer('POST', `/things/${id}/either`, 204, undefined).problems).toEqual([]);
    expect(answer('POST', `/things/${id}/either`, 204, { x: 1 }).problems).toEqual([
      'status 204: a body was sent but none is declared',
    ]);
  });

  it('reads a declared media type with parameters (TAXII) and a route with a trailing slash', () => {
    const taxii = new OpenApiContract({
      openapi: '3.1.0',
      paths: {
        '/taxii2/roots/{id}': {
          get: {
            responses: {
              '200': {
                content: {
                  'application/taxii+json;version=2.1': {
                    schema: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } },
                  },
                },
              },
            },
          },
        },
      },
    });
    const check = (url: string, type: string, body: unknown) =>
      taxii.check({ method: 'GET', url, status: 200, contentType: type, body: Buffer.from(JSON.stringify(body)) });
    const type = 'application/taxii+json;version=2.1; charset=utf-8';
    expect(check('/taxii2/roots/a/', type, { title: 't' })).toMatchObject({
      route: 'GET /taxii2/roots/{id}',
      problems: [],
    });
    expect(check('/taxii2/roots/a/', type, { title: 't' }).validated).toBe(true);
    expect(check('/taxii2/roots/a', type, { title: 't', extra: 1 }).problems).toEqual([
      expect.stringContaining('must NOT have additional properties "extra"'),
    ]);
    expect(check('/taxii2/roots/a/', 'application/json', { title: 't' }).problems).toEqual([
      'status 200: content type application/json is not declared (application/taxii+json;version=2.1)',
    ]);
  });

  describe('a stream of server-sent events', () => {
    const events = new OpenApiContract({
      openapi: '3.1.0',
      paths: {
        '/events': {
          get: {
            responses: {
              '200': {
                content: {
                  'text/event-stream': {
                    schema: {
                      type: 'object',
                      properties: {
                        event: { type: 'string', enum: ['change'] },
                        data: {
                          type: 'string',
                          contentMediaType: 'application/json',
                          contentSchema: { $ref: '#/components/schemas/Small' },
                        },
                        id: { type: 'string' },
                        retry: { type: 'integer' },
                      },
                      dependentRequired: { data: ['event'] },
                    },
                  },
                },
              },
            },
          },
        },
      },
      components: doc.components,
    });
    const stream = (text: string) =>
      events.check({
        method: 'GET',
        url: '/events',
        status: 200,
        contentType: 'text/event-stream',
        body: Buffer.from(text),
      });

    it('checks every complete event, and its data against the content schema', () => {
      const ok = stream(
        '\nid: 1\nretry: 3000\n\n: ping\n\n' +
          'event: change\nid: 2\ndata: {"id":"a","version":1}\n\n' +
          'event: change\ndata: {"id"',
      );
      expect(ok).toEqual({ route: 'GET /events', problems: [], validated: true });
    });

    it('names the event whose data the schema does not describe, or that is not JSON', () => {
      const r = stream('event: change\ndata: {"id":"a","version":1,"title":"secret"}\n\nevent: change\ndata: nope\n\n');
      expect(r.problems).toEqual([
        expect.stringMatching(/^event 0 data: status 200: \(body\) must NOT have additional properties "title"/),
        'event 1: status 200: data is not JSON',
      ]);
    });

    it('names an event field the schema does not list, and data without its event type', () => {
      const r = stream('evnt: change\n\ndata: {"id":"a","version":1}\n\n');
      expect(r.problems).toEqual([
        expect.stringMatching(/^event 0: status 200: \(body\) must NOT have additional properties "evnt"/),
        expect.stringMatching(/^event 1: status 200: \(body\) must have property event when property data is present/),
      ]);
    });
  });

  describe('a stream of several kinds of event (oneOf)', () => {
    const kinds = new OpenApiContract({
      openapi: '3.1.0',
      paths: {
        '/events': {
          get: {
            responses: {
              '200': {
                content: {
                  'text/event-stream': {
                    schema: {
                      oneOf: [
                        {
                          type: 'object',
                          properties: {
                            event: { type: 'string', const: 'ready' },
                            data: { type: 'string', const: '{}' },
                            retry: { type: 'integer' },
                          },
                          required: ['event', 'data'],
                        },
                        {
                          type: 'object',
                          properties: {
                            event: { type: 'string', const: 'change' },
                            data: {
                              type: 'string',
                              contentMediaType: 'application/json',
                              contentSchema: { $ref: '#/components/schemas/Small' },
                            },
                            id: { type: 'string' },
                          },
                          required: ['event', 'data'],
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
        },
      },
      components: doc.components,
    });
    const stream = (text: string) =>
      kinds.check({
        method: 'GET',
        url: '/events',
        status: 200,
        contentType: 'text/event-stream',
        body: Buffer.from(text),
      });

    it("checks each event's data by the content schema of its own kind", () => {
      const ok = stream(
        'event: ready\nretry: 3000\ndata: {}\n\nevent: change\nid: 2\ndata: {"id":"a","version":1}\n\n',
      );
      expect(ok).toEqual({ route: 'GET /events', problems: [], validated: true });
      const bad = stream('event: ready\ndata: {"x":1}\n\nevent: change\ndata: {"id":"a"}\n\n');
      // The ready event fits neither kind; the change event is a change, whose data lacks a field.
      expect(bad.problems).toEqual([
        'event 0: status 200: /data must be equal to constant (schema #/oneOf/0/properties/data/const)',
        'event 0: status 200: /event must be equal to constant (schema #/oneOf/1/properties/event/const)',
        expect.stringMatching(/^event 1 data: status 200: \(body\) must have required property 'version'/),
      ]);
    });
  });

  it('names a fault repeated in every element of an array once, with a count', () => {
    const list = new OpenApiContract({
      openapi: '3.1.0',
      paths: {
        '/list': {
          get: {
            responses: {
              '200': {
                content: {
                  'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Small' } } },
                },
              },
            },
          },
        },
      },
      components: doc.components,
    });
    const r = list.check({
      method: 'GET',
      url: '/list',
      status: 200,
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify([1, 2, 3].map((v) => ({ id: 'x', version: String(v) })))),
    });
    expect(r.problems).toEqual([
      expect.stringMatching(/^status 200: \/0\/version must be integer \(and 2 more like it\)/),
    ]);
  });
});
