/**
 * What the expression evaluator asks of the template it runs in. CONTRACT between
 * expressions/evaluator.ts (calls it) and template/ (implements it per scope).
 * Every method must return a Value (Unknown when not known) and never throw.
 */
import type { Value } from './value';

export interface UserFunction {
  /** Parameter names in order. */
  parameters: string[];
  /** Evaluates the function's output with the given argument values (template/ binds them). */
  invoke(args: Value[]): Value;
}

export interface EvalContext {
  /** `parameters('name')`: the effective value, or an Unknown (with candidates from allowedValues). */
  parameter(name: string): Value;
  /** `variables('name')`: the evaluated variable; Unknown on a cycle or an undefined name. */
  variable(name: string): Value;
  /** User-defined function `namespace.name`, when defined in this template. */
  userFunction(namespace: string, name: string): UserFunction | undefined;
  /** `copyIndex(loopName?)` without offset; Unknown outside a loop. */
  copyIndex(loopName?: string): Value;
  /**
   * `reference(resourceNameOrId, apiVersion?, 'Full'?)`: the in-template resource's state
   * (`properties` merged at top level as ARM does, plus `id`, `name`, `type`, and for nested
   * deployments `outputs.<x>.value`), or an Unknown keyed by the call for resources outside the
   * template. `full` is true for the 'Full' form (returns { properties, location, sku, id, ... }).
   */
  reference(target: Value, full: boolean): Value;
  /** Bicep `resourceInfo('symbolicName')`: { id, name, type, apiVersion, location? } or Unknown. */
  resourceInfo(symbolicName: string): Value;
  /** `subscription()`: { id, subscriptionId, tenantId, displayName } (parts Unknown with canonical keys). */
  subscription(): Value;
  /** `resourceGroup()`: { id, name, type, location, properties, ... }. */
  resourceGroup(): Value;
  /** `deployment()`: { name, properties: { templateLink?, ... } }. */
  deployment(): Value;
  /**
   * The scope the template is deployed at (from its `$schema`, or a nested deployment's target).
   * `resourceId()` without subscription and resource group gives `/subscriptions/{id}/providers/...`
   * at subscription scope and `/providers/...` at management group or tenant scope. Optional:
   * 'resourceGroup' when absent.
   */
  deploymentLevel?(): 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';
  /** `managementGroup()`, `tenant()`, `environment()`. */
  managementGroup(): Value;
  tenant(): Value;
  environment(): Value;
}
