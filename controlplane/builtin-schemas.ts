// The structural schemas of the built-in kinds and of ObjectMeta, as Kubernetes publishes them
// (fields, descriptions, list and map types): what `kubectl explain` shows, what kubectl's
// client-side validation checks items of a `kind: List` against (OpenAPI v2), and what
// server-side apply reads field ownership from (`x-kubernetes-list-type`, `-list-map-keys`,
// `-map-type`). Admission does not use them: built-in kinds keep their own checks.
import type { JsonSchema, ResourceType } from './types.ts';

const OBJECT_META_NAME = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
const int = (description: string, format: 'int32' | 'int64' = 'int32'): JsonSchema => ({ type: 'integer', format, description });
const bool = (description: string): JsonSchema => ({ type: 'boolean', description });
const time = (description: string): JsonSchema => str(description, { format: 'date-time' });
const stringMap = (description: string, format?: string): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string', ...(format ? { format } : {}) },
});
const obj = (description: string, properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  description,
  properties,
  ...extra,
});
const open = (description: string): JsonSchema => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });
const strings = (description: string, listType: 'atomic' | 'set' = 'atomic'): JsonSchema => ({
  type: 'array',
  description,
  items: { type: 'string' },
  'x-kubernetes-list-type': listType,
});

const objectReference = (description: string): JsonSchema =>
  obj(
    description,
    {
      apiVersion: str('API version of the referent.'),
      fieldPath: str('If referring to a piece of an object instead of an entire object, the path to it.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      namespace: str('Namespace of the referent.'),
      resourceVersion: str('Specific resourceVersion to which this reference is made, if any.'),
      uid: str('UID of the referent.'),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  );

/** metav1.ObjectMeta, with the list and map types server-side apply merges it by. */
export const OBJECT_META: JsonSchema = obj(
  'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
  {
    annotations: stringMap(
      'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.',
    ),
    creationTimestamp: time(
      'CreationTimestamp is a timestamp representing the server time when this object was created. Populated by the system. Read-only.',
    ),
    deletionGracePeriodSeconds: int(
      'Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Read-only.',
      'int64',
    ),
    deletionTimestamp: time(
      'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. Set by the server when a graceful deletion is requested by the user. Read-only.',
    ),
    finalizers: strings(
      'Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list.',
      'set',
    ),
    generateName: str(
      'GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.',
    ),
    generation: int(
      'A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.',
      'int64',
    ),
    labels: stringMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects.'),
    managedFields: {
      type: 'array',
      description:
        "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow. This is mostly for internal housekeeping, and users typically shouldn't need to set or understand this field.",
      'x-kubernetes-list-type': 'atomic',
      items: obj('ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.', {
        apiVersion: str('APIVersion defines the version of this resource that this field set applies to.'),
        fieldsType: str(
          'FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"',
        ),
        fieldsV1: open('FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.'),
        manager: str('Manager is an identifier of the workflow managing these fields.'),
        operation: str(
          "Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'.",
        ),
        subresource: str(
          'Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.',
        ),
        time: time('Time is the timestamp of when the ManagedFields entry was added.'),
      }),
    },
    name: str(
      'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.',
    ),
    namespace: str('Namespace defines the space within which each name must be unique.'),
    ownerReferences: {
      type: 'array',
      description:
        'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      items: obj(
        'OwnerReference contains enough information to let you identify an owning object.',
        {
          apiVersion: str('API version of the referent.'),
          blockOwnerDeletion: bool(
            'If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.',
          ),
          controller: bool('If true, this reference points to the managing controller.'),
          kind: str('Kind of the referent.'),
          name: str('Name of the referent.'),
          uid: str('UID of the referent.'),
        },
        { required: ['apiVersion', 'kind', 'name', 'uid'], 'x-kubernetes-map-type': 'atomic' },
      ),
    },
    resourceVersion: str(
      'An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. Read-only.',
    ),
    selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
    uid: str('UID is the unique in time and space value for this object. Populated by the system. Read-only.'),
  },
);

const condition = obj(
  'A condition of the object.',
  {
    lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
    message: str('Human-readable message indicating details about last transition.'),
    reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
    status: str('Status of the condition: True, False or Unknown.'),
    type: str('Type of the condition.'),
  },
  { required: ['type', 'status'] },
);

const BUILTINS: Record<string, { description: string; properties: Record<string, JsonSchema> }> = {
  '/ConfigMap': {
    description: 'ConfigMap holds configuration data for pods to consume.',
    properties: {
      binaryData: stringMap(
        "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'.",
        'byte',
      ),
      data: stringMap("Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
      immutable: bool(
        'Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified).',
      ),
    },
  },
  '/Secret': {
    description:
      'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.',
    properties: {
      data: stringMap('Data contains the secret data. The serialized form of the secret data is a base64 encoded string.', 'byte'),
      immutable: bool(
        'Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).',
      ),
      stringData: stringMap(
        'stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience.',
      ),
      type: str('Used to facilitate programmatic handling of secret data.'),
    },
  },
  '/Namespace': {
    description: 'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
    properties: {
      spec: obj('Spec defines the behavior of the Namespace.', {
        finalizers: strings('Finalizers is an opaque list of values that must be empty to permanently remove object from storage.'),
      }),
      status: obj('Status describes the current status of a Namespace.', {
        conditions: {
          type: 'array',
          description: "Represents the latest available observations of a namespace's current state.",
          items: condition,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
        },
        phase: str('Phase is the current lifecycle phase of the namespace.'),
      }),
    },
  },
  '/Event': {
    description: 'Event is a report of an event somewhere in the cluster.',
    properties: {
      action: str('What action was taken/failed regarding to the Regarding object.'),
      count: int('The number of times this event has occurred.'),
      eventTime: time('Time when this Event was first observed.'),
      firstTimestamp: time('The time at which the event was first recorded.'),
      involvedObject: objectReference('The object that this event is about.'),
      lastTimestamp: time('The time at which the most recent occurrence of this event was recorded.'),
      message: str('A human-readable description of the status of this operation.'),
      reason: str(
        "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      ),
      related: objectReference('Optional secondary object for more complex actions.'),
      reportingComponent: str('Name of the controller that emitted this Event.'),
      reportingInstance: str('ID of the controller instance.'),
      series: obj('Data about the Event series this event represents.', {
        count: int('Number of occurrences in this series up to the last heartbeat time.'),
        lastObservedTime: time('Time of the last occurrence observed.'),
      }),
      source: obj('The component reporting this event.', {
        component: str('Component from which the event is generated.'),
        host: str('Node name on which the event is generated.'),
      }),
      type: str('Type of this event (Normal, Warning).'),
    },
  },
  'events.k8s.io/Event': {
    description: 'Event is a report of an event somewhere in the cluster.',
    properties: {
      action: str('What action was taken/failed regarding to the regarding object.'),
      deprecatedCount: int('The deprecated field assuring backward compatibility with core.v1 Event type.'),
      deprecatedFirstTimestamp: time('The deprecated field assuring backward compatibility with core.v1 Event type.'),
      deprecatedLastTimestamp: time('The deprecated field assuring backward compatibility with core.v1 Event type.'),
      deprecatedSource: obj('The deprecated field assuring backward compatibility with core.v1 Event type.', {
        component: str('Component from which the event is generated.'),
        host: str('Node name on which the event is generated.'),
      }),
      eventTime: time('The time at which the event was first observed.'),
      note: str('A human-readable description of the status of this operation.'),
      reason: str('Why the action was taken.'),
      regarding: objectReference('The object this Event is about.'),
      related: objectReference('Optional secondary object for more complex actions.'),
      reportingController: str('The name of the controller that emitted this Event.'),
      reportingInstance: str('The ID of the controller instance.'),
      series: obj('Data about the Event series this event represents.', {
        count: int('Number of occurrences in this series up to the last heartbeat time.'),
        lastObservedTime: time('Time of the last occurrence observed.'),
      }),
      type: str('The type of this event (Normal, Warning).'),
    },
  },
  'coordination.k8s.io/Lease': {
    description: 'Lease defines a lease concept.',
    properties: {
      spec: obj('spec contains the specification of the Lease.', {
        acquireTime: time('acquireTime is a time when the current lease was acquired.'),
        holderIdentity: str('holderIdentity contains the identity of the holder of a current lease.'),
        leaseDurationSeconds: int('leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it.'),
        leaseTransitions: int('leaseTransitions is the number of transitions of a lease between holders.'),
        preferredHolder: str('PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up.'),
        renewTime: time('renewTime is a time when the current holder of a lease has last updated the lease.'),
        strategy: str('Strategy indicates the strategy for picking the leader for coordinated leader election.'),
      }),
    },
  },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    description: 'CustomResourceDefinition represents a resource that should be exposed on the API server.',
    properties: {
      spec: obj('spec describes how the user wants the resources to appear.', {
        conversion: open('conversion defines conversion settings for the CRD.'),
        group: str('group is the API group of the defined custom resource.'),
        names: obj('names specify the resource and kind names for the custom resource.', {
          categories: strings("categories is a list of grouped resources this custom resource belongs to (e.g. 'all')."),
          kind: str('kind is the serialized kind of the resource.'),
          listKind: str('listKind is the serialized kind of the list for this resource.'),
          plural: str('plural is the plural name of the resource to serve.'),
          shortNames: strings('shortNames are short names for the resource, exposed in API discovery documents.'),
          singular: str('singular is the singular name of the resource.'),
        }),
        preserveUnknownFields: bool(
          'preserveUnknownFields indicates that object fields which are not specified in the OpenAPI schema should be preserved when persisting to storage.',
        ),
        scope: str('scope indicates whether the defined custom resource is cluster- or namespace-scoped.'),
        versions: {
          type: 'array',
          description: 'versions is the list of all API versions of the defined custom resource.',
          items: open('A version of the custom resource.'),
          'x-kubernetes-list-type': 'atomic',
        },
      }),
      status: open('status indicates the actual state of the CustomResourceDefinition.'),
    },
  },
};

const REVIEW: Record<string, JsonSchema> = {
  spec: open('Spec holds information about the request being evaluated.'),
  status: open('Status is filled in by the server.'),
};

/** The published schema of a type: its CRD schema, or the built-in one; undefined when unknown. */
export function publishedSchema(rt: ResourceType): JsonSchema | undefined {
  let base: JsonSchema | undefined = rt.schema;
  if (!base) {
    const builtin = BUILTINS[`${rt.group}/${rt.kind}`];
    if (builtin) base = obj(builtin.description, builtin.properties);
    else if (rt.answer) base = obj(`${rt.kind} answers a question about the requesting user.`, REVIEW);
  }
  if (!base) return undefined;
  const properties = { ...((base.properties as Record<string, JsonSchema> | undefined) ?? {}) };
  properties.apiVersion = str('APIVersion defines the versioned schema of this representation of an object.');
  properties.kind = str('Kind is a string value representing the REST resource this object represents.');
  properties.metadata = { description: "Standard object's metadata.", allOf: [OBJECT_META_REF] };
  return { ...base, type: 'object', properties };
}

/** Where ObjectMeta sits among an OpenAPI document's named schemas. */
export const OBJECT_META_REF: JsonSchema = { $ref: `#/components/schemas/${OBJECT_META_NAME}` };
export { OBJECT_META_NAME };
