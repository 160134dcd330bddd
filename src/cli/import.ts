/**
 * `clientele import`: customers from an NDJSON, CSV or JSON file into one tenant and mode. The
 * parts live in import/: the readers (readers/), the row mapping (rows/), the checkpoint and the
 * run identity that make an import resumable, the batch pipeline, the command. This module is
 * what the rest of the code base (and bench/) imports.
 */
export { importFile } from './import/import-file.ts';
export { importCommand, IMPORT_SQLITE_CACHE_MIB, type ImportCommandArgs } from './import/import-command.ts';
export { describeFailure } from './import/failures.ts';
export {
  ImportSetupError,
  type ImportCounts,
  type ImportOptions,
  type ImportProgress,
  type ImportSummary,
  type RowFailure,
} from './import/import-types.ts';
export { IMPORT_FORMATS, type ImportFormat } from './import/readers/source-records.ts';
