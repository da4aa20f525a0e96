/** What a rule's check receives. */
import type { Template } from '../template/model';
import type { ApimService } from '../network/chain-model';
import type { Platform } from '../config/types';

export interface RuleContext {
  template: Template;
  services: ApimService[];
  /** Configured platform (auto, stv1, stv2). */
  platform: Platform;
  /** The profile in force for a service (resolves `auto` per requirements.md). */
  profileFor(service: ApimService): 'stv1' | 'stv2';
}
