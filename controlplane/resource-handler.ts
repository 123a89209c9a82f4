// HTTP verbs on resources → object operations: get, list, watch, create, update, patch,
// delete, deletecollection, and the status subresource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeBody, mediaType, readBody, requireObject } from './body.ts';
import { ApiError, badRequest, methodNotAllowed, statusObject, unsupportedMediaType } from './errors.ts';
import type { Objects, WriteOptions } from './objects.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import type { Registry } from './registry.ts';
import type { ResourceRequest } from './request-info.ts';
import { sendJson } from './respond.ts';
import { checkApplyOptions, dryRunQuery, listQuery, queryBool, requestTimeoutMs, writeQuery } from './query.ts';
import { ensureReached, requestedVersion } from './resource-version.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { toTable, type IncludeObject } from './table.ts';
import type { KubeObject, ResourceType } from './types.ts';
import { serveWatch, type WatchDeps } from './watch-stream.ts';

export interface HandlerDeps extends WatchDeps {
  registry: Registry;
  objects: Objects;
  now: () => Date;
}

/** A create-only kind: the answer to the posted object, 201 as kube-apiserver sends it. */
async function answerCreate(
  req: IncomingMessage,
  res: ServerResponse,
  rt: ResourceType,
  r: ResourceRequest,
  user: string,
  deps: HandlerDeps,
): Promise<number> {
  if (req.method !== 'POST' || r.name !== undefined || r.namespace !== undefined) throw methodNotAllowed();
  const body = asObject(decodeBody(await readBody(req), req.headers['content-type']));
  const apiVersion = rt.group ? `${rt.group}/${rt.version}` : rt.version;
  if ((body.apiVersion !== undefined && body.apiVersion !== apiVersion) || (body.kind !== undefined && body.kind !== rt.kind)) {
    throw badRequest(`the body is ${String(body.apiVersion)} ${String(body.kind)}, not ${apiVersion} ${rt.kind}`);
  }
  const answer = rt.answer!(
    { ...body, apiVersion, kind: rt.kind, metadata: body.metadata ?? {} },
    { user, served: () => deps.registry.all() },
  );
  sendJson(res, 201, answer);
  return 201;
}

export function verbOf(method: string, r: ResourceRequest, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (queryBool(query, 'watch')) return 'watch';
      return r.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** kube-apiserver's manager for writes that name none: the User-Agent up to its first "/" (printable, ≤ 128). */
export function managerFromUserAgent(userAgent: string | undefined): string {
  let out = '';
  for (const c of (userAgent ?? '').split('/')[0]!) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(c)) continue;
    if (out.length + c.length > 128) break;
    out += c;
  }
  return out;
}

function writeOptions(
  req: IncomingMessage,
  query: URLSearchParams,
  kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions',
): WriteOptions & { force: boolean | undefined } {
  const { dryRun, fieldValidation, fieldManager, force } = writeQuery(query, kind);
  return { dryRun, fieldValidation, warnings: [], fieldManager: fieldManager ?? managerFromUserAgent(req.headers['user-agent']), force };
}

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject') ?? 'Metadata';
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function asObject(value: unknown): KubeObject {
  const obj = requireObject(value) as KubeObject;
  if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))) {
    throw badRequest('metadata must be an object');
  }
  return obj;
}

