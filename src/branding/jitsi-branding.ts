/**
 * The group's branding for the Jitsi web client, without building an image. Checked at
 * docker-jitsi-meet stable-11146-2 and the jitsi-meet web client it installs:
 * - web/rootfs/etc/s6-overlay/scripts/config copies the container's /config to /run/web/config and
 *   appends `custom-config.js` to config.js and `custom-interface_config.js` to interface_config.js;
 * - web/rootfs/defaults/meet.conf includes `/run/web/config/nginx-custom/*.conf` in the server block,
 *   so a location of ours serves the branding data from the same origin as the meeting (no CORS);
 * - settings-config.js writes `DYNAMIC_BRANDING_URL` to config.dynamicBrandingUrl, which the client
 *   fetches before its first paint (react/features/dynamic-branding): logoImageUrl, logoClickUrl,
 *   backgroundColor, premeetingBackground, customTheme.palette (action01…) and `labels`, a map from
 *   language to a translation bundle merged over the built-in one (base/i18n: changeLanguageBundle).
 * A small init container writes these files into a volume mounted at web's /config (see
 * src/infra/constructs/jitsi-task.ts). Pure: no AWS imports.
 */

import { writeFilesCommand } from '../write-files.js';

/** The `branding` section of meet.config.json. Every field is optional. */
export interface Branding {
  readonly appName?: string | undefined;
  readonly logoUrl?: string | undefined;
  readonly websiteUrl?: string | undefined;
  readonly primaryColor?: string | undefined;
  readonly backgroundColor?: string | undefined;
  readonly welcomeText?: string | undefined;
}

/** Where web's nginx serves the branding files (our location in nginx-custom). */
export const BRANDING_URL_PREFIX = '/branding/';
const DATA_FILE = 'branding.json';
const LABELS_FILE = 'labels.json';

/** Files under web's /config, relative paths. */
export const BRANDING_FILES = {
  interfaceConfig: 'custom-interface_config.js',
  config: 'custom-config.js',
  nginx: 'nginx-custom/branding.conf',
  data: `branding/${DATA_FILE}`,
  labels: `branding/${LABELS_FILE}`,
} as const;

/** Where the web container's start script copies /config to (and where nginx reads it). */
export const WEB_CONFIG_RUN_DIR = '/run/web/config';

/** The image's own logo and link, kept when the group sets no logo (the watermark shows nothing otherwise). */
const JITSI_LOGO = 'images/watermark.svg';
const JITSI_LINK = 'https://jitsi.org';

/**
 * Language codes of the web client's translations. The welcome text is written in the group's own
 * language; it replaces the default in every language, so people whose browsers are set to another
 * one see it too. A code the client does not have is never read.
 */
// biome-ignore format: one list of codes
export const JITSI_LANGUAGES = [
  'af', 'ar', 'be', 'bg', 'ca', 'cs', 'da', 'de', 'el', 'en', 'enGB', 'eo', 'es', 'esUS', 'et', 'eu', 'fa', 'fi',
  'fr', 'frCA', 'gl', 'he', 'hi', 'hr', 'hsb', 'hu', 'hy', 'id', 'is', 'it', 'ja', 'kab', 'ko', 'lt', 'lv', 'ml',
  'mn', 'mr', 'nb', 'nl', 'oc', 'pl', 'pt', 'ptBR', 'ro', 'ru', 'sc', 'sk', 'sl', 'sq', 'sr', 'sv', 'sw', 'ta', 'te',
  'th', 'tr', 'uk', 'vi', 'zhCN', 'zhTW',
] as const;

/** True when the config asks for any branding at all. */
export function isBranded(branding: Branding | undefined): branding is Branding {
  return Boolean(branding && Object.values(branding).some((v) => v !== undefined));
}

/** The URL the web client fetches its branding data from (DYNAMIC_BRANDING_URL). */
export function dynamicBrandingUrl(host: string): string {
  return `https://${host}${BRANDING_URL_PREFIX}${DATA_FILE}`;
}

