// The type the ssa unit tests use: every kind of field server-side apply treats differently
// (list-map, set, atomic list, atomic map, granular map, preserved unknown fields, ObjectMeta).
import { typeOf } from './types.ts';

export const THING = typeOf({
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] },
    spec: {
      type: 'object',
      properties: {
        address: { type: 'string' },
        users: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, groups: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } },
          },
        },
        args: { type: 'array', items: { type: 'string' } },
        selector: {
          type: 'object',
          'x-kubernetes-map-type': 'atomic',
          properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } },
        },
        env: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
});
