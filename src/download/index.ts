/**
 * `flora-runs-client/download`: a completed run's outputs written to disk, streamed, resumed, checked and
 * renamed into place only when whole, and a batch's results (with the files) as one HTML page. It needs a
 * file system (`node:fs`), so it is an entry of its own, which keeps the root entry free of it for
 * browsers and edge runtimes; and it never needs the client, so the API key is never within its reach.
 */
export { downloadRun, filesOnDisk, DEFAULT_MAX_DOWNLOAD_BYTES, type DownloadableOutput, type DownloadableRun, type DownloadedFile, type DownloadOptions } from './download.js';
export { DownloadError, type DownloadFailure } from '../core/errors.js';
export { safePart, fileBase } from './names.js';
export { renderReport, escapeHtml, type ReportFile, type ReportItem, type ReportOptions } from '../report/html.js';
export { reportItems, writeReport, type ReportSource } from '../report/write.js';
export { ResultDownloads, type DownloadedLine, type ResultDownloadOptions, type ResultFile, type ResultLine } from './results.js';