/** The data jitsi-meet's dynamic branding reads (field names as in its reducer). */
export function brandingData(branding: Branding, host: string): Record<string, unknown> {
  const data: Record<string, unknown> = {
    logoImageUrl: branding.logoUrl ?? JITSI_LOGO,
    logoClickUrl: branding.websiteUrl ?? (branding.logoUrl ? '' : JITSI_LINK),
  };
  if (branding.backgroundColor) {
    data.backgroundColor = branding.backgroundColor;
    data.premeetingBackground = branding.backgroundColor;
  }
  if (branding.primaryColor) {
    data.customTheme = {
      palette: {
        action01: branding.primaryColor,
        action01Hover: shade(branding.primaryColor, 0.85),
        action01Active: shade(branding.primaryColor, 0.7),
      },
    };
  }
  if (branding.appName || branding.welcomeText) {
    const url = `https://${host}${BRANDING_URL_PREFIX}${LABELS_FILE}`;
    data.labels = Object.fromEntries(JITSI_LANGUAGES.map((language) => [language, url]));
  }
  return data;
}

/** The translation bundle merged over every language: the welcome page's title and subtitle. */
export function brandingLabels(branding: Branding): Record<string, unknown> {
  const welcomepage: Record<string, string> = {};
  if (branding.appName) welcomepage.headerTitle = branding.appName;
  if (branding.welcomeText) welcomepage.headerSubtitle = branding.welcomeText;
  return { welcomepage };
}

/**
 * A JavaScript string literal for any text: JSON's escaping, and `<`, U+2028 and U+2029 as escapes
 * too, so the value can end neither the string nor a script element.
 */
export function jsString(text: string): string {
  return JSON.stringify(text).replace(/[<>\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const HEADER = '// Written at start by the branding init container from meet.config.json "branding".\n';

/** Appended to interface_config.js: the name (tab title, welcome page) and the logo before the data loads. */
export function customInterfaceConfig(branding: Branding): string {
  const lines: string[] = [];
  if (branding.appName) lines.push(`interfaceConfig.APP_NAME = ${jsString(branding.appName)};`);
  if (branding.logoUrl) {
    lines.push(`interfaceConfig.DEFAULT_LOGO_URL = ${jsString(branding.logoUrl)};`);
    lines.push(`interfaceConfig.DEFAULT_WELCOME_PAGE_LOGO_URL = ${jsString(branding.logoUrl)};`);
  }
  if (branding.websiteUrl) lines.push(`interfaceConfig.JITSI_WATERMARK_LINK = ${jsString(branding.websiteUrl)};`);
  return HEADER + lines.map((line) => `${line}\n`).join('');
}

/** Appended to config.js: the logo newer clients read from config (defaultLogoUrl). */
export function customConfig(branding: Branding): string {
  return HEADER + (branding.logoUrl ? `config.defaultLogoUrl = ${jsString(branding.logoUrl)};\n` : '');
}

/**
 * The nginx location web's meet.conf includes: the branding files, as JSON, from the copy of /config.
 * `^~` wins over the room location (a regex), so a room called "branding" still works (no slash).
 */
export function brandingNginxConf(runDir: string = WEB_CONFIG_RUN_DIR): string {
  return `${HEADER.replace('//', '#')}location ^~ ${BRANDING_URL_PREFIX} {
    alias ${runDir}/branding/;
    types { }
    default_type application/json;
    add_header Cache-Control "no-cache" always;
    add_header X-Content-Type-Options nosniff always;
}
`;
}

/** Every file the init container writes, by path relative to web's /config. */
export function jitsiBrandingFiles(branding: Branding, host: string, runDir?: string): Record<string, string> {
  return {
    [BRANDING_FILES.interfaceConfig]: customInterfaceConfig(branding),
    [BRANDING_FILES.config]: customConfig(branding),
    [BRANDING_FILES.nginx]: brandingNginxConf(runDir),
    [BRANDING_FILES.data]: `${JSON.stringify(brandingData(branding, host), null, 2)}\n`,
    [BRANDING_FILES.labels]: `${JSON.stringify(brandingLabels(branding), null, 2)}\n`,
  };
}

/** The branding init container's command and environment (see writeFilesCommand). */
export function brandingInitCommand(files: Record<string, string>, root = '/branding') {
  return writeFilesCommand(files, root, { envPrefix: 'BRANDING_FILE' });
}

/** A #rrggbb colour with each channel multiplied by `factor` (below 1: darker). */
export function shade(hex: string, factor: number): string {
  const channels = [1, 3, 5].map((i) => Math.round(Math.min(255, Number.parseInt(hex.slice(i, i + 2), 16) * factor)));
  return `#${channels.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
