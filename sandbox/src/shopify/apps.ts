// The apps the sandbox hosts: the primary one (Calibrate: defaults < shopify.app.toml < start options <
// control-API registration) and any other app registered through the control API (e.g. to prove one app
// can't use another's tokens).
import type { ShopifyState } from './state';
import type { AppTomlSource} from './app-config';
import { mergeAppConfig, type AppConfig, type ShopifyAppConfigInput } from './app-config';

export class AppRegistry {
  constructor(
    private readonly getState: () => ShopifyState,
    private readonly options: ShopifyAppConfigInput | undefined,
    readonly toml: AppTomlSource,
  ) {}

  private baseLayers(): Array<{ source: string; input: ShopifyAppConfigInput | undefined }> {
    return [
      { source: this.toml.path ?? 'shopify.app.toml', input: this.toml.read() },
      { source: 'start options', input: this.options },
    ];
  }

  primary(): AppConfig {
    const base = mergeAppConfig(this.baseLayers());
    const registered = this.getState().registeredApps[base.apiKey] as ShopifyAppConfigInput | undefined;
    return registered ? mergeAppConfig([...this.baseLayers(), { source: 'control API', input: { ...registered, apiKey: base.apiKey } }]) : base;
  }

  get(apiKey: string | null | undefined): AppConfig | undefined {
    if (!apiKey) return undefined;
    return this.all().find((a) => a.apiKey === apiKey);
  }

  all(): AppConfig[] {
    const primary = this.primary();
    const others = Object.entries(this.getState().registeredApps)
      .filter(([key, input]) => key !== primary.apiKey && typeof input.apiSecret === 'string')
      .map(([key, input]) => mergeAppConfig([{ source: 'control API', input: { ...(input as ShopifyAppConfigInput), apiKey: key } }]));
    return [primary, ...others];
  }

  /** Register or update an app (its URL in sandbox mode, redirect URLs, webhooks...). */
  register(input: ShopifyAppConfigInput): AppConfig {
    const state = this.getState();
    const primary = this.primary();
    const apiKey = input.apiKey ?? primary.apiKey;
    if (apiKey !== primary.apiKey && !state.registeredApps[apiKey] && !input.apiSecret) {
      throw new Error('registering another app needs its apiSecret');
    }
    state.registeredApps[apiKey] = { ...(state.registeredApps[apiKey] ?? {}), ...input, apiKey };
    return this.get(apiKey)!;
  }
}
