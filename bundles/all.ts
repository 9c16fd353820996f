import { afterDeath } from './after-death.js';
import { businessStartup } from './business-startup.js';
import { coOwnedVehicleChange } from './co-owned-vehicle-change.js';
import type { BundleDefinition } from './definition.js';
import { idCardReissue } from './id-card-reissue.js';
import { newborn } from './newborn.js';
import { retirement } from './retirement.js';
import { rideHailingToPrivate } from './ride-hailing-to-private.js';
import { vehicleCertificateReissue } from './vehicle-certificate-reissue.js';

/**
 * Every bundle Onething offers, unchecked: `bundles/index.ts` checks them at load and refuses to
 * serve a wrong one; `npm run catalog:check` imports this list to report every problem instead.
 */
export const allBundles: readonly BundleDefinition[] = [
  newborn,
  afterDeath,
  businessStartup,
  retirement,
  vehicleCertificateReissue,
  rideHailingToPrivate,
  coOwnedVehicleChange,
  idCardReissue,
];
