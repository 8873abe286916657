import * as path from 'node:path';
import { DEFAULT_CONFIG_FILE, EXAMPLE_CONFIG_FILE } from '../config/files.js';
import type { MeetConfig } from '../config/schema.js';
import { ConfigError, ExitCode, MeetError } from '../errors.js';
import type { Deps } from './deps.js';
import { Output } from './output.js';

/** Options every command accepts (see `meetctl --help`). */
export interface GlobalOptions {
  config?: string;
  profile?: string;
  region?: string;
  json?: boolean;
  yes?: boolean;
  dryRun?: boolean;
}

export interface LoadedConfig {
  readonly config: MeetConfig;
  readonly file: string;
  /** True when the shipped example was used (by name) or the config still holds its placeholders. */
  readonly isExample: boolean;
  /** The example's placeholder values the config still holds (see placeholderProblems). */
  readonly placeholders: readonly string[];
}

/** Per-invocation state shared by the commands. */
export class Context {
  readonly out: Output;

  constructor(
    readonly deps: Deps,
    readonly options: GlobalOptions,
  ) {
    const color = deps.isTTY && !options.json && deps.env.NO_COLOR === undefined && deps.env.CI === undefined;
    const columns = (deps.stdout as { columns?: number }).columns;
    this.out = new Output(deps.stdout, deps.stderr, color, deps.isTTY && columns ? Math.max(60, columns) : 100);
  }

  /** The AWS profile: --profile, else AWS_PROFILE (the SDK reads it too; kept for hints). */
  get profile(): string | undefined {
    return this.options.profile ?? this.deps.env.AWS_PROFILE;
  }

  /**
   * Load and validate the config. Without --config, `meet.config.json` in the working directory is
   * used; when it does not exist and `allowExample` is set, the shipped example is used with a notice.
   * --region overrides the config's region.
   */
  async loadConfig(allowExample: boolean): Promise<LoadedConfig> {
    const explicit = this.options.config;
    let file = path.resolve(this.deps.cwd, explicit ?? DEFAULT_CONFIG_FILE);
    let isExample = false;
    if (!this.deps.fileExists(file)) {
      if (explicit) {
        throw new MeetError(
          `config file ${file} does not exist.`,
          ExitCode.config,
          `Check the --config path, or copy ${EXAMPLE_CONFIG_FILE} to ${DEFAULT_CONFIG_FILE} and edit it.`,
        );
      }
      if (!allowExample) {
        throw new MeetError(
          `no ${DEFAULT_CONFIG_FILE} in ${this.deps.cwd}.`,
          ExitCode.config,
          `Copy ${EXAMPLE_CONFIG_FILE} to ${DEFAULT_CONFIG_FILE}, set your domain, hosted zone, alert e-mail and budget, then run \`meetctl config validate\`.`,
        );
      }
      file = this.deps.exampleConfigPath;
      isExample = true;
    }
    let text: string;
    try {
      text = this.deps.readFile(file);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EISDIR' || /EISDIR/.test(String(error))) {
        throw new ConfigError(file, ['is a directory, not a file. Fix: point --config at the JSON file itself']);
      }
      if (code === 'EFBIG') {
        throw new ConfigError(file, [
          `is ${error instanceof Error ? error.message : 'too large'}, not a config of a few kB. Fix: point --config at the JSON config file`,
        ]);
      }
      throw new ConfigError(file, [
        `the file cannot be read (${error instanceof Error ? error.message : String(error)}). Fix: check its permissions`,
      ]);
    }
    // zod is loaded only when a config is read, so `--help` stays fast.
    const { parseConfigText, placeholderProblems } = await import('../config/load.js');
    const config = parseConfigText(text, path.relative(this.deps.cwd, file) || file);
    const region = this.options.region ?? config.region;
    isExample ||= path.basename(file) === EXAMPLE_CONFIG_FILE;
    const placeholders = placeholderProblems(config);
    return { config: { ...config, region }, file, isExample: isExample || placeholders.length > 0, placeholders };
  }
}
