// Reads a request body under a size limit and decodes JSON or YAML. Malformed input is a
// 400 Status, an oversized one 413: never an exception that reaches the server loop.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { jsonDepthExceeds, MAX_NESTING_DEPTH, yamlDepthExceeds } from './body-depth.ts';
import { ApiError, badRequest, unsupportedMediaType } from './errors.ts';
import { decodeProtobuf } from './protobuf/decode.ts';

/** kube-apiserver's limit for one request body. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
    // A connection cut before the body ended (a request deadline, a client gone) settles the read too.
    req.on('close', () => {
      if (!failed && !req.complete) {
        failed = true;
        reject(new ApiError(408, 'Timeout', 'the request body was not received in full'));
      }
    });
  });
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `the request is too large: limit is ${limit} bytes`);
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

/** Decodes a body as JSON, or YAML for the YAML media types; anything unreadable is 400. */
export function decodeBody(buf: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(buf);
  const text = buf.toString('utf8');
  if (text.trim() === '') throw badRequest("Object 'Kind' is missing in ''");
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'application/x-yaml') {
    if (yamlDepthExceeds(text)) throw badRequest(`error converting YAML to JSON: yaml: exceeded max depth of ${MAX_NESTING_DEPTH}`);
    try {
      return parseYaml(text, { maxAliasCount: 100 }) as unknown;
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    );
  }
  if (jsonDepthExceeds(text)) throw badRequest(`couldn't get version/kind; json parse error: exceeded max depth of ${MAX_NESTING_DEPTH}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export function requireObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest("Object 'Kind' is missing in request body: the body must be a JSON object");
  }
  return value as Record<string, unknown>;
}
