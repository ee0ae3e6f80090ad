import { apiBlob } from './api';

/** The file name of a download, from its Content-Disposition (RFC 6266 `filename*` first). */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // malformed: fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim() || fallback;
}

/**
 * Downloads a generated file (report, template) with the session cookie. The file is fetched
 * first, so a refusal or failure becomes an error the page shows in place instead of a JSON
 * page in a new tab; then it is saved under the server's file name.
 */
export async function downloadFile(url: string, fallbackName: string, signal?: AbortSignal): Promise<void> {
  const { blob, disposition } = await apiBlob(url, { signal });
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filenameOf(disposition, fallbackName);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
