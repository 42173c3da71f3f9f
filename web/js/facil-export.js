/*
 * facil-export.js — downloading the synthesis from the facilitator console.
 *
 * Owns: fetching /api/export/CODE.FMT with the facilitator key in the
 * X-Atelier-Key header (never in the address), and saving the answer
 * through a generated download link. Must not touch the page otherwise.
 */

import { EXPORT_FORMATS } from './protocol.js';

/* The file name given by Content-Disposition, else CODE-synthese.FMT. */
function fileName(response, code, format) {
  const header = response.headers.get('Content-Disposition') || '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  if (match) {
    try {
      return decodeURIComponent(match[1]);
    } catch (e) {
      return match[1];
    }
  }
  return code + '-synthese.' + format;
}

/*
 * Fetches and saves one export. Resolves with the file name; rejects with
 * an Error whose "status" is the HTTP status (0 for a network failure).
 */
export function downloadExport(code, key, format) {
  if (EXPORT_FORMATS.indexOf(format) < 0) return Promise.reject(new Error('format'));
  const url = '/api/export/' + encodeURIComponent(code) + '.' + format;
  return fetch(url, {
    headers: { 'X-Atelier-Key': key },
    credentials: 'same-origin',
    cache: 'no-store'
  }).catch(function () {
    const err = new Error('network');
    err.status = 0;
    throw err;
  }).then(function (response) {
    if (!response.ok) {
      const err = new Error('http ' + response.status);
      err.status = response.status;
      throw err;
    }
    const name = fileName(response, code, format);
    return response.blob().then(function (blob) {
      const href = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = href;
      link.download = name;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      document.body.removeChild(link);
      setTimeout(function () { URL.revokeObjectURL(href); }, 10000);
      return name;
    });
  });
}
