/**
 * What each store expects of the manifest in an upload, checked against
 * the files actually in the zip. Each check returns the problems it found,
 * so a failing test names them all.
 *
 * Chrome Web Store: MV3, a name of at most 75 characters, a description of
 * at most 132, a version of one to four dot-separated integers, a 128 px
 * icon (the store and the install dialog show it), a service worker as
 * background. AMO: MV3 with an email-like gecko id, a `strict_min_version`
 * we test against, the built-in data consent (`data_collection_permissions`,
 * which AMO asks new add-ons for), a background page (Firefox's event page),
 * and the 48 and 96 px icons Firefox's add-on manager shows; we hold
 * ourselves to these even where a store would only warn.
 */

/** A manifest as read from JSON. */
export type Manifest = Record<string, unknown> & {
  manifest_version?: unknown;
  name?: unknown;
  description?: unknown;
  version?: unknown;
  default_locale?: unknown;
  icons?: Record<string, string>;
  background?: { service_worker?: unknown; scripts?: unknown };
  browser_specific_settings?: {
    gecko?: {
      id?: unknown;
      strict_min_version?: unknown;
      data_collection_permissions?: { required?: unknown };
    };
  };
};

/** An unpacked zip: its paths and a reader for text files in it. */
export interface ZipView {
  has(path: string): boolean;
  text(path: string): string;
}

/** The oldest Firefox ESR our Firefox build may declare. */
const FIREFOX_MIN = 140;

/** Resolves `__MSG_key__` through the default locale's messages. */
function localized(value: unknown, manifest: Manifest, zip: ZipView): string {
  if (typeof value !== 'string') return '';
  const key = /^__MSG_(\w+)__$/.exec(value)?.[1];
  if (!key) return value;
  const file = `_locales/${String(manifest.default_locale)}/messages.json`;
  if (!zip.has(file)) return '';
  const messages = JSON.parse(zip.text(file)) as Record<string, { message?: string }>;
  return messages[key]?.message ?? '';
}

/** What both stores share: MV3, name, description, version, files. */
function commonProblems(m: Manifest, zip: ZipView): string[] {
  const problems: string[] = [];
  if (m.manifest_version !== 3) problems.push('manifest_version is not 3');
  const name = localized(m.name, m, zip);
  if (!name || name.length > 75) problems.push(`name "${name}" is empty or over 75`);
  const description = localized(m.description, m, zip);
  if (!description || description.length > 132) {
    problems.push(`description "${description}" is empty or over 132`);
  }
  if (typeof m.version !== 'string' || !/^\d+(\.\d+){0,3}$/.test(m.version)) {
    problems.push(`version ${String(m.version)} is not 1-4 dot-separated integers`);
  }
  for (const [size, path] of Object.entries(m.icons ?? {})) {
    if (!zip.has(path)) problems.push(`icon ${size} (${path}) is not in the zip`);
  }
  return problems;
}

function requireIcons(m: Manifest, sizes: string[]): string[] {
  return sizes.filter((s) => !m.icons?.[s]).map((s) => `no ${s} px icon`);
}

/** Problems that keep the Chrome Web Store from accepting the manifest. */
export function chromeStoreProblems(m: Manifest, zip: ZipView): string[] {
  const problems = [...commonProblems(m, zip), ...requireIcons(m, ['128'])];
  const worker = m.background?.service_worker;
  if (typeof worker !== 'string' || !zip.has(worker)) {
    problems.push('background.service_worker is missing or not in the zip');
  }
  if (m.browser_specific_settings) problems.push('browser_specific_settings in Chrome');
  return problems;
}

/** Problems that keep AMO from accepting the manifest. */
export function amoProblems(m: Manifest, zip: ZipView): string[] {
  const problems = [...commonProblems(m, zip), ...requireIcons(m, ['48', '96'])];
  const gecko = m.browser_specific_settings?.gecko;
  if (typeof gecko?.id !== 'string' || !/^[\w.-]*@[\w.-]+$/.test(gecko.id)) {
    problems.push('browser_specific_settings.gecko.id is missing or not email-like');
  }
  const min = Number.parseFloat(String(gecko?.strict_min_version));
  if (!(min >= FIREFOX_MIN)) {
    problems.push(`strict_min_version ${String(gecko?.strict_min_version)} < 140`);
  }
  const required = gecko?.data_collection_permissions?.required;
  if (!Array.isArray(required) || required.length === 0) {
    problems.push('data_collection_permissions.required is missing');
  }
  const scripts = m.background?.scripts;
  if (!Array.isArray(scripts) || !scripts.every((s) => zip.has(String(s)))) {
    problems.push('background.scripts is missing or not in the zip');
  }
  return problems;
}
