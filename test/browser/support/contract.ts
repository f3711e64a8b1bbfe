import type { BrowserContext, Response } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenApiContract, type ObservedResponse, type OpenApiDocument } from '../../contract/openapi-contract';
import { ROOT } from './app';

let committed: OpenApiContract | undefined;
/** The committed openapi.json, read once per worker (the same document the e2e suites hold the service to). */
export function committedContract(): OpenApiContract {
  committed ??= new OpenApiContract(JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as OpenApiDocument);
  return committed;
}

/**
 * Every /api response a browser context receives (and every call the spec makes itself through
 * `checkedFetch`) is checked against openapi.json with test/contract's checker: route, declared status,
 * content type, and the body against its schema with undeclared fields refused. The fixture in
 * fixtures.ts fails the test when anything disagrees. The event stream never ends, so its answer is
 * checked for route, status and content type only.
 */
export class ContractRecorder {
  readonly violations: string[] = [];
  checked = 0;
  private readonly pending = new Set<Promise<void>>();

  watch(context: BrowserContext): void {
    context.on('response', (res) => {
      const p = this.fromBrowser(res).finally(() => this.pending.delete(p));
      this.pending.add(p);
    });
  }

  record(res: ObservedResponse): void {
    const result = committedContract().check(res);
    this.checked++;
    if (result.problems.length) {
      this.violations.push(`${result.route} answered ${res.status}:\n    ${result.problems.join('\n    ')}`);
    }
  }

  /** fetch for the spec's own API calls, checked like the browser's. */
  async checkedFetch(url: string, init: RequestInit = {}): Promise<globalThis.Response> {
    const res = await fetch(url, init);
    const parsed = new URL(url);
    this.record({
      method: init.method ?? 'GET',
      url: parsed.pathname + parsed.search,
      status: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      body: Buffer.from(await res.clone().arrayBuffer()),
    });
    return res;
  }

  /** Waits for the bodies still being read, then the violations found (empty when all is well). */
  async settle(): Promise<string[]> {
    while (this.pending.size) await Promise.all([...this.pending]);
    return this.violations;
  }

  private async fromBrowser(res: Response): Promise<void> {
    const url = new URL(res.url());
    if (!url.pathname.startsWith('/api/')) return;
    const contentType = res.headers()['content-type'];
    const method = res.request().method();
    const observed = { method, url: url.pathname + url.search, status: res.status(), contentType };
    if (contentType?.startsWith('text/event-stream')) {
      this.record({ ...observed, body: Buffer.from(': stream\n') });
      return;
    }
    let body: Buffer;
    try {
      body = await res.body();
    } catch {
      // The page navigated or closed before the body was read; Chromium no longer has it.
      return;
    }
    this.record({ ...observed, body });
  }
}
