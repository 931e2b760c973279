/**
 * tfjs-backend-webgpu 4.22 asks for its optional feature as `requiredFeatures.push(['bgra8unorm-storage'])`:
 * an array inside the feature list. Browsers stringify it (WebIDL), Dawn's Node bindings may refuse the whole
 * device request. `flattenRequiredFeatures` turns such lists into plain, de-duplicated feature names, and
 * `patchRequestDevice` applies it to every `GPUAdapter.requestDevice` call, whoever makes it.
 */
import type { DeviceDescriptorLike } from './dawn';

const PATCHED = Symbol.for('tunebook.webgpu.requestDeviceFlattensFeatures');

/** A copy of `descriptor` whose requiredFeatures are flat feature-name strings; the input is not modified. */
export function flattenRequiredFeatures<T extends DeviceDescriptorLike | undefined>(descriptor: T): T {
  if (descriptor == null || descriptor.requiredFeatures == null) return descriptor;
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!names.includes(value)) names.push(value);
    } else if (value != null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const inner of value as Iterable<unknown>) visit(inner);
    } else {
      throw new TypeError(`requiredFeatures holds ${String(value)}, not a feature name`);
    }
  };
  for (const entry of descriptor.requiredFeatures) visit(entry);
  return { ...descriptor, requiredFeatures: names };
}

interface RequestDeviceOwner {
  requestDevice(descriptor?: DeviceDescriptorLike): Promise<unknown>;
}

/** Wraps `proto.requestDevice` (GPUAdapter.prototype) once so every descriptor is flattened first. */
export function patchRequestDevice(proto: RequestDeviceOwner): void {
  const marked = proto as RequestDeviceOwner & { [PATCHED]?: true };
  if (marked[PATCHED]) return;
  const original = proto.requestDevice;
  proto.requestDevice = function requestDevice(this: unknown, descriptor?: DeviceDescriptorLike) {
    return original.call(this, flattenRequiredFeatures(descriptor));
  };
  Object.defineProperty(proto, PATCHED, { value: true });
}
