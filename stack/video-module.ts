import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { createStubVideoProvider } from '../video/provider.js';
import type { VideoProvider } from '../video/provider.js';

/** What a video provider module exports: `createVideoProvider(settings)`, sync or async. */
export interface VideoProviderModule {
  createVideoProvider?: (settings: { env: NodeJS.ProcessEnv }) => VideoProvider | Promise<VideoProvider>;
}

/**
 * The cloud window's video service of this deployment: the module `VIDEO_PROVIDER_MODULE` names
 * (a path from the working directory, or a package), given the environment to read its own
 * settings from. Unset outside production: the stub. Production without it does not start
 * (`missingSettings`), and never gets the stub.
 */
export async function loadVideoProvider(
  config: Pick<Config, 'NODE_ENV' | 'VIDEO_PROVIDER_MODULE'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<VideoProvider> {
  const specifier = config.VIDEO_PROVIDER_MODULE;
  if (specifier === undefined) {
    if (config.NODE_ENV === 'production')
      throw new ConfigError('VIDEO_PROVIDER_MODULE is required in production');
    return createStubVideoProvider();
  }
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  const target = isPath ? pathToFileURL(resolve(specifier)).href : specifier;
  let loaded: VideoProviderModule;
  try {
    loaded = (await import(target)) as VideoProviderModule;
  } catch (err) {
    throw new ConfigError(`VIDEO_PROVIDER_MODULE (${specifier}) could not be loaded: ${String(err)}`);
  }
  if (typeof loaded.createVideoProvider !== 'function') {
    throw new ConfigError(
      `VIDEO_PROVIDER_MODULE (${specifier}) does not export createVideoProvider(settings)`,
    );
  }
  const provider = await loaded.createVideoProvider({ env });
  if (typeof provider?.createSession !== 'function') {
    throw new ConfigError(
      `VIDEO_PROVIDER_MODULE (${specifier}): createVideoProvider returned no createSession()`,
    );
  }
  return provider;
}