function applyPatch(rt: ResourceType, contentType: string | undefined, current: KubeObject, body: Buffer): KubeObject {
  const type = mediaType(contentType);
  if (type === 'application/merge-patch+json') return asObject(mergePatch(current, decodeBody(body, type)));
  if (type === 'application/json-patch+json') return asObject(jsonPatch(current, decodeBody(body, type)));
  if (type === 'application/strategic-merge-patch+json' && rt.strategicMerge) {
    return asObject(strategicMergePatch(current, decodeBody(body, 'application/json')));
  }
  const accepted = rt.strategicMerge
    ? 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json'
    : 'application/json-patch+json, application/merge-patch+json';
  // (application/apply-patch+yaml is server-side apply, handled before this.)
  throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${accepted}`);
}

export async function handleResource(
  req: IncomingMessage,
  res: ServerResponse,
  r: ResourceRequest,
  query: URLSearchParams,
  deps: HandlerDeps,
  user: string,
): Promise<number> {
  const rt = deps.registry.find(r.group, r.version, r.resource);
  if (!rt) throw pathNotFound();
  if (rt.answer) return answerCreate(req, res, rt, r, user, deps);
  if (r.subresource && (r.subresource !== 'status' || !rt.statusSubresource || !r.name)) throw pathNotFound();
  if (!rt.namespaced && r.namespace !== undefined && r.resource !== 'namespaces') throw pathNotFound();
  const method = req.method ?? 'GET';
  const verb = verbOf(method, r, query);
  if (verb !== 'watch') requestTimeoutMs(query);
  if (rt.namespaced && r.namespace === undefined && !['list', 'watch', 'deletecollection'].includes(verb)) throw pathNotFound();
  const { objects } = deps;
  const ns = rt.namespaced ? r.namespace : undefined;
  const accept = req.headers.accept;
  const render = (obj: KubeObject): unknown =>
    wantsTable(accept) ? toTable(rt, [obj], {}, includeObject(query), deps.now().getTime()) : obj;

  switch (verb) {
    case 'get': {
      ensureReached(requestedVersion(query.get('resourceVersion')), deps.store.currentResourceVersion());
      const obj = objects.get(rt, ns, r.name!);
      sendJson(res, 200, render(obj));
      return 200;
    }
    case 'list': {
      const q = listQuery(query);
      ensureReached(requestedVersion(q.resourceVersion), deps.store.currentResourceVersion());
      const label = parseLabelSelector(q.labelSelector);
      const field = parseFieldSelector(q.fieldSelector, rt.kind);
      const result = objects.list(rt, ns, { label, field, limit: q.limit, continueToken: q.continueToken });
      const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
      if (result.continueToken) listMeta.continue = result.continueToken;
      if (result.remainingItemCount !== undefined) listMeta.remainingItemCount = result.remainingItemCount;
      if (wantsTable(accept)) {
        sendJson(res, 200, toTable(rt, result.items, listMeta, includeObject(query), deps.now().getTime()));
      } else {
        const apiVersion = rt.group ? `${rt.group}/${rt.version}` : rt.version;
        sendJson(res, 200, { apiVersion, kind: rt.listKind, metadata: listMeta, items: result.items });
      }
      return 200;
    }
    case 'watch': {
      const q = listQuery(query);
      const field = parseFieldSelector(q.fieldSelector, rt.kind);
      const byName = r.name;
      serveWatch(
        req,
        res,
        {
          rt,
          namespace: ns,
          label: parseLabelSelector(q.labelSelector),
          field: byName ? (o) => o.metadata.name === byName && field(o) : field,
          resourceVersion: q.resourceVersion,
          allowBookmarks: q.allowWatchBookmarks,
          timeoutSeconds: q.timeoutSeconds,
          render,
        },
        deps,
      );
      return 200;
    }
    case 'create': {
      if (r.name) throw methodNotAllowed();
      const opts = writeOptions(req, query, 'CreateOptions');
      const body = asObject(decodeBody(await readBody(req), req.headers['content-type']));
      const created = objects.create(rt, ns, body, opts);
      sendJson(res, 201, created, 'application/json', opts.warnings);
      return 201;
    }
    case 'update': {
      const opts = writeOptions(req, query, 'UpdateOptions');
      const body = asObject(decodeBody(await readBody(req), req.headers['content-type']));
      const updated = objects.update(rt, ns, r.name!, body, r.subresource, opts);
      sendJson(res, 200, updated, 'application/json', opts.warnings);
      return 200;
    }
    case 'patch': {
      const opts = writeOptions(req, query, 'PatchOptions');
      const raw = await readBody(req);
      const isApply = mediaType(req.headers['content-type']) === 'application/apply-patch+yaml';
      checkApplyOptions(writeQuery(query, 'PatchOptions'), isApply);
      if (isApply) {
        const config = asObject(decodeBody(raw, req.headers['content-type']));
        const { object, created } = objects.apply(rt, ns, r.name!, config, r.subresource, {
          ...opts,
          fieldManager: opts.fieldManager!,
          force: opts.force ?? false,
        });
        sendJson(res, created ? 201 : 200, object, 'application/json', opts.warnings);
        return created ? 201 : 200;
      }
      const current = objects.get(rt, ns, r.name!);
      const patched = applyPatch(rt, req.headers['content-type'], current, raw);
      const updated = objects.update(rt, ns, r.name!, patched, r.subresource, opts);
      sendJson(res, 200, updated, 'application/json', opts.warnings);
      return 200;
    }
    case 'delete': {
      if (r.subresource) throw methodNotAllowed();
      const raw = await readBody(req);
      const options = raw.length > 0 ? requireObject(decodeBody(raw, req.headers['content-type'])) : {};
      const dryRun = dryRunQuery(query, 'DeleteOptions') || (Array.isArray(options.dryRun) && options.dryRun.length > 0);
      const preconditions = (options.preconditions ?? undefined) as { uid?: string; resourceVersion?: string } | undefined;
      const { object, deleted } = objects.delete(rt, ns, r.name!, { dryRun, preconditions });
      if (deleted) {
        sendJson(
          res,
          200,
          statusObject('Success', 200, undefined, undefined, {
            name: r.name,
            group: rt.group || undefined,
            kind: rt.resource,
            uid: object.metadata.uid,
          }),
        );
      } else {
        sendJson(res, 200, object);
      }
      return 200;
    }
    case 'deletecollection': {
      const q = listQuery(query);
      const label = parseLabelSelector(q.labelSelector);
      const field = parseFieldSelector(q.fieldSelector, rt.kind);
      const dryRun = dryRunQuery(query, 'DeleteOptions');
      objects.deleteCollection(rt, ns, { label, field, dryRun });
      sendJson(res, 200, statusObject('Success', 200, undefined, undefined));
      return 200;
    }
    default:
      throw methodNotAllowed();
  }
}

function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}
