import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * Applies JSON patches after cdk8s' typed renderer. `ApiObject.addJsonPatch` runs before the typed
 * `toJson` of the low-level `k8s` imports, which drops fields newer than the library's API level
 * (cdk8s-plus-28 renders Kubernetes 1.28). Use this only for fields the cluster version has and the
 * library does not; the strict schema check of the rendered manifests guards the result.
 */
export function addPatchAfterTypedRender(obj: ApiObject, ...patches: JsonPatch[]): void {
  const render = obj.toJson.bind(obj);
  obj.toJson = () => JsonPatch.apply(render(), ...patches);
}
